"""The bot on discord.py's sharding against the double: SHARD_COUNT=auto takes Discord's recommendation,
SHARD_IDS identifies only those shards and serves only their servers; a refused shard stops the start
with one line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.app import open_bot
from bot.client import QiaoBot, ShardedQiaoBot
from bot.errors import StartupError
from bot.settings import Settings
from discord_double import DiscordDouble
from discord_double.client import run_client
from tests.bot_process import VALID_TOKEN, bot_env, run_bot


def settings(double: DiscordDouble, tmp_path: Path, **env: str) -> Settings:
    base = Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, **env})
    return dataclasses.replace(
        base, database_url=f"sqlite+aiosqlite:///{tmp_path / 'q.sqlite3'}", discord_api_base_url=double.api_base_url,
        discord_gateway_url=double.gateway_url,
    )


class QuickShardedQiaoBot(ShardedQiaoBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s between a process's IDENTIFYs (Discord's max_concurrency 1); the double needs no wait."""


async def test_without_shard_settings_the_bot_is_one_connection(tmp_path: Path) -> None:
    async with DiscordDouble(shards=2) as double:
        guilds = [double.create_guild(f"S{n}", shard=n) for n in range(2)]
        async with open_bot(settings(double, tmp_path), extensions=(), guild_ready_timeout=0.05) as bot:
            assert type(bot) is QiaoBot
            async with run_client(bot, double):
                assert sorted(g.id for g in bot.guilds) == sorted(g.id for g in guilds)
                assert bot.owns_guild(guilds[0].id) and bot.owns_guild(guilds[1].id)


async def test_auto_takes_discords_recommended_count(tmp_path: Path) -> None:
    async with DiscordDouble(shards=3) as double:
        guilds = [double.create_guild(f"S{n}", shard=n) for n in range(3)]
        options = {"guild_ready_timeout": 0.05}
        async with open_bot(settings(double, tmp_path, SHARD_COUNT="auto"), extensions=(), **options) as built:
            assert isinstance(built, ShardedQiaoBot)
        bot_settings = settings(double, tmp_path, SHARD_COUNT="auto")
        async with open_bot(bot_settings, extensions=(), **options) as bot:
            bot.__class__ = QuickShardedQiaoBot
            async with run_client(bot, double, timeout=30):
                assert bot.shard_count == 3 and sorted(bot.shards) == [0, 1, 2]
                assert {g.id: g.shard_id for g in bot.guilds} == {g.id: n for n, g in enumerate(guilds)}
                assert [state.shard_id for state in bot.shard_states() if state.connected] == [0, 1, 2]


async def test_shard_ids_serve_only_their_servers(tmp_path: Path) -> None:
    async with DiscordDouble(shards=4) as double:
        guilds = [double.create_guild(f"S{n}", shard=n) for n in range(4)]
        env = {"SHARD_COUNT": "4", "SHARD_IDS": "1,3", "REDIS_URL": "redis://127.0.0.1:6379/0"}
        bot_settings = dataclasses.replace(settings(double, tmp_path, **env), redis_url=None)  # the bridge is not loaded
        async with open_bot(bot_settings, extensions=(), guild_ready_timeout=0.05) as bot:
            bot.__class__ = QuickShardedQiaoBot
            async with run_client(bot, double, timeout=30):
                assert sorted(g.id for g in bot.guilds) == [guilds[1].id, guilds[3].id]
                assert sorted(bot.shards) == [1, 3]
                assert [bot.owns_guild(g.id) for g in guilds] == [False, True, False, True]
        identified = sorted(p["d"]["shard"] for p in double.gateway.received if p.get("op") == 2)
        assert identified == [[1, 4], [3, 4]]


async def test_a_shard_discord_refuses_stops_the_start_with_one_line(tmp_path: Path) -> None:
    # The double recommends 2 shards and requires them: a bot that runs 1 (SHARD_COUNT=1) is closed with 4011.
    async with DiscordDouble(shards=2, sharding_required=True) as double:
        double.create_guild("Big")
        async with open_bot(settings(double, tmp_path, SHARD_COUNT="1"), extensions=(), guild_ready_timeout=0.05) as bot:
            with pytest.raises(StartupError) as refused:
                await bot.login(double.token)
                await bot.connect(reconnect=True)
        assert "requires sharding" in str(refused.value) and "SHARD_COUNT=auto" in str(refused.value)


async def test_python_m_bot_refused_sharding_exits_with_one_line(tmp_path: Path) -> None:
    async with DiscordDouble(shards=2, sharding_required=True) as double:
        double.create_guild("Big")
        env = bot_env(tmp_path, DISCORD_TOKEN=double.token, DISCORD_API_BASE_URL=double.api_base_url,
                      DISCORD_GATEWAY_URL=double.gateway_url, SHARD_COUNT="1")
        finished = await run_bot(env=env, cwd=tmp_path)
    assert finished.returncode == 1, finished.stderr
    [line] = [line for line in finished.error_lines if line.startswith("Qiao cannot start")]
    assert "requires sharding" in line and "SHARD_COUNT=auto" in line
    assert "Traceback" not in finished.stderr
