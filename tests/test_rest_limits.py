"""Discord's global REST limit shared by the bot's processes through a token bucket in the real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
import redis.asyncio as redis
from discord.ext import commands

from bot.rest_limits import (
    BURST,
    DISCORD_GLOBAL_PER_SECOND,
    RATE_PER_SECOND,
    SharedRestLimit,
    counts_toward_global_limit,
    install_shared_rest_limit,
)
from discord_double import DiscordDouble, run_client
from tests.conftest import RedisTarget


@pytest.fixture
async def clients(redis_target: RedisTarget) -> AsyncIterator[list[redis.Redis]]:
    connections = [redis.Redis.from_url(redis_target.url) for _ in range(3)]
    try:
        yield connections
    finally:
        for connection in connections:
            await connection.aclose()


def test_the_defaults_stay_within_discords_global_limit() -> None:
    assert BURST + RATE_PER_SECOND <= DISCORD_GLOBAL_PER_SECOND


async def test_three_processes_together_never_exceed_the_limit_in_any_second(clients, redis_target) -> None:
    """Three processes ask as fast as they can for 3 s of Redis-side time (the clock is handed in)."""
    limits = [SharedRestLimit(client, f"{redis_target.prefix}rest:global") for client in clients]
    granted_at: list[int] = []
    for step, now in enumerate(range(0, 3000, 5)):
        for limit in limits[step % 3:] + limits[: step % 3]:  # whoever asks first varies, as it would
            for _ in range(2):  # each process has more to send than the limit allows
                if await limit.try_take(now_ms=10_000 + now) == 0:
                    granted_at.append(now)
    windows = [sum(1 for at in granted_at if start <= at < start + 1000) for start in range(0, 2001, 5)]
    assert max(windows) <= DISCORD_GLOBAL_PER_SECOND
    assert len(granted_at) == BURST + int(RATE_PER_SECOND * 2995 / 1000)  # and no token is wasted
    assert all(limit.granted > 0 for limit in limits)


async def test_a_refused_take_says_how_long_to_wait_and_takes_nothing(clients, redis_target) -> None:
    limit = SharedRestLimit(clients[0], f"{redis_target.prefix}rest:global", rate=10, burst=1)
    assert await limit.try_take(now_ms=5_000) == 0
    assert await limit.try_take(now_ms=5_000) == 100  # one token every 100 ms
    assert await limit.try_take(now_ms=5_050) == 50
    assert await limit.try_take(now_ms=5_100) == 0
    assert limit.granted == 2


async def test_acquire_waits_as_long_as_the_bucket_says(clients, redis_target) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(seconds)

    limit = SharedRestLimit(clients[0], f"{redis_target.prefix}rest:global", rate=20, burst=1, sleep=sleep)
    await limit.acquire()
    await limit.acquire()
    assert slept and all(0 < seconds <= 0.05 for seconds in slept)
    assert (limit.granted, limit.waited) == (2, 1)


async def test_without_redis_requests_still_go_out() -> None:
    broken = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    limit = SharedRestLimit(broken, "qiao:rest:global")
    try:
        await limit.acquire()  # a warning, not a stopped bot
    finally:
        await broken.aclose()
    assert limit.granted == 0


def test_interaction_answers_and_webhook_calls_are_not_bound_to_the_global_limit() -> None:
    route = discord.http.Route
    assert counts_toward_global_limit(route("POST", "/channels/{channel_id}/messages", channel_id=1))
    assert counts_toward_global_limit(route("GET", "/channels/{channel_id}/webhooks", channel_id=1))
    assert not counts_toward_global_limit(
        route("POST", "/interactions/{interaction_id}/{interaction_token}/callback", interaction_id=1, interaction_token="t"))
    assert not counts_toward_global_limit(
        route("POST", "/webhooks/{webhook_id}/{webhook_token}", webhook_id=1, webhook_token="t"))


async def test_discord_py_takes_a_token_before_each_bot_request(discord_double: DiscordDouble, redis_target, clients) -> None:
    guild = discord_double.create_guild("Limits")
    general = discord_double.create_channel(guild, "general")
    member = discord_double.add_member(guild, "alice")
    intents = discord.Intents.default()
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)

    @bot.tree.command(name="hello")
    async def hello(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("hi")

    limit = SharedRestLimit(clients[0], f"{redis_target.prefix}rest:global", rate=1000, burst=50)
    async with run_client(bot, discord_double):
        install_shared_rest_limit(bot.http, limit)
        before = limit.granted
        channel = bot.get_channel(general.id)
        for number in range(3):
            await channel.send(f"message {number}")
        await channel.fetch_message(channel.last_message_id)
        assert limit.granted - before == 4
        handle = await discord_double.invoke_slash(member, "hello", channel=general)
        await handle.wait_response()
        assert handle.response_text == "hi"
        assert limit.granted - before == 4  # the interaction's answer took no token
    assert await clients[0].exists(f"{redis_target.prefix}rest:global")
