"""How hard a provider may be driven: requests in flight at once and requests started per second.

Every HTTP provider sends its requests through one ``RequestGate`` built from its ``RequestLimits``,
so a message cut into twenty pieces (or twenty messages at once) never fires twenty requests at a
service that throttles or bans clients doing so. Time spent waiting at the gate is our own queue,
not the provider's slowness: it does not count against the request timeout. A request that would
wait longer than ``max_wait`` is refused with ``GateBusy`` instead, so a burst beyond a slow
provider's rate (Baidu: 1/s) goes to the next provider rather than queueing for minutes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType


_MARGIN = 1.05


@dataclass(frozen=True)
class RequestLimits:
    in_flight: int = 4  # requests awaiting an answer at once (maintained clients use 2-4)
    per_second: float | None = None  # requests started per second; None: only in_flight bounds it

    def __post_init__(self) -> None:
        if self.in_flight < 1 or (self.per_second is not None and self.per_second <= 0):
            raise ValueError("in_flight >= 1 and per_second > 0 (or None) are required")


class GateBusy(Exception):
    """A request would wait longer than the gate's ``max_wait`` to start."""


class RequestGate:
    """An async context manager: entering waits for a free slot and, if paced, for the next start time."""

    def __init__(self, limits: RequestLimits, *, max_wait: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.max_wait = max_wait
        self._slots = asyncio.Semaphore(limits.in_flight)
        # 5 % under the allowed rate, so network jitter never lands two starts in one of the service's seconds.
        self._interval = _MARGIN / limits.per_second if limits.per_second else 0.0
        self._last_start = float("-inf")  # when the last paced request really started
        self._pacing = asyncio.Lock()  # paced requests start one after another, each timed from the one before
        self._waiting_to_start = 0
        self._clock = clock
        self.in_flight = 0
        self.most_in_flight = 0  # the highest concurrency seen, for tests and benchmarks

    async def __aenter__(self) -> None:
        arrived = self._clock()
        try:
            async with asyncio.timeout(self.max_wait):
                await self._slots.acquire()
        except TimeoutError:
            raise GateBusy(f"all {self.limits.in_flight} request slots stayed taken for {self.max_wait:g}s") from None
        try:
            if self._interval:
                await self._wait_for_turn(arrived)
        except BaseException:
            self._slots.release()
            raise
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)

    async def _wait_for_turn(self, arrived: float) -> None:
        """Start no sooner than one interval after the previous start *really* happened.

        Each start is timed from the actual time of the one before (taken after the wait), never from a
        schedule planned in advance: when the event loop stalls (a busy machine, a long callback), the
        requests whose planned times passed meanwhile would otherwise all start together on wake-up, and
        the service counts more than its rate in one second.
        """
        expected = max(self._clock(), self._last_start + self._interval) + self._waiting_to_start * self._interval
        if self.max_wait is not None and expected - arrived > self.max_wait:
            raise GateBusy(f"at {self.limits.per_second:g} request(s)/s it would start {expected - arrived:.1f}s "
                           f"after it was asked, more than {self.max_wait:g}s")
        self._waiting_to_start += 1
        try:
            async with self._pacing:
                wait = self._last_start + self._interval - self._clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._last_start = self._clock()
        finally:
            self._waiting_to_start -= 1

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.in_flight -= 1
        self._slots.release()
