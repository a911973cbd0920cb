"""`python -m bot doctor` finds each problem and says how to fix it."""

import io
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.doctor import run_doctor

VALID_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def discord_api() -> AsyncIterator[str]:
    """A REST endpoint that knows one token, answering as Discord does."""

    async def users_me(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {VALID_TOKEN}":
            return web.Response(status=401, body=b'{"message": "401: Unauthorized", "code": 0}', content_type="application/json")
        return web.Response(body=b'{"id": "42", "username": "qiao"}', content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/v10/users/@me", users_me)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/api/v10"
    await runner.cleanup()


async def doctor(env: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    code = await run_doctor(env, out=out)
    return code, out.getvalue()


async def test_a_working_token_and_database_are_ticked(discord_api: str, tmp_path) -> None:
    code, output = await doctor(
        {
            "DISCORD_TOKEN": VALID_TOKEN,
            "DISCORD_API_BASE_URL": discord_api,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'qiao.sqlite3'}",
            "TRANSLATOR": "libretranslate",
            "LIBRETRANSLATE_URL": f"http://127.0.0.1:{closed_port()}",
        }
    )
    assert "✓ database" in output and "✓ discord token: valid, bot user qiao" in output
    assert code == 1, "the unreachable translator still fails the run"


async def test_bad_token_is_reported_with_a_fix(discord_api: str, tmp_path) -> None:
    code, output = await doctor(
        {
            "DISCORD_TOKEN": VALID_TOKEN[:-2] + "zz",
            "DISCORD_API_BASE_URL": discord_api,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'qiao.sqlite3'}",
        }
    )
    assert code == 1
    assert "✗ discord token: Discord rejected the token (401)" in output
    assert "Reset Token" in output


async def test_unreachable_database_is_reported_with_a_fix(discord_api: str) -> None:
    code, output = await doctor(
        {
            "DISCORD_TOKEN": VALID_TOKEN,
            "DISCORD_API_BASE_URL": discord_api,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/nothing",
        }
    )
    assert code == 1
    assert "✗ database: cannot open" in output and "(connection refused)" in output
    assert "fix: start PostgreSQL there, or correct the host and port in DATABASE_URL" in output


async def test_unreachable_provider_is_reported_with_a_fix(discord_api: str, tmp_path) -> None:
    code, output = await doctor(
        {
            "DISCORD_TOKEN": VALID_TOKEN,
            "DISCORD_API_BASE_URL": discord_api,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'qiao.sqlite3'}",
            "TRANSLATOR": "libretranslate",
            "LIBRETRANSLATE_URL": f"http://127.0.0.1:{closed_port()}",
        }
    )
    assert code == 1
    translator_lines = [line for line in output.splitlines() if "translator" in line]
    assert translator_lines and translator_lines[0].startswith("✗ translator libretranslate")
    assert "fix:" in output.split(translator_lines[0], 1)[1]


async def test_invalid_settings_are_listed(tmp_path) -> None:
    code, output = await doctor(
        {"DISCORD_TOKEN": "nope", "LOG_LEVEL": "shouty", "DATABASE_URL": f"sqlite:///{tmp_path / 'qiao.sqlite3'}"}
    )
    assert code == 1
    assert "✗ settings" in output and "LOG_LEVEL" in output and "DISCORD_TOKEN" in output


async def test_a_missing_token_does_not_stop_the_other_checks(tmp_path) -> None:
    code, output = await doctor(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'qiao.sqlite3'}",
            "TRANSLATOR": "libretranslate",
            "LIBRETRANSLATE_URL": f"http://127.0.0.1:{closed_port()}",
        }
    )
    assert code == 1
    assert "✗ settings:" in output and "DISCORD_TOKEN is not set" in output
    assert "✓ database:" in output and "schema at version" in output
    assert "✗ discord token: not checked: DISCORD_TOKEN must be fixed first (see settings above)" in output
    assert any(line.startswith("✗ translator libretranslate") for line in output.splitlines())


async def test_a_bad_database_url_skips_only_the_database(discord_api: str) -> None:
    code, output = await doctor(
        {
            "DISCORD_TOKEN": VALID_TOKEN,
            "DISCORD_API_BASE_URL": discord_api,
            "DATABASE_URL": "mysql://x@y/z",
            "TRANSLATOR": "libretranslate",
            "LIBRETRANSLATE_URL": f"http://127.0.0.1:{closed_port()}",
        }
    )
    assert code == 1
    assert "DATABASE_URL='mysql://x@y/z'" in output
    assert "✗ database: not checked: DATABASE_URL must be fixed first" in output
    assert "✓ discord token: valid, bot user qiao" in output
    assert any(line.startswith("✗ translator libretranslate") for line in output.splitlines())


async def test_bad_translation_settings_skip_only_the_translators(discord_api: str, tmp_path) -> None:
    code, output = await doctor(
        {
            "DISCORD_TOKEN": VALID_TOKEN,
            "DISCORD_API_BASE_URL": discord_api,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'qiao.sqlite3'}",
            "TRANSLATOR": "babelfish",
        }
    )
    assert code == 1
    assert "babelfish" in output.split("✓ database", 1)[0]
    assert "✓ database:" in output and "✓ discord token: valid" in output
    assert "✗ translators: not checked: translation settings must be fixed first" in output
