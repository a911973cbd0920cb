"""The files a Heroku-like platform reads are present and agree with the settings."""

import json
import re
from pathlib import Path

from bot.settings import CORE_ENV_VARS
from bot.translation.settings import TRANSLATION_ENV_VARS

REPO_ROOT = Path(__file__).resolve().parents[2]
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
