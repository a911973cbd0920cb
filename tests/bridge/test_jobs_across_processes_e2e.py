"""The bridge's jobs that must run once, in a real bot sharing Redis with "another process" (a holder
of the same keys): pruning skips a period another process claimed, fill-in passes run only in the
lease holder and are taken over when the holder stops renewing."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as redis
import sqlalchemy as sa

import bot.jobs as jobs
from bot.app import open_bot
from bot.bridge.remember.bridge_tables import relayed_messages
from discord_double.client import run_client
from tests.bridge.conftest import Harness
from tests.conftest import RedisTarget

DEADLINE = 60.0


@pytest.fixture
async def client(redis_target: RedisTarget) -> AsyncIterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_target.url)
    try:
        yield connection
    finally:
        await connection.aclose()


@contextlib.asynccontextmanager
async def sharing_redis(harness: Harness, client: redis.Redis, prefix: str) -> AsyncIterator[object]:
    settings = harness.settings(redis_key_prefix=prefix)
    async with open_bot(settings, extensions=("cogs.bridge",), guild_ready_timeout=0.05) as bot:
        bot.redis = client  # as open_bot does with REDIS_URL
        async with run_client(bot, harness.double):
            assert not bot.failed_extensions, bot.failed_extensions
            harness.bot = bot
            yield bot


async def old_copies(bot, harness: Harness) -> int:
    await harness.link()
    await harness.double.post(harness.alice, harness.english, "An old message")
    await harness.copies(harness.chinese)
    await bot.bridge_relay.store.flush()
    old = datetime.now(UTC) - timedelta(days=bot.settings.message_map_retention_days + 1)
    async with bot.db.begin() as connection:
        await connection.execute(sa.update(relayed_messages).values(created_at=old))
    return await count_copies(bot)


async def count_copies(bot) -> int:
    async with bot.db.connect() as connection:
        return (await connection.execute(sa.select(sa.func.count()).select_from(relayed_messages))).scalar()


async def test_pruning_skips_a_period_another_process_claimed(harness: Harness, client, redis_target) -> None:
    async with sharing_redis(harness, client, redis_target.prefix) as bot:
        cog = bot.get_cog("BridgeCog")
        stored = await old_copies(bot, harness)
        assert stored == 1
        # Another process pruned this period: the key is there, with its expiry.
        key = f"{redis_target.prefix}job:prune-message-map:period"
        await client.set(key, "other-process", px=3_600_000)
        await cog.prune_message_map()
        assert await count_copies(bot) == 1
        # The period is over (the key expired): this process prunes, and claims the next period.
        await client.delete(key)
        await cog.prune_message_map()
        assert await count_copies(bot) == 0
        assert await client.get(key) == bot.job_claims.holder.encode()
        assert 0 < await client.pttl(key) <= 6 * 3600 * 1000


async def test_fill_in_passes_run_only_in_the_lease_holder_and_are_taken_over(
    harness: Harness, client, redis_target, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jobs, "RENEW_EVERY_SECONDS", 0.05)
    key = f"{redis_target.prefix}job:bridge-fill-ins"
    await client.set(key, "other-process", px=600_000)  # another process holds the lease
    async with sharing_redis(harness, client, redis_target.prefix) as bot:
        cog = bot.get_cog("BridgeCog")
        await harness.double.wait_for(lambda: cog.fill_in_leader is not None, DEADLINE)
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "Relayed while another process fills in")
        await harness.copies(harness.chinese)
        assert cog.fill_in_loop.passes == 0 and not cog.fill_in_leader.holding
        # The other process dies: its lease runs out (here: at once) and this one takes it over.
        await client.pexpire(key, 1)
        await harness.double.wait_for(lambda: cog.fill_in_leader.holding and cog.fill_in_loop.passes >= 1, DEADLINE)
        assert await client.get(key) == bot.job_claims.holder.encode()
    assert await client.get(key) is None  # released at shutdown, for the next holder
