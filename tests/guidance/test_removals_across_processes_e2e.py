"""Fallback replies (closed DMs) are removed by one process when several share Redis: every process's
sweep times the stored replies, and only the one that claims a reply deletes it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis

from tests.conftest import RedisTarget
from tests.guidance.conftest import Harness
from tests.guidance.test_followups_e2e import crash_once_stored, fallback_replies, minute_passes_while_away


@pytest.fixture
async def client(redis_target: RedisTarget) -> AsyncIterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_target.url)
    try:
        yield connection
    finally:
        await connection.aclose()


async def test_a_reply_another_process_claimed_is_left_to_it(harness: Harness, client, redis_target) -> None:
    async with harness.running() as bot:
        bot.settings = dataclasses.replace(bot.settings, redis_key_prefix=redis_target.prefix)
        bot.redis = client  # as open_bot does with REDIS_URL
        await harness.double.post(harness.closed, harness.general, "May 35th")
        [reply] = await harness.double.wait_for(lambda: fallback_replies(harness))
        stored = await crash_once_stored(harness)
        await minute_passes_while_away(harness, stored)
        claim = f"{redis_target.prefix}job:guidance-removal:{reply.id}"
        await client.set(claim, "other-process", px=300_000)

        await harness.cog.sweep_removals()  # times it; overdue, so it is due at once
        await harness.double.wait_for(lambda: harness.cog._removals == {}, 30)
        assert [v.id for v in fallback_replies(harness)] == [reply.id]
        assert harness.deletions() == []
        assert [r.message_id for r in await harness.cog.store.pending_removals()] == [reply.id]

        await client.delete(claim)  # the other process gave it back (or died and its claim ran out)
        await harness.cog.sweep_removals()
        await harness.double.wait_for(lambda: not fallback_replies(harness), 30)
        await harness.double.wait_for(lambda: harness.cog._removals == {}, 30)
        assert await harness.cog.store.pending_removals() == []
        assert await client.get(claim) == bot.job_claims.holder.encode()
    assert [r.path.rsplit("/", 1)[-1] for r in harness.deletions()] == [str(reply.id)]
