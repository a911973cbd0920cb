"""Per-channel ordered pipelines: work is prepared concurrently, delivered in submission order.

A translation that finishes early waits for the ones submitted before it in the same channel;
a slow translation in one channel never holds up another channel.
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


@dataclass(slots=True)
class _Job:
    prepared: asyncio.Task[Any]
    deliver: Deliver
    label: str


class OrderedPipelines:
    """One lane per key (a target channel id). Keeps references to every task it starts."""

    def __init__(self) -> None:
        self._lanes: dict[Hashable, deque[_Job]] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, key: Hashable, prepare: Prepare, deliver: Deliver, *, label: str = "") -> None:
        """Start `prepare()` now; call `deliver(result)` after everything submitted before on `key`."""
        prepared = asyncio.ensure_future(prepare())
        self._lanes.setdefault(key, deque()).append(_Job(prepared, deliver, label))
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
        try:
            while lane:
                job = lane[0]
                try:
                    result = await job.prepared
                    await job.deliver(result)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("bridge job failed lane=%s %s", key, job.label)
                finally:
                    lane.popleft()
        finally:
            self._workers.pop(key, None)
            if not lane:
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
            tasks.extend(job.prepared for job in lane)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._lanes.clear()
        self._workers.clear()
        self._idle.set()
