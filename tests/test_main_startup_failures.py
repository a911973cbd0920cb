"""What stops `python -m bot` / `python -m bot sync` is one line naming the problem and the fix, never a
traceback, with a non-zero exit: the real command in a subprocess, against the Discord double, local
servers that refuse, hang or answer 5xx, and the real PostgreSQL server."""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.bot_process import (
    VALID_TOKEN,
    Finished,
    bot_env,
    closed_port,
    postgres_refusing_password,
    run_bot,
    silent_server,
    start_bot,
    stop_with_signal,
)
from discord_double import DiscordDouble

PREFIX = {"run": "Qiao cannot start: ", "sync": "Qiao cannot sync commands: "}


def assert_one_line(result: Finished, command: str, *expected: str, returncode: int = 1) -> str:
    everything = result.stdout + result.stderr
    assert result.returncode == returncode, everything
    assert "Traceback" not in everything
    assert len(result.error_lines) == 1, result.stderr
    line = result.error_lines[0]
    assert line.startswith(PREFIX[command]), line
    for text in expected:
        assert text in line, line
    return line


def discord_at(base: str, **variables: str) -> dict[str, str]:
    return {"DISCORD_TOKEN": VALID_TOKEN, "DISCORD_API_BASE_URL": base, **variables}


def double_env(double: DiscordDouble, tmp_path: Path, **variables: str) -> dict[str, str]:
    return bot_env(
        tmp_path,
        **{"DISCORD_TOKEN": double.token, "DISCORD_API_BASE_URL": double.api_base_url,
           "DISCORD_GATEWAY_URL": double.gateway_url, **variables},
    )


# ---- Discord ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_discord_refusing_connections_is_one_line(tmp_path: Path, command: str) -> None:
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    result = await run_bot(command, env=bot_env(tmp_path, **discord_at(base)), cwd=tmp_path)
    line = assert_one_line(result, command)
    assert line == (
        f"{PREFIX[command]}cannot reach Discord at {base} (connection refused). Check this machine's network, "
        "firewall and proxy, and DISCORD_API_BASE_URL, then start Qiao again."
    )


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_discord_answering_503_is_one_line(discord_double: DiscordDouble, tmp_path: Path, command: str) -> None:
    discord_double.faults.fail(
        "GET /users/@me", status=503, times=None, body={"message": "503: Service Unavailable", "code": 0}
    )
    result = await run_bot(command, env=double_env(discord_double, tmp_path), cwd=tmp_path)
    assert_one_line(
        result, command, f"Discord at {discord_double.api_base_url} answered HTTP 503 to the login",
        "discordstatus.com", "start Qiao again in a few minutes",
    )
    assert [fault for fault, _, _ in discord_double.faults.triggered], "the login never reached the double"


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_a_token_discord_rejects_is_one_line(discord_double: DiscordDouble, tmp_path: Path, command: str) -> None:
    wrong = discord_double.token[:-4] + "AAAA"
    result = await run_bot(command, env=double_env(discord_double, tmp_path, DISCORD_TOKEN=wrong), cwd=tmp_path)
    line = assert_one_line(result, command, "Discord rejected DISCORD_TOKEN (401)", "Reset the token")
    assert wrong not in result.stdout + result.stderr
    assert line.endswith("update DISCORD_TOKEN.")


async def test_discord_answering_500_until_the_login_gives_up(discord_double: DiscordDouble, tmp_path: Path) -> None:
    # discord.py retries a 500 itself (after 1 s, 3 s, …); the login's own bound ends it.
    discord_double.faults.fail("GET /users/@me", status=500, times=None)
    env = double_env(discord_double, tmp_path, DISCORD_LOGIN_TIMEOUT="5")
    result = await run_bot("run", env=env, cwd=tmp_path)
    assert_one_line(result, "run", "answered HTTP 500 to every login attempt for 5 s", "discordstatus.com")
    assert len(discord_double.faults.triggered) >= 2, "discord.py's own retries should have run"


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_discord_never_answering_gives_up_after_the_login_timeout(tmp_path: Path, command: str) -> None:
    async with silent_server() as server:
        base = f"http://127.0.0.1:{server.port}/api/v10"
        env = bot_env(tmp_path, **discord_at(base, DISCORD_LOGIN_TIMEOUT="3"))
        result = await run_bot(command, env=env, cwd=tmp_path)
    assert_one_line(
        result, command, f"Discord at {base} did not answer the login within 3 s", "raise DISCORD_LOGIN_TIMEOUT"
    )
    assert b"GET /api/v10/users/@me" in server.received


