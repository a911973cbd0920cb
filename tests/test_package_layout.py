"""The shape of the house: no import circles among bot/ and cogs/ modules, and names that say
what a module is (no "extras", no references to issue numbers) in bot/, cogs/, tests/ and bench/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LAYERED = ("bot", "cogs")
NAMED = ("bot", "cogs", "tests", "bench")
# "#12", "issue 13", "issues #6": a reference to this project's tracker. Channel mentions (`<#99>`)
# and another project's issue (`owner/repo#57`) are not.
ISSUE_REFERENCE = re.compile(r"(?<![<\w/.&-])#\d{1,4}\b|\bissues?\s*#?\d+\b", re.IGNORECASE)


def python_files(*folders: str, root: Path = REPO_ROOT) -> list[Path]:
    return sorted(path for folder in folders for path in (root / folder).rglob("*.py"))


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(paths: list[Path], root: Path = REPO_ROOT) -> dict[str, set[str]]:
    """Module -> the modules of `paths` it imports: every import statement counts, also one inside a
    function or under `if TYPE_CHECKING:` (a circle hidden there is still a circle in the design)."""
    modules = {module_name(path, root): path for path in paths}

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                imported.update(known(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                # `from package import module` imports the module; `from module import name` the module.
                imported.update(known(f"{base}.{alias.name}") if f"{base}.{alias.name}" in modules else known(base)
                                for alias in node.names)
        graph[name] = {target for target in imported if target and target != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def test_no_import_circles_among_bot_and_cogs_modules() -> None:
    assert circles(import_graph(python_files(*LAYERED))) == []


def test_the_circle_finder_sees_a_circle_through_a_type_checking_import(tmp_path: Path) -> None:
    (tmp_path / "cogs" / "thing").mkdir(parents=True)
    (tmp_path / "cogs" / "__init__.py").write_text("")
    (tmp_path / "cogs" / "thing" / "__init__.py").write_text("")
    (tmp_path / "cogs" / "thing" / "cog.py").write_text("from cogs.thing.views import View\n")
    (tmp_path / "cogs" / "thing" / "views.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .cog import Cog\n")
    assert circles(import_graph(python_files("cogs", root=tmp_path), tmp_path)) == [["cogs.thing.cog", "cogs.thing.views"]]


def test_no_module_is_named_extras() -> None:
    named = [str(path.relative_to(REPO_ROOT)) for folder in NAMED for path in (REPO_ROOT / folder).rglob("*")
             if "extras" in path.name.lower() and "__pycache__" not in path.parts]
    assert named == []


def test_no_code_or_comment_refers_to_an_issue_number() -> None:
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in python_files(*NAMED)
        if path != Path(__file__).resolve()  # this file shows what a reference looks like
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ISSUE_REFERENCE.search(line)
    ]
    assert found == []


def test_the_issue_pattern_knows_a_reference_from_a_channel_mention() -> None:
    assert ISSUE_REFERENCE.search("the #6 commands") and ISSUE_REFERENCE.search("see Issue 13")
    assert not ISSUE_REFERENCE.search("<#99> and terryyin/translate-python#57 and color #ff0000")
