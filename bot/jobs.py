"""Jobs that run once across the bot's processes: pruning, fill-in passes, the translation cache's expiry.

One process serves everything unless several share the bot (SHARD_IDS with REDIS_URL); then each
periodic job would run in every process, and a fill-in pass in two processes edits the same copies
twice. Two kinds of job, both on Redis (`SET NX PX`, the lease pattern Redis documents), both
degrading to "always this process" without Redis:

- **Once per period** (`JobClaims.once_per`): whoever sets the job's key for the period runs it;
  the key expires with the period, so the next period's first process runs it again. A run that
  fails gives the period back so another process (or the next tick) may retry.
- **One holder at a time** (`LeaderJob`): a long-running loop (the fill-in loop) runs only in the
  process holding the job's lease. The holder renews the lease well before it expires; a process
  that dies stops renewing, the lease runs out, and another process's next attempt takes it over.
  A holder that cannot renew (Redis unreachable, or the lease was taken) stops its job at once, so
  two holders never overlap by more than one renewal interval.

Icebreakers need neither: each slot is claimed in one database transaction (bot/topics/service.py).
Discord-free.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

log = logging.getLogger(__name__)

# A leader's lease (JOB_LEASE_SECONDS): long enough to ride out a slow Redis answer, short enough that a
# dead holder's job resumes elsewhere within a minute.
LEASE_SECONDS = 30.0
# A lease is renewed every third of it (three chances before it runs out), and at least every
# RENEW_EVERY_SECONDS; non-holders try to take it as often.
RENEWALS_PER_LEASE = 3
RENEW_EVERY_SECONDS = 10.0

# Renew/release only a lease this holder still has: a holder whose lease ran out and was taken
# must never extend or delete the new holder's.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def once_per_tick(interval: timedelta) -> timedelta:
    """The period a job ticking every `interval` in each process claims: a little shorter, so the
    claim has run out by the next tick (in whichever process ticks first)."""
    return interval * 0.9


def holder_name() -> str:
    """This process, as a lease's value shows it: host, pid and a random part (pids repeat in containers)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RedisLease:
    """A named lease in Redis held by at most one holder at a time, with a time to live."""

    def __init__(self, redis: Any, key: str, holder: str, *, ttl: float) -> None:
        self.redis = redis
        self.key = key
        self.holder = holder
        self.ttl_ms = max(1, int(ttl * 1000))

    async def acquire(self) -> bool:
        return bool(await self.redis.set(self.key, self.holder, nx=True, px=self.ttl_ms))

    async def renew(self) -> bool:
        return bool(await self.redis.eval(_RENEW, 1, self.key, self.holder, self.ttl_ms))

    async def release(self) -> bool:
        return bool(await self.redis.eval(_RELEASE, 1, self.key, self.holder))


class LocalLease:
    """One process and no Redis: this process always holds it."""

    key = "local"

    async def acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        return True

    async def release(self) -> bool:
        return True


