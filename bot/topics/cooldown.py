"""Members' `/topics prompt`: one per room per cooldown, keyed by the room that was resolved, so
"groceries", "买菜", "買菜" and "#groceries-买菜与物价" all count against the same room."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable


class RoomCooldown:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._started: dict[Hashable, float] = {}

    def take(self, room: Hashable) -> float:
        """0.0 (and starts the room's cooldown) when a prompt may be posted now, else the seconds
        to wait. Taken before posting, so two members asking at once cannot both post."""
        now = self._clock()
        started = self._started.get(room)
        if started is not None and now - started < self.seconds:
            return self.seconds - (now - started)
        if len(self._started) > 10_000:
            self._started = {key: at for key, at in self._started.items() if now - at < self.seconds}
        self._started[room] = now
        return 0.0

    def give_back(self, room: Hashable) -> None:
        """Nothing was posted after all: the next request need not wait."""
        self._started.pop(room, None)