async def sigterm_once_it_waits_on(server, env: dict[str, str], tmp_path: Path) -> tuple[int, str]:
    """Start `python -m bot`, send SIGTERM once it is waiting on `server` (which never answers)."""
    process = await start_bot(env=env, cwd=tmp_path, merge_output=True)
    try:
        await server.wait_for_data()
    finally:
        output = await stop_with_signal(process, signal.SIGTERM)
    return process.returncode, output


async def test_sigterm_while_the_login_hangs_stops_cleanly_with_exit_zero(tmp_path: Path) -> None:
    async with silent_server() as server:
        env = bot_env(tmp_path, **discord_at(f"http://127.0.0.1:{server.port}/api/v10"))
        returncode, output = await sigterm_once_it_waits_on(server, env, tmp_path)
    assert returncode == 0, output
    assert "received SIGTERM" in output and "stopped cleanly" in output
    assert "Traceback" not in output and "Connector is closed" not in output


async def test_sigterm_while_the_database_hangs_stops_cleanly_with_exit_zero(tmp_path: Path) -> None:
    # A platform restarting the app while it still waits for its database (or migrates it).
    async with silent_server() as server:
        env = bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN, DATABASE_URL=f"postgres://qiao@127.0.0.1:{server.port}/qiao")
        returncode, output = await sigterm_once_it_waits_on(server, env, tmp_path)
    assert returncode == 0, output
    assert "received SIGTERM while starting" in output and "stopped before connecting to Discord" in output
    assert "Traceback" not in output


async def test_a_login_answered_by_something_that_is_not_discord_is_one_line(tmp_path: Path) -> None:
    """A captive portal or a misconfigured proxy answers 200 with a page: nothing Qiao can name precisely,
    still one line, and a pointer to the traceback."""
    from aiohttp import web

    async def portal(_request: web.Request) -> web.Response:
        return web.Response(text="<html><body>Please sign in to the Wi-Fi</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", portal)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/v10"
        result = await run_bot("run", env=bot_env(tmp_path, **discord_at(base)), cwd=tmp_path)
    finally:
        await runner.cleanup()
    line = assert_one_line(result, "run", "unexpected ")
    assert line.endswith("Run again with LOG_LEVEL=DEBUG to see where, and report it.")


async def test_sync_to_a_server_the_bot_is_not_in_is_one_line(discord_double: DiscordDouble, tmp_path: Path) -> None:
    elsewhere = discord_double.world.ids.next()
    result = await run_bot("sync", "--guild", str(elsewhere), env=double_env(discord_double, tmp_path), cwd=tmp_path)
    assert_one_line(
        result, "sync", f"Discord refused the commands for server {elsewhere} (403 Missing Access)",
        "the bot is not in that server", "applications.commands",
    )
    statuses = [r.status for r in discord_double.requests if r.path.endswith(f"/guilds/{elsewhere}/commands")]
    assert statuses == [403]


async def test_sync_to_a_server_the_bot_is_in_still_works(discord_double: DiscordDouble, tmp_path: Path) -> None:
    guild = discord_double.create_guild("Home")
    result = await run_bot("sync", "--guild", str(guild.id), env=double_env(discord_double, tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"commands to server {guild.id}." in result.stdout
    assert not result.error_lines


async def test_the_traceback_is_shown_at_debug_level(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    result = await run_bot("run", env=bot_env(tmp_path, **discord_at(base), LOG_LEVEL="DEBUG"), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ClientConnectorError" in result.stderr
    assert result.error_lines[-1].startswith("Qiao cannot start: cannot reach Discord at")


# ---- the database -------------------------------------------------------------------------------


@pytest.fixture
async def postgres_server() -> str:
    """host:port of the real PostgreSQL server (skipped, or failed under CI, when it is not there)."""
    from tests.conftest import POSTGRES_URL, _postgres_available, server_missing

    problem = await _postgres_available()
    if problem:
        server_missing(f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})")
    url = make_url(POSTGRES_URL)
    return f"{url.host}:{url.port or 5432}"


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_a_database_server_refusing_connections_is_one_line(tmp_path: Path, command: str) -> None:
    port = closed_port()
    env = bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN, DATABASE_URL=f"postgres://qiao:hunter22@127.0.0.1:{port}/qiao")
    result = await run_bot(command, env=env, cwd=tmp_path)
    line = assert_one_line(result, command, f"127.0.0.1:{port}", "(connection refused)", "DATABASE_URL")
    assert line.endswith("Start PostgreSQL there, or correct the host and port in DATABASE_URL.")
    assert "hunter22" not in result.stdout + result.stderr


@pytest.mark.postgres
async def test_a_database_that_does_not_exist_is_one_line(postgres_server: str, tmp_path: Path) -> None:
    command = "run"
    name = f"qiao_missing_{uuid.uuid4().hex[:8]}"
    env = bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN, DATABASE_URL=f"postgres://postgres@{postgres_server}/{name}")
    result = await run_bot(command, env=env, cwd=tmp_path)
    assert_one_line(
        result, command, f'database "{name}" does not exist', f"createdb {name}", "database name at the end of DATABASE_URL"
    )


@pytest.mark.postgres
async def test_a_database_user_that_does_not_exist_is_one_line(postgres_server: str, tmp_path: Path) -> None:
    role = f"qiao_nobody_{uuid.uuid4().hex[:8]}"
    env = bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN, DATABASE_URL=f"postgres://{role}@{postgres_server}/test")
    result = await run_bot("run", env=env, cwd=tmp_path)
    assert_one_line(result, "run", f'role "{role}" does not exist', "Correct the user name in DATABASE_URL")


