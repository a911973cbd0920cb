"""`python -m bot` as a self-hoster runs it."""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_bot_command(*args: str, env: dict[str, str] | None = None, cwd: Path) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "HOME": str(cwd), "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env={**base, **(env or {})}, cwd=cwd,
        capture_output=True, text=True, timeout=60,
    )


def test_without_a_token_it_says_what_to_do_and_exits_non_zero(tmp_path: Path) -> None:
    result = run_bot_command(cwd=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "MESSAGE CONTENT" in result.stderr and "SERVER MEMBERS" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_malformed_token_is_refused_without_a_traceback(tmp_path: Path) -> None:
    result = run_bot_command(env={"DISCORD_TOKEN": "paste-error"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=still-malformed\nLOG_LEVEL=chatty\n")
    result = run_bot_command(cwd=tmp_path)
    assert result.returncode == 2
    assert "LOG_LEVEL='chatty'" in result.stderr
