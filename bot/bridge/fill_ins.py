"""Filling in translations that a provider outage left out, also across restarts.

The relay engine retries a failed translation in memory for a while; those retries die with the
process. `StoredFillIns` finds the copies (and lines of combined posts) the database still marks
as untranslated, reads each original again (it may have been edited or deleted meanwhile) and
has the engine edit the copies in place. Discord-free: the cog passes `fetch_original`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.bridge.models import OriginalMessage

log = logging.getLogger(__name__)

ORIGINALS_PER_PASS = 25

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
        pending = await self._pending()
        filled = gone = 0
        for original_message_id, channel_id in pending:
            try:
                original = await self.fetch_original(channel_id, original_message_id)
            except Exception:
                log.warning("bridge: cannot read original=%s channel=%s to fill in its translation",
                            original_message_id, channel_id, exc_info=True)
                original = None
            if original is None:
                gone += 1
                self._after_original_id = original_message_id
                continue
            if not await self.engine.fill_in_untranslated(original):
                return FillInPass(filled, gone, providers_down=True)
            filled += 1
            self._after_original_id = original_message_id
        if len(pending) < self.per_pass:
            self._after_original_id = 0  # reached the newest: the next pass starts over from the oldest
        return FillInPass(filled, gone)

    async def _pending(self) -> list[tuple[int, int]]:
        """Up to `per_pass` (original id, original channel id), oldest first."""
        since = self.now() - self.retention()
        copies = await self.engine.store.untranslated_copies(
            since=since, after_original_id=self._after_original_id, limit=self.per_pass * 4,
        )
        found = {record.original_message_id: record.original_channel_id for record in copies}
        combined_posts = getattr(self.engine, "combined_posts", None)
        if combined_posts is not None:
            lines = await combined_posts.untranslated(since=since, after_original_id=self._after_original_id, limit=self.per_pass)
            found.update((line.original_message_id, line.original_channel_id) for line in lines)
        return sorted(found.items())[: self.per_pass]
