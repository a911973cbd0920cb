"""Two bot processes (two shards of one bot, sharing the database and Redis): copies one process left
untranslated during a provider outage are filled in by the other, which holds the fill-in lease, as soon
as the first sees translations work again; each copy is edited once."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis

import bot.jobs as jobs
from bot.app import open_bot
from bot.bridge.remember.store import BridgeStore
from bot.storage import Database
from discord_double.client import run_client
from tests.bridge.conftest import Harness
from tests.bridge.test_fill_in_after_outage_e2e import NOTICE, UNAVAILABLE
from tests.conftest import RedisTarget

SHARDS = 2
DEADLINE = 60.0


@pytest.fixture
async def client(redis_target: RedisTarget) -> AsyncIterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_target.url)
    try:
        yield connection
    finally:
        await connection.aclose()


@contextlib.asynccontextmanager
async def process(harness: Harness, client: redis.Redis, prefix: str, shard: int) -> AsyncIterator[object]:
    settings = dataclasses.replace(
        harness.settings(), shard_count=SHARDS, shard_ids=(shard,), redis_url="redis://127.0.0.1:6379/0",
        redis_key_prefix=prefix,
    )
    async with open_bot(settings, extensions=("cogs.bridge",), guild_ready_timeout=0.05) as bot:
        bot.redis = client  # one client for both "processes" here; each has its own in production
        async with run_client(bot, harness.double, timeout=DEADLINE):
            assert not bot.failed_extensions, bot.failed_extensions
            yield bot


def copies(harness: Harness) -> list:
    return [view for view in harness.double.view(harness.chinese) if view.by_webhook]


async def test_copies_left_untranslated_in_one_process_are_filled_in_once_by_the_lease_holder(
    harness: Harness, client, redis_target, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jobs, "RENEW_EVERY_SECONDS", 0.05)
    double = harness.double
    serving = (harness.guild.id >> 22) % SHARDS  # the shard Discord sends the server's events to
    db = await Database.open(harness.database_url)
    try:  # bridged before either process starts, as by an earlier /bridge link
        await BridgeStore(db).create_bridge(harness.guild.id, "linked", [
            {"channel_id": harness.english.id, "language": "en"}, {"channel_id": harness.chinese.id, "language": "zh"}])
    finally:
        await db.close()

    async with process(harness, client, redis_target.prefix, 1 - serving) as holder:
        holder_cog = holder.get_cog("BridgeCog")
        await double.wait_for(lambda: holder_cog.fill_in_leader is not None and holder_cog.fill_in_leader.holding, DEADLINE)
        await double.wait_for(lambda: holder_cog.fill_in_leader.listening.is_set(), DEADLINE)
        async with process(harness, client, redis_target.prefix, serving) as server_process:
            cog = server_process.get_cog("BridgeCog")
            # Its own retries in memory have run out (or died with a restart): only a fill-in pass is left.
            server_process.bridge_relay.engine.fill_in_delays = ()
            await double.wait_for(lambda: cog.fill_in_leader is not None, DEADLINE)
            assert not cog.fill_in_leader.holding

            harness.translator.fail_always(UNAVAILABLE)
            await double.post(harness.alice, harness.english, "m0 is anyone there")
            [untranslated] = await double.wait_for(lambda: copies(harness), DEADLINE)
            assert NOTICE in untranslated.content
            passes_before = holder_cog.fill_in_loop.passes

            harness.translator.recover()
            [breaker] = server_process.translation.chain.breakers.values()
            await double.wait_for(lambda: breaker.retry_in() == 0, DEADLINE)
            await double.post(harness.alice, harness.english, "m1 the provider is back")
            # The serving process tells the holder, which fills m0's copy in (long before its 5-minute pass).
            await double.wait_for(lambda: len(copies(harness)) == 2 and NOTICE not in copies(harness)[0].content, DEADLINE)
            assert holder_cog.fill_in_loop.passes > passes_before
            assert cog.fill_in_loop.passes == 0  # the serving process never ran a pass itself
            filled = copies(harness)[0]
            assert filled.id == untranslated.id and filled.edited and "m0" in filled.content
    edits = [r for r in double.requests if r.method == "PATCH" and str(untranslated.id) in r.path]
    assert len(edits) == 1, edits  # filled in once, not by both processes
