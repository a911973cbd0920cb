"""Jobs that run once across processes: leases and period claims on the real Redis, and real
processes (tests/job_runner.py) that record every run in the real PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest
import redis.asyncio as redis

from bot.jobs import JobClaims, LeaderJob, LocalLease, RedisLease
from tests.conftest import POSTGRES_URL, RedisTarget, drop_postgres_schema, open_postgres_schema
from tests.bot_process import REPO_ROOT
from tests.job_runner import ONCE_JOBS

DEADLINE = 60.0


@pytest.fixture
async def client(redis_target: RedisTarget) -> AsyncIterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_target.url)
    try:
        yield connection
    finally:
        await connection.aclose()


async def wait_until(condition, what: str, timeout: float = DEADLINE) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"still not {what} after {timeout} s")
        await asyncio.sleep(0.02)


# -- one lease, two holders ---------------------------------------------------------------------


async def test_a_lease_has_one_holder_and_only_it_renews_or_releases(client, redis_target) -> None:
    key = f"{redis_target.prefix}job:prune"
    first = RedisLease(client, key, "first", ttl=30)
    second = RedisLease(client, key, "second", ttl=30)
    assert await first.acquire()
    assert not await second.acquire()
    assert not await second.renew()
    assert not await second.release()
    assert await client.get(key) == b"first"
    assert await first.renew()
    assert await first.release()
    assert await second.acquire()
    assert await client.get(key) == b"second"


async def test_an_expired_lease_is_taken_and_the_old_holder_cannot_touch_the_new_one(client, redis_target) -> None:
    key = f"{redis_target.prefix}job:fill-ins"
    dead = RedisLease(client, key, "dead", ttl=0.05)
    assert await dead.acquire()
    taker = RedisLease(client, key, "taker", ttl=30)
    await wait_until(taker.acquire, "taken over once the dead holder's lease ran out")
    assert not await dead.renew()  # a holder that comes back finds it lost its lease
    assert not await dead.release()
    assert await client.get(key) == b"taker"


async def test_a_leader_renews_every_third_of_its_lease(client, redis_target) -> None:
    default = JobClaims(client, prefix=redis_target.prefix).leader("fill-ins", asyncio.Event().wait)
    assert (default.lease.ttl_ms, default.renew_every) == (30_000, 10.0)
    short = JobClaims(client, prefix=redis_target.prefix, lease_seconds=9).leader("fill-ins", asyncio.Event().wait)
    assert (short.lease.ttl_ms, short.renew_every) == (9_000, 3.0)
    assert JobClaims(None, lease_seconds=9).leader("fill-ins", asyncio.Event().wait).renew_every == 3.0


async def test_a_period_runs_once_among_processes_racing_for_it(client, redis_target) -> None:
    runs: list[str] = []
    claims = [JobClaims(client, prefix=redis_target.prefix, holder=f"process-{n}") for n in range(3)]

    async def run(claim: JobClaims) -> bool:
        async def job() -> None:
            runs.append(claim.holder)

        return await claim.once_per("prune-message-map", timedelta(hours=6), job)

    ran = await asyncio.gather(*(run(claim) for claim in claims))
    assert sorted(ran) == [False, False, True] and len(runs) == 1
    assert not await run(claims[0])  # later in the same period: still not again
    assert len(runs) == 1


async def test_a_failed_run_gives_the_period_back(client, redis_target) -> None:
    first = JobClaims(client, prefix=redis_target.prefix, holder="first")
    second = JobClaims(client, prefix=redis_target.prefix, holder="second")

    async def fails() -> None:
        raise RuntimeError("database unavailable")

    with pytest.raises(RuntimeError):
        await first.once_per("prune-notices", timedelta(hours=6), fails)
    done: list[str] = []

    async def works() -> None:
        done.append("second")

    assert await second.once_per("prune-notices", timedelta(hours=6), works)
    assert done == ["second"]


async def test_an_unreachable_redis_skips_the_tick_without_stopping_the_loop(caplog) -> None:
    broken = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    try:
        assert not await JobClaims(broken, prefix="qiao-test:").once_per("prune", timedelta(hours=6), job)
    finally:
        await broken.aclose()
    assert runs == [] and "cannot claim this period" in caplog.text


async def test_without_redis_every_job_runs_in_this_process() -> None:
    claims = JobClaims(None)
    assert not claims.shared and isinstance(claims.lease("fill-ins"), LocalLease)
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    assert await claims.once_per("prune", timedelta(hours=6), job)
    assert await claims.once_per("prune", timedelta(hours=6), job)
    assert runs == [1, 1]


async def test_a_leader_that_loses_its_lease_stops_its_job(client, redis_target) -> None:
    claims = JobClaims(client, prefix=redis_target.prefix, holder="leader")
    running = asyncio.Event()
    stopped = asyncio.Event()

    async def loop_forever() -> None:
        running.set()
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    leader = claims.leader("fill-ins", loop_forever, ttl=30, renew_every=0.05)
    task = asyncio.create_task(leader.run())
    try:
        await asyncio.wait_for(running.wait(), DEADLINE)
        assert leader.holding
        # Another process took the lease (this one stalled past its expiry, say).
        await client.set(f"{redis_target.prefix}job:fill-ins", "someone else")
        await asyncio.wait_for(stopped.wait(), DEADLINE)
        assert await client.get(f"{redis_target.prefix}job:fill-ins") == b"someone else"
        await wait_until(lambda: _false_async(leader.holding), "no longer holding")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_leader_whose_job_ends_releases_the_lease(client, redis_target) -> None:
    lease = RedisLease(client, f"{redis_target.prefix}job:once", "leader", ttl=30)
    finished = asyncio.Event()

    async def short_job() -> None:
        finished.set()

    leader = LeaderJob(lease, short_job, job="once", renew_every=30)
    task = asyncio.create_task(leader.run())
    try:
        await asyncio.wait_for(finished.wait(), DEADLINE)
        await wait_until(lambda: _none_async(client.get(lease.key)), "released")
        assert leader.terms == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _false_async(value: bool) -> bool:
    return not value


async def _none_async(reply) -> bool:
    return await reply is None


# -- real processes ------------------------------------------------------------------------------


@pytest.fixture
async def runs_table() -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    schema = await open_postgres_schema()
    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    await connection.execute("CREATE TABLE runs (id bigserial PRIMARY KEY, job text, runner text, at timestamptz)")
    try:
        yield connection, schema
    finally:
        await connection.close()
        await drop_postgres_schema(schema)


async def start_runner(name: str, mode: str, redis_target: RedisTarget, schema: str) -> asyncio.subprocess.Process:
    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.job_runner", name, redis_target.url, redis_target.prefix, dsn, schema, mode,
        cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    line = await asyncio.wait_for(process.stdout.readline(), DEADLINE)
    assert line == b"ready\n", line
    return process


async def stop(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def test_two_processes_run_each_job_exactly_once(runs_table, redis_target) -> None:
    connection, schema = runs_table
    runners = [await start_runner(name, "once", redis_target, schema) for name in ("first", "second")]
    try:
        for runner in runners:
            runner.stdin.write(b"go\n")
        for runner in runners:
            await runner.stdin.drain()
        for runner in runners:
            assert await asyncio.wait_for(runner.stdout.readline(), DEADLINE) == b"done\n"
        rows = await connection.fetch("SELECT job, count(*) AS runs FROM runs GROUP BY job")
    finally:
        await stop(runners)
    assert {row["job"]: row["runs"] for row in rows} == {f"prune-{number}": 1 for number in range(ONCE_JOBS)}


async def test_a_dead_holders_job_is_taken_over_by_the_other_process(runs_table, redis_target) -> None:
    connection, schema = runs_table
    runners = {name: await start_runner(name, "leader", redis_target, schema) for name in ("first", "second")}
    try:
        for runner in runners.values():
            runner.stdin.write(b"go\n")
            await runner.stdin.drain()

        async def heartbeats() -> list[asyncpg.Record]:
            return await connection.fetch("SELECT runner, at FROM runs ORDER BY id")

        async def some_beats() -> bool:
            return len(await heartbeats()) >= 10

        await wait_until(some_beats, "beating in one process")
        before = await heartbeats()
        holder = before[0]["runner"]
        assert {row["runner"] for row in before} == {holder}, "both processes ran the job at once"
        other = "second" if holder == "first" else "first"

        runners[holder].send_signal(signal.SIGKILL)
        await runners[holder].wait()
        killed_at = (await connection.fetchval("SELECT max(at) FROM runs WHERE runner = $1", holder))

        async def taken_over() -> bool:
            return await connection.fetchval("SELECT count(*) FROM runs WHERE runner = $1", other) >= 5

        await wait_until(taken_over, "taken over by the other process")
        after = await heartbeats()
    finally:
        await stop(list(runners.values()))
    first_of_other = min(row["at"] for row in after if row["runner"] == other)
    assert first_of_other > killed_at, "the other process ran the job while the holder was still alive"
    assert sorted({row["runner"] for row in after}) == sorted(runners)


async def test_the_holder_hears_what_other_processes_nudge(client, redis_target) -> None:
    heard: list[str] = []
    holder = JobClaims(client, prefix=redis_target.prefix, holder="holder")
    other = JobClaims(client, prefix=redis_target.prefix, holder="other")

    async def loop_forever() -> None:
        await asyncio.Event().wait()

    leader = holder.leader("fill-ins", loop_forever, on_nudge=heard.append, renew_every=0.05)
    task = asyncio.create_task(leader.run())
    try:
        await asyncio.wait_for(leader.listening.wait(), DEADLINE)
        await other.nudge("fill-ins", "now")
        await other.nudge("prune", "now")  # another job's: not heard
        await other.nudge("fill-ins", "soon")
        await wait_until(lambda: _false_async(len(heard) < 2), "heard both nudges")
        assert heard == ["now", "soon"]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_nudge_never_raises(caplog) -> None:
    await JobClaims(None).nudge("fill-ins", "now")  # one process: nothing to tell
    broken = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        await JobClaims(broken).nudge("fill-ins", "now")
    finally:
        await broken.aclose()
    assert "cannot nudge its holder" in caplog.text
