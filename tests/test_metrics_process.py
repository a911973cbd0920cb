"""`python -m bot` with METRICS_PORT: health follows the gateway, a busy port is one line, SIGTERM frees the port."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from pathlib import Path

import aiohttp

from tests.bot_process import bot_env, run_bot, start_bot, stop_with_signal
from discord_double import DiscordDouble


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def metrics_env(double: DiscordDouble, tmp_path: Path, port: int) -> dict[str, str]:
    return bot_env(
        tmp_path, DISCORD_TOKEN=double.token, DISCORD_API_BASE_URL=double.api_base_url,
        DISCORD_GATEWAY_URL=double.gateway_url, METRICS_PORT=str(port),
    )


async def wait_for_health(http: aiohttp.ClientSession, port: int, process: asyncio.subprocess.Process) -> dict:
    async def healthy() -> dict:
        while True:
            assert process.returncode is None, (await process.stdout.read()).decode()
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    body = json.loads(await response.text())
                    if response.status == 200:
                        return body
                    assert response.status == 503 and body["status"] == "unavailable", body
            except aiohttp.ClientConnectorError:
                pass  # not listening yet
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(healthy(), 30)


async def test_health_answers_once_connected_and_sigterm_frees_the_port(discord_double: DiscordDouble, tmp_path: Path) -> None:
    discord_double.create_guild("Metrics")
    port = free_port()
    process = await start_bot(env=metrics_env(discord_double, tmp_path, port), cwd=tmp_path, merge_output=True)
    try:
        async with aiohttp.ClientSession() as http:
            body = await wait_for_health(http, port, process)
            assert body == {"status": "ok", "shards": {"0": "connected"}}
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert 'qiao_gateway_connected{shard="0"} 1.0' in await response.text()
    finally:
        output = await stop_with_signal(process, signal.SIGTERM, timeout=30)
    assert process.returncode == 0, output
    assert "metrics server stopped" in output
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("0.0.0.0", port))


async def test_a_busy_metrics_port_is_one_line(discord_double: DiscordDouble, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        finished = await run_bot(env=metrics_env(discord_double, tmp_path, port), cwd=tmp_path, timeout=60)
    assert finished.returncode == 1, finished.stderr
    assert finished.error_lines == [
        f"Qiao cannot start: METRICS_PORT={port}: cannot listen there (Address already in use). "
        "Choose a free port, or unset METRICS_PORT to run without metrics."
    ], finished.stderr
    assert "Traceback" not in finished.stderr
