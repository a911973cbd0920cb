"""Per-channel ordered pipelines: work is prepared concurrently, delivered in submission order.

A translation that finishes early waits for the ones submitted before it in the same channel;
a slow translation in one channel never holds up another channel. Each lane prepares at most
`lookahead` jobs ahead of its delivery (the rest start as earlier ones are delivered): a surge of
thousands of messages keeps a bounded number of translations and tasks alive, not one per message.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Hashable

log = logging.getLogger(__name__)

Prepare = Callable[[], Awaitable[Any]]
Deliver = Callable[[Any], Awaitable[None]]


# Enough to overlap translation latency (a provider call takes ~0.1-1 s) far beyond what one
# channel may post per second; deliveries are one at a time per lane anyway.
DEFAULT_LOOKAHEAD = 32


async def nothing() -> None:
    """The prepare step of work that only waits for its turn in a lane."""
    return None


@dataclass(slots=True)
class _Job:
    prepare: Prepare | None  # None once started
    prepared: asyncio.Future[Any] | None
    deliver: Deliver
    label: str

    def start(self) -> None:
        self.prepared = asyncio.ensure_future(self.prepare())
        self.prepare = None


class _Lane:
    __slots__ = ("jobs", "started")

    def __init__(self) -> None:
        self.jobs: deque[_Job] = deque()
        self.started = 0  # jobs[:started] have their prepare() running or done

    def __len__(self) -> int:
        return len(self.jobs)


class OrderedPipelines:
    """One lane per key (a target channel id). Keeps references to every task it starts."""

    def __init__(self, lookahead: int = DEFAULT_LOOKAHEAD) -> None:
        self.lookahead = max(1, lookahead)
        self._lanes: dict[Hashable, _Lane] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, key: Hashable, prepare: Prepare, deliver: Deliver, *, label: str = "") -> None:
        """Start `prepare()` (now, or once fewer than `lookahead` jobs of `key` are ahead of it);
        call `deliver(result)` after everything submitted before on `key`."""
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
        job = _Job(prepare, None, deliver, label)
        lane.jobs.append(job)
        if lane.started < self.lookahead:
            job.start()
            lane.started += 1
        self._idle.clear()
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._run_lane(key), name=f"bridge-lane-{key}")

    def backlog(self, key: Hashable) -> int:
        return len(self._lanes.get(key, ()))

    @property
    def total_backlog(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    async def _run_lane(self, key: Hashable) -> None:
        lane = self._lanes[key]
        jobs = lane.jobs
        try:
            while jobs:
                job = jobs[0]
                try:
                    if job.prepared is None:  # not started yet (cannot happen with lookahead >= 1)
                        job.start()
                        lane.started += 1
                    result = await job.prepared
                    await job.deliver(result)
                except asyncio.CancelledError:
                    jobs.popleft()
                    lane.started -= 1
                    raise
                except Exception:
                    log.exception("bridge job failed lane=%s %s", key, job.label)
                jobs.popleft()
                lane.started -= 1
                if len(jobs) > lane.started:
                    jobs[lane.started].start()
                    lane.started += 1
        finally:
            self._workers.pop(key, None)
            if not jobs:
                self._lanes.pop(key, None)
            if not self._workers:
                self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Wait until every lane is empty; True if it happened within `timeout` seconds."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def cancel(self) -> None:
        tasks = list(self._workers.values())
        for lane in self._lanes.values():
            tasks.extend(job.prepared for job in lane.jobs if job.prepared is not None)
            for job in lane.jobs:  # close coroutines never started
                job.prepare = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._lanes.clear()
        self._workers.clear()
        self._idle.set()
