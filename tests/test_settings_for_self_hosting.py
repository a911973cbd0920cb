"""The files a Heroku-like platform reads are present and agree with the settings."""

import json
import re
from pathlib import Path

from bot.settings import CORE_ENV_VARS
from bot.translation.settings import TRANSLATION_ENV_VARS

REPO_ROOT = Path(__file__).resolve().parents[1]
ALL_VARIABLES = [name for name, _, _ in CORE_ENV_VARS + TRANSLATION_ENV_VARS]


def test_procfile_runs_a_worker() -> None:
    assert (REPO_ROOT / "Procfile").read_text().strip() == "worker: python -m bot"


def test_env_example_documents_every_setting_with_a_comment() -> None:
    lines = (REPO_ROOT / ".env.example").read_text().splitlines()
    for name in ALL_VARIABLES:
        index = next((i for i, line in enumerate(lines) if re.match(rf"^#? ?{name}=", line)), None)
        assert index is not None, f"{name} missing from .env.example"
        assert lines[index - 1].startswith("# "), f"{name} has no comment"


def test_app_json_describes_every_setting_and_the_postgres_addon() -> None:
    app = json.loads((REPO_ROOT / "app.json").read_text())
    assert set(app["env"]) == set(ALL_VARIABLES) - {"DATABASE_URL"}
    assert app["env"]["DISCORD_TOKEN"]["required"] is True
    assert any(addon["plan"].startswith("heroku-postgresql") for addon in app["addons"])
    assert "worker" in app["formation"]


def test_buildpack_files_install_the_project() -> None:
    assert "-e ." in (REPO_ROOT / "requirements.txt").read_text().splitlines()
    assert re.fullmatch(r"3\.1[1-9]\n?", (REPO_ROOT / ".python-version").read_text())


def readme_sections() -> set[str]:
    readme = (REPO_ROOT / "README.md").read_text()
    return {match.group(1).strip() for match in re.finditer(r"^#+ (.+)$", readme, re.MULTILINE)}


def test_pointers_to_the_readme_name_sections_that_exist() -> None:
    texts = {".env.example": (REPO_ROOT / ".env.example").read_text()}
    texts.update({str(path.relative_to(REPO_ROOT)): path.read_text() for path in (REPO_ROOT / "bot").rglob("*.py")})
    pointers = [
        (where, match.group(1))
        for where, text in texts.items()
        for match in re.finditer(r"README: ([A-Z][\w ()-]*?[\w)])(?=[).,;\n])", text)
    ]
    assert pointers, "nothing points into the README any more: drop this test or the pattern is wrong"
    sections = readme_sections()
    missing = [f"{where}: README: {name}" for where, name in pointers if name not in sections]
    assert not missing, f"no such README section: {missing}"


def test_readme_commands_run_as_written() -> None:
    """A self-hoster copies the commands: on their own machine Qiao is in .venv, so bare `python` is not it."""
    readme = (REPO_ROOT / "README.md").read_text()
    platform_contexts = ("worker: python -m bot", "use `python -m bot` as the start command")
    for context in platform_contexts:
        readme = readme.replace(context, "")
    bare = [
        readme[max(0, match.start() - 40):match.end() + 10]
        for match in re.finditer(r"python -m bot\b", readme)
        if not readme[: match.start()].endswith((".venv/bin/", "heroku run "))
    ]
    assert not bare, bare


def test_readme_has_a_deploy_to_heroku_button_and_app_json_a_repository() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert re.search(r"\[!\[Deploy to Heroku\]\(https://www\.herokucdn\.com/deploy/button\.svg\)\]\(https://heroku\.com/deploy\)", readme)
    app = json.loads((REPO_ROOT / "app.json").read_text())
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", app["repository"])
