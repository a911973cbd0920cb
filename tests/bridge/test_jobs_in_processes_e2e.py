"""Jobs that run once, in real `python -m bot` processes running shards 0 and 1 on one PostgreSQL and Redis:
one process holds the fill-in lease, each prune period is claimed once, both take REST tokens from one bucket;
`kill -9` of the lease holder and the other process takes the fill-in passes over; the restarted one leaves
them to it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis.asyncio as redis

from discord_double import DiscordDouble
from tests.bridge.bot_processes import DEADLINE, bot_processes, postgres_database, wait_until
from tests.conftest import RedisTarget
from tests.translation.fake_servers import FakeMicrosoft

HOLDS = r"job bridge-fill-ins: this process holds the lease"
PERIODIC = ("prune-message-map", "prune-translation-cache", "prune-notice-cooldowns")
# The fill-in lease (JOB_LEASE_SECONDS, 30 s by default), renewed every third of it: a dead holder's lease
# runs out within this and the other process's next attempt (a third later) takes it over. Long enough
# that a holder stalled for seconds on a loaded machine still renews in time.
LEASE_SECONDS = 9


async def claim_of(client: redis.Redis, key: str) -> bytes:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while (claimed := await client.get(key)) is None:
        assert loop.time() < deadline, f"nobody claimed {key} within {DEADLINE} s"
        await asyncio.sleep(0.1)
    return claimed


@pytest.mark.timeout(300)
async def test_one_process_runs_each_job_and_another_takes_over_when_it_dies(
    discord_double: DiscordDouble, tmp_path: Path, redis_target: RedisTarget,
) -> None:
    double = discord_double
    double.create_guild("Shard zero", owner="owner", shard=0, shard_count=2)
    double.create_guild("Shard one", owner="owner", shard=1, shard_count=2)
    client = redis.Redis.from_url(redis_target.url)
    try:
        async with FakeMicrosoft() as translator, postgres_database() as database_url:
            async with bot_processes(double, tmp_path, redis_target, database_url, translator.env(), ["0", "1"], 2,
                                     settings={"JOB_LEASE_SECONDS": str(LEASE_SECONDS)}) as bots:
                await wait_until(lambda: sum(bot.printed(HOLDS) for bot in bots) >= 1, "a fill-in lease holder", *bots)
                [holder] = [bot for bot in bots if bot.printed(HOLDS)]
                [other] = [bot for bot in bots if bot is not holder]
                lease = await client.get(f"{redis_target.prefix}job:bridge-fill-ins")
                assert lease is not None and f":{holder.process.pid}:" in lease.decode()
                assert 0 < await client.pttl(f"{redis_target.prefix}job:bridge-fill-ins") <= LEASE_SECONDS * 1000
                # Each prune period claimed by exactly one of them, the other's tick skipped it (each
                # loop makes its first tick on its own, a little after the lease is taken: wait for it).
                for job in PERIODIC:
                    claimed = await claim_of(client, f"{redis_target.prefix}job:{job}:period")
                    assert sum(f":{bot.process.pid}:" in claimed.decode() for bot in bots) == 1, (job, claimed)
                # Both processes take their REST requests from the one bucket (its key lives only about a
                # second after the last take, so whether it exists now says nothing; the bucket itself is
                # tested on the real Redis in tests/test_rest_limits.py).
                assert all(bot.printed("share Discord's global limit") == 1 for bot in bots)

                await holder.kill()
                # Its lease runs out (LEASE_SECONDS) and the other process's next attempt takes it.
                await wait_until(lambda: other.printed(HOLDS) >= 1, "the other process to take the fill-in lease over", other)
                lease = await client.get(f"{redis_target.prefix}job:bridge-fill-ins")
                assert lease is not None and f":{other.process.pid}:" in lease.decode()
                # Restarted, the old holder finds the lease taken and leaves the passes to the other.
                await holder.start()
                await holder.wait_printed(r"connected as ", times=2)
                assert holder.printed(HOLDS) == 1
                lease = await client.get(f"{redis_target.prefix}job:bridge-fill-ins")
                assert f":{other.process.pid}:" in lease.decode()
    finally:
        await client.aclose()
