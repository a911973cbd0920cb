"""Relays, posts, failures and lag per server per UTC day, for `/bridge stats`.

Counted in memory and flushed in one write now and then; a crash loses at most one interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_relay_days
from bot.storage import Database


@dataclass(slots=True)
class RelayDay:
    relays: int = 0
    posts: int = 0
    failures: int = 0
    lag_total_ms: int = 0
    lag_max_ms: int = 0

    def add(self, other: RelayDay) -> None:
        self.relays += other.relays
        self.posts += other.posts
        self.failures += other.failures
        self.lag_total_ms += other.lag_total_ms
        self.lag_max_ms = max(self.lag_max_ms, other.lag_max_ms)

    @property
    def average_lag_seconds(self) -> float:
        return self.lag_total_ms / self.relays / 1000 if self.relays else 0.0


class RelayDays:
    def __init__(self, db: Database, *, today=lambda: datetime.now(UTC).date()) -> None:
        self._db = db
        self._today = today
        self._pending: dict[tuple[int, date], RelayDay] = {}

    def _day(self, guild_id: int) -> RelayDay:
        return self._pending.setdefault((guild_id, self._today()), RelayDay())

    def relayed(self, guild_ids: set[int], copies: int, posts: int, lags_ms: list[int]) -> None:
        for guild_id in guild_ids:
            day = self._day(guild_id)
            day.relays += copies
            day.posts += posts
            day.lag_total_ms += sum(lags_ms)
            day.lag_max_ms = max([day.lag_max_ms, *lags_ms])

    def failed(self, guild_ids: set[int], count: int = 1) -> None:
        for guild_id in guild_ids:
            self._day(guild_id).failures += count

    async def flush(self) -> None:
        pending, self._pending = self._pending, {}
        if not pending:
            return
        try:
            async with self._db.begin() as connection:
                # One upsert that adds to the stored row (in key order): processes sharing the
                # database flush the same server's day at once without losing either's counts.
                for (guild_id, day), counts in sorted(pending.items(), key=lambda item: item[0]):
                    await connection.execute(_adding(connection.dialect.name, guild_id, day, counts))
        except BaseException:
            for key, counts in pending.items():
                self._pending.setdefault(key, RelayDay()).add(counts)
            raise

    async def summary(self, guild_id: int, days: int) -> RelayDay:
        await self.flush()
        first = self._today() - timedelta(days=days - 1)
        total = RelayDay()
        async with self._db.connect() as connection:
            rows = await connection.execute(
                sa.select(bridge_relay_days).where(bridge_relay_days.c.guild_id == guild_id, bridge_relay_days.c.day >= first)
            )
            for row in rows:
                total.add(RelayDay(row.relays, row.posts, row.failures, row.lag_total_ms, row.lag_max_ms))
        return total


def _adding(dialect: str, guild_id: int, day: date, counts: RelayDay):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        larger = sa.func.greatest
    else:
        from sqlalchemy.dialects.sqlite import insert

        larger = sa.func.max  # SQLite's max() of two arguments is the larger one
    table = bridge_relay_days
    statement = insert(table).values(guild_id=guild_id, day=day, **_values(counts))
    added = {name: table.c[name] + statement.excluded[name] for name in ("relays", "posts", "failures", "lag_total_ms")}
    return statement.on_conflict_do_update(
        index_elements=["guild_id", "day"],
        set_={**added, "lag_max_ms": larger(table.c.lag_max_ms, statement.excluded.lag_max_ms)},
    )


def _values(counts: RelayDay) -> dict:
    return {"relays": counts.relays, "posts": counts.posts, "failures": counts.failures,
            "lag_total_ms": counts.lag_total_ms, "lag_max_ms": counts.lag_max_ms}
