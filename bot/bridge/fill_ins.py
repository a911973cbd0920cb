"""Filling in translations that a provider outage left out, also across restarts.

The relay engine retries a failed translation in memory for a while; those retries die with the
process. `StoredFillIns` finds the copies (and lines of combined posts) the database still marks
as untranslated, reads each original again (it may have been edited or deleted meanwhile) and
has the engine edit the copies in place. Discord-free: the cog passes `fetch_original`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.bridge.models import OriginalMessage

log = logging.getLogger(__name__)

ORIGINALS_PER_PASS = 25
# A pass over everything still untranslated this often, whatever happens (seconds).
PASS_EVERY_SECONDS = 300.0
# While providers still fail, passes are retried after these delays (the last one repeats).
RETRY_DELAYS: tuple[float, ...] = (5, 15, 30, 60, 120, 300)

# (channel id, message id) -> the original as it is now, or None when it was deleted.
FetchOriginal = Callable[[int, int], Awaitable[OriginalMessage | None]]


@dataclass(frozen=True, slots=True)
class FillInPass:
    filled: int = 0  # originals whose copies were handed to the engine to be edited
    gone: int = 0  # originals deleted (or unreadable) meanwhile
    providers_down: bool = False  # stopped early: translating still fails


class StoredFillIns:
    def __init__(
        self, engine, fetch_original: FetchOriginal, *, retention: Callable[[], timedelta],
        per_pass: int = ORIGINALS_PER_PASS, now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine = engine
        self.fetch_original = fetch_original
        self.retention = retention
        self.per_pass = per_pass
        self.now = now
        # Passes go through the backlog by original id, so originals that cannot be filled in
        # (deleted while the bot was away, unlinked) never keep the others waiting.
        self._after_original_id = 0

    async def run_once(self) -> FillInPass:
        """One bounded page of the backlog. The page's translations are all made before any copy
        is edited, so the lines of one combined post are edited together (one edit per post)."""
        pending, reached_newest = await self._pending()
        ready = []
        filled = gone = 0
        providers_down = False
        for original_message_id, channel_id in pending:
            try:
                original = await self.fetch_original(channel_id, original_message_id)
            except Exception as error:
                log.warning("bridge: cannot read original=%s channel=%s to fill in its translation (%s: %s)",
                            original_message_id, channel_id, type(error).__name__, error)
                original = None
            if original is None:
                gone += 1
                self._after_original_id = original_message_id
                continue
            prepared = await self.engine.prepare_fill_in(original)
            if prepared is None:
                providers_down = True
                break
            ready += prepared
            filled += 1
            self._after_original_id = original_message_id
        self.engine.submit_fill_in(ready)
        if not providers_down and reached_newest:
            self._after_original_id = 0  # reached the newest: the next pass starts over from the oldest
        return FillInPass(filled, gone, providers_down)

    async def run_until_caught_up(self) -> FillInPass:
        """Bounded pages (`run_once`) until every untranslated copy was handed over, or providers fail."""
        total = FillInPass()
        while True:
            page = await self.run_once()
            total = FillInPass(total.filled + page.filled, total.gone + page.gone, page.providers_down)
            if page.providers_down or self._after_original_id == 0:
                return total

    async def _pending(self) -> tuple[list[tuple[int, int]], bool]:
        """Up to `per_pass` (original id, original channel id), oldest first; and whether they
        reach the newest untranslated original."""
        since = self.now() - self.retention()
        after = self._after_original_id
        copies = await self.engine.store.untranslated_copies(since=since, after_original_id=after, limit=self.per_pass * 4)
        found = {record.original_message_id: record.original_channel_id for record in copies}
        # A source that filled its limit only vouches for ids up to its last row: ids past it may
        # be missing from it, so the page ends there (they come in the next page).
        complete_up_to = [copies[-1].original_message_id] if len(copies) >= self.per_pass * 4 else []
        combined_posts = getattr(self.engine, "combined_posts", None)
        if combined_posts is not None:
            lines = await combined_posts.untranslated(since=since, after_original_id=after, limit=self.per_pass)
            found.update((line.original_message_id, line.original_channel_id) for line in lines)
            if len(lines) >= self.per_pass:
                complete_up_to.append(lines[-1].original_message_id)
        if complete_up_to:
            cutoff = min(complete_up_to)
            found = {original: channel for original, channel in found.items() if original <= cutoff}
        return sorted(found.items())[: self.per_pass], not complete_up_to and len(found) <= self.per_pass


class FillInLoop:
    """When to run `StoredFillIns`: at start, every `interval`, soon after a copy went out
    untranslated (then with back-off while providers still fail) and at once when a translation
    succeeds again, so one pass after the outage fills in everything it left."""

    def __init__(
        self, fill_ins: StoredFillIns, *, interval: float = PASS_EVERY_SECONDS,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.fill_ins = fill_ins
        self.interval = interval
        self.retry_delays = tuple(retry_delays) or (interval,)
        self.passes = 0
        self._retrying: int | None = None  # index into retry_delays while providers fail
        self._now = False
        self._soon = False
        self._changed = asyncio.Event()

    def copies_left_untranslated(self) -> None:
        """A copy went out untranslated: start trying to fill it in (no-op if already trying)."""
        self._soon = True
        self._changed.set()

    def translations_work_again(self) -> None:
        """A translation succeeded while copies were waiting for one: pass now."""
        self._now = True
        self._changed.set()

    async def run(self) -> None:
        while True:
            done = await self._pass()
            if done.providers_down:
                self._retrying = 0 if self._retrying is None else min(self._retrying + 1, len(self.retry_delays) - 1)
                await self._wait(self.retry_delays[self._retrying])
            else:
                self._retrying = None
                await self._wait(self.interval)

    async def _pass(self) -> FillInPass:
        self.passes += 1
        self._now = False
        try:
            done = await self.fill_ins.run_until_caught_up()
        except Exception as error:
            # One line, not a traceback storm (the database or Discord may be unreachable for a
            # while); the next pass may work.
            log.warning("bridge: filling in translations failed (%s: %s); retrying", type(error).__name__, error)
            log.debug("bridge: filling in translations failed", exc_info=True)
            return FillInPass(providers_down=True)
        if done.filled or done.providers_down:
            log.info("bridge: filling in translations: %d originals queued, %d gone%s", done.filled, done.gone,
                     "; providers still failing, retrying" if done.providers_down else "")
        return done

    async def _wait(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self._now:
            if self._soon and self._retrying is None:
                deadline = min(deadline, loop.time() + self.retry_delays[0])
            self._soon = False
            self._changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                # asyncio.timeout, not wait_for: Python 3.11's wait_for swallows a cancellation
                # that arrives as the event is set, and the loop would then outlive its cog.
                async with asyncio.timeout(remaining):
                    await self._changed.wait()
            except TimeoutError:
                break
        self._soon = False