class JobClaims:
    """Where this process's jobs are claimed: Redis (shared by the processes) or nowhere (one process)."""

    def __init__(
        self, redis: Any | None = None, *, prefix: str = "qiao:", holder: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.holder = holder or holder_name()
        self.lease_seconds = lease_seconds

    @property
    def shared(self) -> bool:
        return self.redis is not None

    def lease(self, job: str, *, ttl: float | None = None) -> RedisLease | LocalLease:
        if self.redis is None:
            return LocalLease()
        return RedisLease(self.redis, f"{self.prefix}job:{job}", self.holder, ttl=ttl or self.lease_seconds)

    async def once_per(self, job: str, period: timedelta, run: Callable[[], Awaitable[Any]]) -> bool:
        """Run `run` unless another process already ran `job` in this period; True when it ran here.
        A run that raises gives the period back (and the error goes to the caller); Redis not
        answering skips this tick (a warning), so the job's loop goes on."""
        lease = self.lease(f"{job}:period", ttl=period.total_seconds())
        try:
            claimed = await lease.acquire()
        except Exception as error:  # Redis unreachable: skip this tick rather than stop the job's loop
            log.warning("job %s: cannot claim this period (%s: %s); trying again next time", job, type(error).__name__, error)
            return False
        if not claimed:
            log.debug("job %s: already run by another process this period", job)
            return False
        try:
            await run()
        except BaseException:
            await _quietly(lease.release(), f"giving back the period of job {job}")
            raise
        return True

    def leader(
        self, job: str, run: Callable[[], Awaitable[None]], *, on_nudge: Callable[[str], None] | None = None,
        **options: float,
    ) -> LeaderJob:
        """`on_nudge`: told, in the holder, what other processes ask of the job (`nudge`)."""
        nudges = (self.redis, self._nudge_channel(job)) if self.redis is not None and on_nudge is not None else None
        ttl = options.pop("ttl", None) or self.lease_seconds
        renew_every = options.pop("renew_every", None) or min(RENEW_EVERY_SECONDS, ttl / RENEWALS_PER_LEASE)
        return LeaderJob(self.lease(job, ttl=ttl), run, job=job, renew_every=renew_every,
                         nudges=nudges, on_nudge=on_nudge, **options)

    async def nudge(self, job: str, what: str) -> None:
        """Tell the process holding `job`'s lease (whichever it is) something it should act on, e.g.
        that copies were left untranslated here. Redis pub/sub: a holder that is not listening at that
        moment misses it, and its own schedule still comes round. Never raises."""
        if self.redis is None:
            return
        try:
            await self.redis.publish(self._nudge_channel(job), what)
        except Exception as error:
            log.warning("job %s: cannot nudge its holder (%s: %s)", job, type(error).__name__, error)

    def _nudge_channel(self, job: str) -> str:
        return f"{self.prefix}job:{job}:nudges"


class LeaderJob:
    """Runs `run` (a loop that never returns on its own) only while this process holds `lease`."""

    def __init__(
        self, lease: RedisLease | LocalLease, run: Callable[[], Awaitable[None]], *, job: str,
        renew_every: float | None = None, nudges: tuple[Any, str] | None = None,
        on_nudge: Callable[[str], None] | None = None,
    ) -> None:
        self.lease = lease
        self.run_job = run
        self.nudges = nudges  # (redis, channel) to listen on while holding
        self.on_nudge = on_nudge
        self.listening = asyncio.Event()
        self.job = job
        self.renew_every = renew_every if renew_every is not None else RENEW_EVERY_SECONDS
        self.holding = False
        self.terms = 0  # how many times this process took the lease

    async def run(self) -> None:
        """Until cancelled: take the lease when free, run the job while holding it, stop it when lost."""
        while True:
            if await self._try(self.lease.acquire(), "taking the lease"):
                await self._hold()
            await asyncio.sleep(self.renew_every)

    async def _hold(self) -> None:
        self.holding = True
        self.terms += 1
        log.info("job %s: this process holds the lease (%s)", self.job, self.lease.key)
        job = asyncio.create_task(self.run_job(), name=f"job-{self.job}")
        listener = asyncio.create_task(self._listen(), name=f"job-{self.job}-nudges") if self.nudges else None
        try:
            while True:
                done, _ = await asyncio.wait([job], timeout=self.renew_every)
                if done:
                    error = job.exception()
                    if error is not None:
                        log.error("job %s stopped", self.job, exc_info=error)
                    break
                if not await self._try(self.lease.renew(), "renewing the lease"):
                    log.warning("job %s: lost the lease %s; stopping it here", self.job, self.lease.key)
                    break
        finally:
            for task in (job, listener):
                if task is not None and not task.done():
                    task.cancel()
            await asyncio.gather(*(task for task in (job, listener) if task is not None), return_exceptions=True)
            self.listening.clear()
            if self.holding:
                self.holding = False
                await _quietly(asyncio.shield(self.lease.release()), f"releasing the lease of job {self.job}")

    async def _listen(self) -> None:
        """While holding: hand every nudge other processes publish for the job to `on_nudge`."""
        redis, channel = self.nudges
        while True:
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.subscribe(channel)
                    self.listening.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            data = message["data"]
                            self.on_nudge(data.decode() if isinstance(data, bytes) else str(data))
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.listening.clear()
                log.warning("job %s: listening for nudges failed (%s: %s); again in %.0f s",
                            self.job, type(error).__name__, error, self.renew_every)
                await asyncio.sleep(self.renew_every)

    async def _try(self, call: Awaitable[bool], doing: str) -> bool:
        try:
            return await call
        except Exception as error:
            log.warning("job %s: %s failed (%s: %s)", self.job, doing, type(error).__name__, error)
            return False


async def _quietly(call: Awaitable[Any], doing: str) -> None:
    try:
        await call
    except Exception as error:
        log.warning("%s failed (%s: %s)", doing, type(error).__name__, error)
