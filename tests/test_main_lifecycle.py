"""`python -m bot` against the Discord double, shut down the way Heroku does it."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from tests.bot_process import bot_env, start_bot, stop_with_signal
from discord_double import DiscordDouble


async def start_bot_process(
    double: DiscordDouble, tmp_path: Path, *, token: str | None = None
) -> asyncio.subprocess.Process:
    env = bot_env(
        tmp_path, DISCORD_TOKEN=token or double.token, DISCORD_API_BASE_URL=double.api_base_url,
        DISCORD_GATEWAY_URL=double.gateway_url,
    )
    return await start_bot(env=env, cwd=tmp_path, merge_output=True)


async def wait_until_identified(double: DiscordDouble, process: asyncio.subprocess.Process) -> None:
    async def identified() -> None:
        while not any(payload.get("op") == 2 for payload in double.gateway.received):
            if process.returncode is not None:
                output = (await process.stdout.read()).decode()
                pytest.fail(f"bot exited early with {process.returncode}:\n{output}")
            await asyncio.sleep(0.05)

    await asyncio.wait_for(identified(), 90)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_signal_shuts_down_cleanly_and_exits_zero(discord_double: DiscordDouble, tmp_path: Path, signum) -> None:
    discord_double.create_guild("Lifecycle")
    process = await start_bot_process(discord_double, tmp_path)
    try:
        await wait_until_identified(discord_double, process)
        await asyncio.sleep(0.3)
    finally:
        output = await stop_with_signal(process, signum, timeout=30)
    assert process.returncode == 0, output
    assert f"received {signal.Signals(signum).name}" in output
    after_signal = output.split(f"received {signal.Signals(signum).name}", 1)[1]
    assert after_signal.index("gateway and Discord HTTP closed") < after_signal.index("database closed")
    assert "stopped cleanly" in after_signal
    assert "Traceback" not in after_signal
    assert discord_double.token not in output


async def test_rejected_token_exits_non_zero_with_advice(discord_double: DiscordDouble, tmp_path: Path) -> None:
    wrong_token = discord_double.token[:-4] + "AAAA"
    process = await start_bot_process(discord_double, tmp_path, token=wrong_token)
    output_bytes, _ = await asyncio.wait_for(process.communicate(), 90)  # a deadline for a loaded machine, not a speed check
    output = output_bytes.decode()
    assert process.returncode == 1, output
    assert "Discord rejected DISCORD_TOKEN" in output
    assert wrong_token not in output
