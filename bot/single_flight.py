"""One load per key at a time: the first caller reads, callers meanwhile wait for its result.

After a restart, a burst of messages from a server whose settings are not cached yet would
otherwise open one database connection per message (each listener's cache missing at once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SingleFlight(Generic[K, V]):
    def __init__(self) -> None:
        self._loading: dict[K, asyncio.Future[V]] = {}

    async def load(self, key: K, read: Callable[[], Awaitable[V]], keep: Callable[[V], None]) -> V:
        """`await read()` unless a read of `key` is under way, whose result (or error) is shared;
        `keep(result)` caches it, unless `forget(key)` came meanwhile (a write made it stale). A
        caller cancelled while waiting does not cancel the read the others wait for."""
        loading = self._loading.get(key)
        if loading is None:
            loading = self._loading[key] = asyncio.ensure_future(read())
            loading.add_done_callback(lambda done: self._finished(key, done, keep))
        return await asyncio.shield(loading)

    def forget(self, key: K) -> None:
        """A write changed `key`: a read under way is not kept, and the next caller reads again."""
        self._loading.pop(key, None)

    def forget_all(self) -> None:
        self._loading.clear()

    def _finished(self, key: K, done: asyncio.Future[V], keep: Callable[[V], None]) -> None:
        # Runs before the waiters resume (callbacks run in the order they were added).
        if done.cancelled():
            current = False
        else:
            current = self._loading.get(key) is done and done.exception() is None  # retrieved even if no one waits
        if self._loading.get(key) is done:
            del self._loading[key]
        if current:
            keep(done.result())
