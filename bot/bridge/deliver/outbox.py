"""One outbox per destination channel: paced posting, coalescing under surges, pausing.

The relay lanes (`bot/bridge/lanes.py`) translate and hand copies over in order; the outbox
posts them no faster than Discord allows. When one-post-per-copy would fall behind
(`coalescing.should_coalesce`), consecutive copies go out as one combined post; when the surge
ends, posts are one per copy again. A destination the bot may not post in is paused with its
copies kept and flushed in order once it is resumed.

Nothing is dropped. A heavy surge (a backlog of half `max_items` or more) packs as many lines
into each combined post as 2,000 characters allow. When the backlog still reaches `max_items`
(a paused destination, or more arriving than even full posts can carry), the outbox *spills*:
it keeps what it holds and lets go of every later copy, noting per source channel the range of
originals let go. The engine keeps the catch-up mark below that range and, once the outbox has
posted what it holds, re-reads those originals from channel history (`refill`, in pages) and
relays them here, in order; live copies keep spilling until the re-read has caught up with them.

Discord-free: it posts through a `Poster` (the relay engine).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.bridge.deliver.coalescing import MAX_LINES_PER_POST, CombinedLine, lines_fitting, should_coalesce
from bot.bridge.deliver.pacing import Pacer

log = logging.getLogger(__name__)

DEFAULT_MAX_ITEMS = 1000
# Beyond this many copies the exact delay no longer changes the decision.
DELAY_LOOKAHEAD = 64


class PauseDestination(Exception):
    """Raised by a poster: the destination cannot take posts now; keep the copies and wait."""


@dataclass(slots=True)
class OutboxItem:
    payload: Any  # the engine's prepared copy
    arrived_at: float
    combinable: bool
    line: CombinedLine | None = None
    footer: str = ""
    source_channel_id: int = 0
    message_id: int = 0


class Poster(Protocol):
    async def post_single(self, item: OutboxItem) -> None: ...

    async def post_combined(self, items: list[OutboxItem]) -> None: ...

    def combined_footer(self, items: list[OutboxItem]) -> str: ...


@dataclass(slots=True)
class OutboxCounters:
    posts: int = 0
    combined_posts: int = 0
    copies: int = 0
    spilled: int = 0  # let go, to be re-read from channel history
    sizes: dict[int, int] = field(default_factory=dict)  # copies per post -> posts


class Outbox:
    def __init__(
        self, key: int, pacer: Pacer, poster: Poster, *, clock: Callable[[], float] = time.monotonic,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> None:
        self.key = key
        self.pacer = pacer
        self.poster = poster
        self.clock = clock
        self.max_items = max_items
        self.counters = OutboxCounters()
        self._items: deque[OutboxItem] = deque()
        # Per source channel, the original ids waiting here (a heap; ids no longer waiting leave it
        # lazily) and how many copies of each wait: the oldest is asked after every post.
        self._waiting_ids: dict[int, list[int]] = {}
        self._waiting_counts: dict[tuple[int, int], int] = {}
        self._accepted = 0
        self._finished = 0
        self._changed = asyncio.Condition()
        self._resumed = asyncio.Event()
        self._resumed.set()
        self._worker: asyncio.Task[None] | None = None
        # Source channel -> (first, last) original id let go and not yet re-read.
        self.spilled: dict[int, tuple[int, int]] = {}
        # Source channel -> newest original re-read from history: a live copy at or below it is a duplicate.
        self._refilled_up_to: dict[int, int] = {}
        self.on_spill: Callable[[Outbox, OutboxItem], None] | None = None

    # -- what the engine and /bridge list ask ----------------------------------------------

    @property
    def backlog(self) -> int:
        return len(self._items)

    @property
    def paused(self) -> bool:
        return not self._resumed.is_set()

    def lag(self) -> float:
        """How long the oldest waiting copy has waited (0 when nothing waits)."""
        return self.clock() - self._items[0].arrived_at if self._items else 0.0

    def keep_alone(self, message_id: int) -> bool:
        """The waiting copy of this original goes out in a post of its own, not combined (a thread
        is opened on it); True when it was waiting here."""
        found = False
        for item in self._items:
            if item.message_id == message_id and item.combinable:
                item.combinable, item.line, item.footer = False, None, ""
                found = True
        return found

    def oldest_waiting(self, source_channel_id: int, *, excluding: set[int] = frozenset()) -> int | None:
        """The oldest original of `source_channel_id` whose copy still waits here (not in `excluding`)."""
        heap = self._waiting_ids.get(source_channel_id)
        if not heap:
            return None
        counts = self._waiting_counts
        set_aside: list[int] = []
        oldest = None
        while heap:
            candidate = heap[0]
            if (source_channel_id, candidate) not in counts:
                heapq.heappop(heap)  # no longer waiting
            elif candidate in excluding:
                set_aside.append(heapq.heappop(heap))
            else:
                oldest = candidate
                break
        for message_id in set_aside:
            heapq.heappush(heap, message_id)
        return oldest

    def _track(self, item: OutboxItem) -> None:
        if not item.message_id:
            return
        key = (item.source_channel_id, item.message_id)
        count = self._waiting_counts.get(key, 0)
        self._waiting_counts[key] = count + 1
        if not count:
            heapq.heappush(self._waiting_ids.setdefault(item.source_channel_id, []), item.message_id)

    def _untrack(self, item: OutboxItem) -> None:
        if not item.message_id:
            return
        key = (item.source_channel_id, item.message_id)
        count = self._waiting_counts.get(key, 0) - 1
        if count > 0:
            self._waiting_counts[key] = count
            return
        self._waiting_counts.pop(key, None)
        heap = self._waiting_ids.get(item.source_channel_id)
        while heap and (item.source_channel_id, heap[0]) not in self._waiting_counts:
            heapq.heappop(heap)
        if not heap:
            self._waiting_ids.pop(item.source_channel_id, None)

    @property
    def spilling(self) -> bool:
        return bool(self.spilled)

    def put(self, item: OutboxItem, *, refill: bool = False) -> bool:
        """Queue `item`; False when it is not kept (spilled for a re-read, or already re-read)."""
        if not refill:
            if item.message_id and item.message_id <= self._refilled_up_to.get(item.source_channel_id, 0):
                return False
            if self.on_spill is not None and (self.spilled or len(self._items) >= self.max_items):
                self._spill(item)
                return False
        self._items.append(item)
        self._track(item)
        self._accepted += 1
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name=f"bridge-outbox-{self.key}")
        return True

    def _spill(self, item: OutboxItem) -> None:
        if not self.spilled:
            log.warning("bridge outbox %s holds %d copies: later ones will be re-read from history", self.key, len(self._items))
        first, _ = self.spilled.get(item.source_channel_id, (item.message_id, item.message_id))
        self.spilled[item.source_channel_id] = (first, item.message_id)
        self.counters.spilled += 1
        if self.on_spill is not None:
            self.on_spill(self, item)

    def refilled(self, cursors: dict[int, int]) -> bool:
        """The re-read has handed over every original up to `cursors[source]`; stop spilling a
        source once it reached the last one let go. True when nothing is left to re-read."""
        for source, cursor in cursors.items():
            self._refilled_up_to[source] = max(self._refilled_up_to.get(source, 0), cursor)
            spilled = self.spilled.get(source)
            if spilled is not None and cursor >= spilled[1]:
                del self.spilled[source]
        return not self.spilled

    async def wait_until_resumed(self) -> None:
        await self._resumed.wait()

    async def wait_until_posted(self) -> None:
        """Wait until every copy accepted so far has been posted (or given up)."""
        ticket = self._accepted
        async with self._changed:
            await self._changed.wait_for(lambda: self._finished >= ticket)

    def pause(self) -> None:
        self._resumed.clear()

    def resume(self) -> None:
        self._resumed.set()

    async def drop_all(self) -> int:
        count = len(self._items)
        self._items.clear()
        self._waiting_ids.clear()
        self._waiting_counts.clear()
        self._finished = self._accepted
        async with self._changed:
            self._changed.notify_all()
        return count

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    # -- the worker ------------------------------------------------------------------------

    async def _run(self) -> None:
        while self._items:
            if self.paused:
                await self._resumed.wait()
                continue
            delay = self.pacer.delay()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            batch = self._choose_batch()
            try:
                if len(batch) == 1:
                    await self.poster.post_single(batch[0])
                else:
                    await self.poster.post_combined(batch)
            except PauseDestination:
                log.warning("bridge outbox %s paused with %d copies waiting", self.key, len(self._items))
                self.pause()
                continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("bridge outbox %s: posting %d copies failed; skipping them", self.key, len(batch))
            await self._finish(batch)

    async def _finish(self, batch: list[OutboxItem]) -> None:
        for item in batch:
            if self._items and self._items[0] is item:
                self._items.popleft()
                self._untrack(item)
                self._finished += 1
        self.counters.posts += 1
        self.counters.copies += len(batch)
        self.counters.sizes[len(batch)] = self.counters.sizes.get(len(batch), 0) + 1
        if len(batch) > 1:
            self.counters.combined_posts += 1
        async with self._changed:
            self._changed.notify_all()

    def _choose_batch(self) -> list[OutboxItem]:
        head = self._items[0]
        backlog = len(self._items)
        if not head.combinable or backlog == 1:
            return [head]
        if not should_coalesce(backlog, self.pacer.waits_longer_than(min(backlog, DELAY_LOOKAHEAD), self.pacer.limits.target_lag)):
            return [head]
        run: list[OutboxItem] = []
        for item in self._items:
            if not item.combinable:
                break
            run.append(item)
        max_lines = None if backlog >= self.max_items // 2 else MAX_LINES_PER_POST
        count = lines_fitting([item.line for item in run], self.poster.combined_footer(run), max_lines=max_lines)
        return run[:count]
