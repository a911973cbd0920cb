"""Tests mirror the packages (tests/README.md): every test file's path names a package or module of
bot/, cogs/ or discord_double/, so a newcomer finds the tests of a module by its path."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# End to end by design, across every feature: their own directories, not a mirror. And the meta-tests
# of the repository itself.
CROSS_CUTTING = ("qa", "faults", "test_package_layout.py", "test_tests_mirror.py", "test_ci.py")


def collected_files(root: Path = REPO_ROOT) -> list[Path]:
    """What pytest collects under tests/ (its default file patterns)."""
    tests = root / "tests"
    return sorted({*tests.rglob("test_*.py"), *tests.rglob("*_test.py")})


def mirrored(directory: tuple[str, ...], root: Path) -> list[Path]:
    """The packages or modules tests/<directory>/ mirrors: bot/<directory> and cogs/<directory> (a
    domain and its cog share a test directory), or discord_double/<rest> for tests/discord_double/."""
    if directory[:1] == ("discord_double",):
        candidates = [root.joinpath("discord_double", *directory[1:])]
    else:
        candidates = [root.joinpath(top, *directory) for top in ("bot", "cogs")]
    found = [path for path in candidates if (path / "__init__.py").is_file()]
    if directory:  # tests/flags/ for bot/flags.py and cogs/flags.py
        found += [path.with_suffix(".py") for path in candidates if path.with_suffix(".py").is_file()]
    return found


def names(source: Path) -> set[str]:
    """What a unit test file may be named for: a module itself; in a package, the package (its
    `__init__.py`), each module (`__main__.py` as `main`) and each sub-package."""
    if source.is_file():
        return {source.stem}
    found = {source.name}
    for child in source.iterdir():
        if child.suffix == ".py" and child.stem != "__init__":
            found.add("main" if child.stem == "__main__" else child.stem)
        elif (child / "__init__.py").is_file():
            found.add(child.name)
    return found


def mirror_problem(test_file: Path, root: Path = REPO_ROOT) -> str | None:
    relative = test_file.relative_to(root / "tests")
    shown = f"tests/{relative.as_posix()}"
    if relative.parts[0] in CROSS_CUTTING:
        return None
    sources = mirrored(relative.parent.parts, root)
    if not sources:
        where = "/".join(relative.parent.parts)
        return (f"{shown}: tests/{where}/ mirrors no package or module of bot/, cogs/ or discord_double/: move it "
                f"to the directory of the package it tests (tests/README.md)")
    subject = relative.stem.removeprefix("test_").removesuffix("_test")
    if subject.endswith("_e2e"):
        return None  # end to end through the double, named for the behaviour, in its feature's directory
    allowed = set().union(*(names(source) for source in sources))
    if any(subject == name or subject.startswith(f"{name}_") for name in allowed):
        return None
    packages = ", ".join(source.relative_to(root).as_posix() for source in sources)
    return (f"{shown} names no module of {packages}: call it test_<module>.py or test_<module>_<aspect>.py, "
            f"or end it in _e2e.py if it drives the real bot through the Discord double")


def test_every_test_file_is_where_its_module_is() -> None:
    files = collected_files()
    assert len(files) > 100, "tests/ was not found"
    problems = [problem for path in files if (problem := mirror_problem(path)) is not None]
    assert not problems, "\n".join(problems)


@pytest.fixture
def house(tmp_path: Path) -> Path:
    for module in ("bot/__init__.py", "bot/__main__.py", "bot/doctor.py", "bot/flags.py", "bot/bridge/__init__.py",
                   "bot/bridge/plan.py", "bot/bridge/deliver/__init__.py", "bot/bridge/deliver/outbox.py",
                   "bot/guidance/__init__.py", "bot/guidance/matcher.py", "cogs/__init__.py",
                   "cogs/guidance/__init__.py", "cogs/guidance/noticing.py", "cogs/people.py",
                   "discord_double/__init__.py", "discord_double/gateway.py"):
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).touch()
    return tmp_path


@pytest.mark.parametrize("path", [
    "tests/bridge/deliver/test_outbox.py",
    "tests/bridge/deliver/test_outbox_never_drops.py",
    "tests/bridge/test_plan.py",
    "tests/bridge/test_deliver_order.py",  # a sub-package, as a whole
    "tests/guidance/test_matcher.py",  # the domain…
    "tests/guidance/test_noticing.py",  # …and its cog, in one directory
    "tests/guidance/test_guidance.py",  # the package's __init__
    "tests/guidance/test_commands_e2e.py",
    "tests/test_doctor.py",
    "tests/test_main_lifecycle.py",  # bot/__main__.py
    "tests/flags/test_flags.py",
    "tests/people/test_forget_me_e2e.py",
    "tests/discord_double/test_gateway_sharding.py",
    "tests/qa/test_every_command.py",
    "tests/faults/test_server_errors_e2e.py",
])
def test_a_test_file_at_its_module_s_path_passes(house: Path, path: str) -> None:
    assert mirror_problem(house / path, house) is None


@pytest.mark.parametrize(("path", "said"), [
    ("tests/bridge/test_outbox.py", "names no module of bot/bridge: call it test_<module>"),  # one level too high
    ("tests/bridge/deliver/test_plan.py", "names no module of bot/bridge/deliver"),
    ("tests/guidance/test_normalise_properties.py", "names no module of bot/guidance, cogs/guidance"),
    ("tests/guidance_cog/test_noticing.py", "tests/guidance_cog/ mirrors no package or module"),
    ("tests/core/test_doctor.py", "tests/core/ mirrors no package or module"),
    ("tests/core/test_admin_e2e.py", "tests/core/ mirrors no package or module"),  # e2e too: in its feature's directory
    ("tests/test_lifecycle.py", "names no module of bot, cogs"),
    ("tests/discord_double/test_basic.py", "names no module of discord_double"),
    ("tests/discord_double/deep/test_gateway.py", "tests/discord_double/deep/ mirrors no package"),
    ("tests/flags/test_reactions.py", "names no module of bot/flags.py"),
    ("tests/people/test_language.py", "names no module of cogs/people.py"),
])
def test_a_test_file_away_from_its_module_is_named_with_the_fix(house: Path, path: str, said: str) -> None:
    problem = mirror_problem(house / path, house)
    assert problem is not None and problem.startswith(path) and said in problem, problem
