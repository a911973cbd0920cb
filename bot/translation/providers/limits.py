"""How hard a provider may be driven: requests in flight at once and requests started per second.

Every HTTP provider sends its requests through one ``RequestGate`` built from its ``RequestLimits``,
so a message cut into twenty pieces (or twenty messages at once) never fires twenty requests at a
service that throttles or bans clients doing so. Time spent waiting at the gate is our own queue,
not the provider's slowness: it does not count against the request timeout.
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


class RequestGate:
    """An async context manager: entering waits for a free slot and, if paced, for the next start time."""

    def __init__(self, limits: RequestLimits, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._slots = asyncio.Semaphore(limits.in_flight)
        # 5 % under the allowed rate, so network jitter never lands two starts in one of the service's seconds.
        self._interval = _MARGIN / limits.per_second if limits.per_second else 0.0
        self._next_start = 0.0
        self._clock = clock
        self.in_flight = 0
        self.most_in_flight = 0  # the highest concurrency seen, for tests and benchmarks

    async def __aenter__(self) -> None:
        await self._slots.acquire()
        try:
            if self._interval:
                now = self._clock()
                start = max(now, self._next_start)
                self._next_start = start + self._interval
                if start > now:
                    await asyncio.sleep(start - now)
        except BaseException:
            self._slots.release()
            raise
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.in_flight -= 1
        self._slots.release()
