"""`python -m bot doctor` on provider failures: what happened, and the provider's own fix."""

from __future__ import annotations

import io
import socket

from bot.doctor import run_doctor
from tests.translation.fake_servers import FakeLibreTranslate, FakeMyMemory

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def doctor(env: dict[str, str], tmp_path) -> tuple[int, str]:
    out = io.StringIO()
    base = {"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE_URL": f"http://127.0.0.1:{closed_port()}/api/v10",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'qiao.sqlite3'}"}
    code = await run_doctor(base | env, out=out)
    return code, out.getvalue()


async def test_doctor_says_the_mymemory_day_is_used_up_and_suggests_an_email(tmp_path) -> None:
    async with FakeMyMemory() as server:
        server.fail_always(server.quota_exceeded())
        code, output = await doctor({"TRANSLATOR": "mymemory", "MYMEMORY_URL": server.url}, tmp_path)
    assert code == 1
    assert "✗ translator mymemory: daily free quota used up; next available in 14 h 05 min" in output
    assert "set MYMEMORY_EMAIL to a contact address for 50,000 a day" in output


async def test_doctor_names_the_missing_libretranslate_key(tmp_path) -> None:
    async with FakeLibreTranslate(require_api_key=True) as server:
        code, output = await doctor({"TRANSLATOR": "libretranslate", "LIBRETRANSLATE_URL": server.url}, tmp_path)
    assert code == 1
    assert "This LibreTranslate server requires an API key: set LIBRETRANSLATE_API_KEY" in output
    assert "Traceback" not in output
