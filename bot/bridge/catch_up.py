"""Catch-up after downtime: which messages posted while the bot was away get relayed, late.

Planning is pure (snowflakes, marks, sets); the cog reads channel history with `after=` and
hands the chosen messages to the relay engine in order, marked late.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_high_water
from bot.bridge.models import OriginalMessage
from bot.storage import Database

DISCORD_EPOCH_MS = 1420070400000


def snowflake_at(moment: datetime) -> int:
    """The smallest snowflake of `moment` (for `after=` queries)."""
    return max(int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS, 0) << 22


def snowflake_time_ms(snowflake: int) -> int:
    return (snowflake >> 22) + DISCORD_EPOCH_MS


def catch_up_after(now: datetime, window_minutes: int, high_water: int | None, linked_at: datetime | None) -> int:
    """Relay messages with ids above this: never older than the window, nor than the link itself,
    nor at or below the last original already relayed from the channel."""
    floor = snowflake_at(now - timedelta(minutes=window_minutes))
    if linked_at is not None:
        floor = max(floor, snowflake_at(linked_at))
    return max(floor, high_water or 0)


@dataclass(frozen=True, slots=True)
class Candidate:
    message_id: int
    author_id: int


def plan_catch_up(
    candidates: Iterable[Candidate], *, after: int, already_relayed: set[int], opted_out: Callable[[int], bool],
) -> list[int]:
    """Ids to relay, oldest first: newer than `after`, never relayed, authors who did not opt out."""
    chosen = {
        candidate.message_id for candidate in candidates
        if candidate.message_id > after and candidate.message_id not in already_relayed and not opted_out(candidate.author_id)
    }
    return sorted(chosen)


class HighWaterMarks:
    """Per source channel, the newest original already relayed; kept in memory, flushed now and then."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._marks: dict[int, int] = {}
        self._dirty: set[int] = set()
        # Source channel -> {holder: first original not relayed}: the mark stays below every hold.
        self._holds: dict[int, dict[Hashable, int]] = {}

    async def load(self) -> None:
        async with self._db.connect() as connection:
            rows = await connection.execute(sa.select(bridge_high_water))
            self._marks = {row.channel_id: row.message_id for row in rows}

    def get(self, channel_id: int) -> int | None:
        mark = self._marks.get(channel_id)
        holds = self._holds.get(channel_id)
        if holds:
            below = min(holds.values()) - 1
            return below if mark is None else min(mark, below)
        return mark

    def hold_below(self, channel_id: int, holder: Hashable, message_id: int) -> None:
        """Keep the mark below `message_id` (a copy let go to be re-read, or still waiting to be
        posted) until `release`; a holder's hold stays at the oldest it was given."""
        holds = self._holds.setdefault(channel_id, {})
        if message_id < holds.get(holder, message_id + 1):
            holds[holder] = message_id
            self._dirty.add(channel_id)

    def release(self, channel_id: int, holder: Hashable) -> None:
        holds = self._holds.get(channel_id, {})
        if holds.pop(holder, None) is not None:
            self._dirty.add(channel_id)
        if not holds:
            self._holds.pop(channel_id, None)

    def release_everywhere(self, holder: Hashable) -> None:
        for channel_id in [channel_id for channel_id, holds in self._holds.items() if holder in holds]:
            self.release(channel_id, holder)

    def advance(self, channel_id: int, message_id: int) -> None:
        if message_id > self._marks.get(channel_id, 0):
            self._marks[channel_id] = message_id
            self._dirty.add(channel_id)

    async def flush(self) -> None:
        dirty, self._dirty = self._dirty, set()
        if not dirty:
            return
        try:
            await self._write(dirty)
        except BaseException:
            self._dirty |= dirty  # written with the next flush
            raise

    async def _write(self, dirty: set[int]) -> None:
        async with self._db.begin() as connection:
            for channel_id in sorted(dirty):
                mark = self.get(channel_id)
                if mark is None:
                    continue
                await connection.execute(self._db.upsert(
                    bridge_high_water, {"channel_id": channel_id, "message_id": mark}, ["channel_id"]
                ))


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """Originals of one source channel after some id, oldest first, as the cog read them."""

    originals: list[OriginalMessage]
    last_read_id: int | None  # the newest message read, relayable or not
    exhausted: bool  # fewer than asked for: the channel's history ends here


# (source channel id, after message id, at most this many) -> the next page of its history.
ReadHistory = Callable[[int, int, int], Awaitable[HistoryPage]]