async def test_a_wrong_database_password_is_one_line(tmp_path: Path) -> None:
    command = "sync"
    async with postgres_refusing_password() as server:
        url = f"postgres://qiao:not-the-password@127.0.0.1:{server.port}/qiao"
        result = await run_bot(command, env=bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN, DATABASE_URL=url), cwd=tmp_path)
    assert server.received.startswith(b"p"), "asyncpg never sent its password"
    assert_one_line(
        result, command, 'password authentication failed for user "qiao"',
        "Correct the user name and password in DATABASE_URL.",
    )
    assert "not-the-password" not in result.stdout + result.stderr


async def test_an_sqlite_path_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "qiao.sqlite3"
    env = bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN, DATABASE_URL=f"sqlite:///{path}")
    result = await run_bot("run", env=env, cwd=tmp_path)
    assert_one_line(result, "run", f"cannot open the SQLite file '{path}'", "point DATABASE_URL at a writable path")


# ---- the command line ---------------------------------------------------------------------------


async def test_an_env_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    result = await run_bot("--env-file", "missing.env", env=bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN), cwd=tmp_path)
    assert result.returncode == 2
    assert "--env-file missing.env: no such file" in result.stderr
    assert "Traceback" not in result.stderr and "database ready" not in result.stdout


async def test_an_env_file_after_the_command_is_read(tmp_path: Path) -> None:
    (tmp_path / "qiao.env").write_text("MESSAGE_MAP_RETENTION_DAYS=forever\n")
    result = await run_bot("sync", "--env-file", "qiao.env", env=bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN), cwd=tmp_path)
    assert result.returncode == 2
    assert result.error_lines == [
        "Qiao cannot sync commands: MESSAGE_MAP_RETENTION_DAYS='forever': expected a whole number"
    ]


async def test_run_refuses_guild(tmp_path: Path) -> None:
    result = await run_bot("run", "--guild", "123", env=bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN), cwd=tmp_path)
    assert result.returncode == 2
    assert "--guild applies only to sync" in result.stderr
    assert "database ready" not in result.stdout


async def test_help_describes_each_command(tmp_path: Path) -> None:
    result = await run_bot("--help", env=bot_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0
    for command, words in (("run", "run the bot"), ("sync", "slash commands"), ("doctor", "check the settings")):
        line = next((line for line in result.stdout.splitlines() if line.strip().startswith(command + " ")), "")
        assert words in line, result.stdout
    sync_help = await run_bot("sync", "--help", env=bot_env(tmp_path), cwd=tmp_path)
    assert "--guild SERVER_ID" in sync_help.stdout and "SYNC_GUILD_ID" in sync_help.stdout


async def test_an_unreachable_gateway_after_login_is_retried_in_one_line_per_attempt(
    discord_double: DiscordDouble, tmp_path: Path
) -> None:
    """Discord's REST answers but its gateway does not: discord.py keeps retrying (as it must at runtime);
    each attempt is one log line, not a traceback, and SIGTERM still stops the bot cleanly."""
    env = double_env(discord_double, tmp_path, DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{closed_port()}/")
    process = await start_bot(env=env, cwd=tmp_path, merge_output=True)
    seen = bytearray()
    try:
        while b"Attempting a reconnect" not in seen:
            chunk = await asyncio.wait_for(process.stdout.read(4096), 60)
            assert chunk, f"the bot exited before retrying:\n{seen.decode()}"
            seen.extend(chunk)
    finally:
        output = seen.decode() + await stop_with_signal(process, signal.SIGTERM)
    assert process.returncode == 0, output
    retry_line = next(line for line in output.splitlines() if "Attempting a reconnect" in line)
    assert "after ClientConnectorError: Cannot connect to host 127.0.0.1" in retry_line
    assert "Traceback" not in output and "stopped cleanly" in output
