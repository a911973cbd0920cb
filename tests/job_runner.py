"""A process that runs jobs as a bot process does (`bot.jobs` on the real Redis), recording each run
in PostgreSQL: two or three of these are the "processes" of the jobs-run-once tests.

    python -m tests.job_runner NAME REDIS_URL PREFIX POSTGRES_DSN SCHEMA once|leader
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import asyncpg
import redis.asyncio as redis

from bot.jobs import JobClaims

ONCE_JOBS = 60
HEARTBEAT_SECONDS = 0.05


async def main(name: str, redis_url: str, prefix: str, dsn: str, schema: str, mode: str) -> None:
    connection = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    client = redis.Redis.from_url(redis_url)
    claims = JobClaims(client, prefix=prefix, holder=name)

    async def record(job: str) -> None:
        await connection.execute("INSERT INTO runs (job, runner, at) VALUES ($1, $2, clock_timestamp())", job, name)

    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # "go"
    if mode == "once":
        for number in range(ONCE_JOBS):
            await claims.once_per(f"prune-{number}", timedelta(minutes=5), lambda number=number: record(f"prune-{number}"))
        print("done", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    else:
        async def heartbeats() -> None:
            while True:
                await record("fill-ins")
                await asyncio.sleep(HEARTBEAT_SECONDS)

        # A lease of 8 s renewed every 0.2 s: a holder stalled for seconds on a loaded machine keeps it.
        await claims.leader("fill-ins", heartbeats, ttl=8.0, renew_every=0.2).run()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:7]))
