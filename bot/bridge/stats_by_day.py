"""A server's last 30 days, day by day, for the chart `/bridge stats` attaches.

- Messages relayed, by the language they were written in: from the message map (`relayed_messages`,
  one row per copy; an original counts once per day and language however many copies it has). A
  copy into English was written in Chinese, a copy into Chinese in English; a copy sent across as it
  is (no translation: the same language on both sides) counts as "as written". The message map keeps
  MESSAGE_MAP_RETENTION_DAYS (30 by default): older days show none.
- Characters sent to each translation provider, and the translations that failed: `translation_usage`.
- Copies that could not be delivered: `bridge_relay_days`.

All days are UTC, as the counters are. Discord-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from bot.bridge.remember.bridge_tables import relayed_messages
from bot.bridge.remember.feature_tables import bridge_relay_days
from bot.storage import Database
from bot.translation.tables import translation_usage

CHART_DAYS = 30
WRITTEN_IN_ENGLISH = "en"
WRITTEN_IN_CHINESE = "zh"
AS_WRITTEN = "as_written"
MESSAGE_GROUPS = (WRITTEN_IN_ENGLISH, WRITTEN_IN_CHINESE, AS_WRITTEN)
CACHE_PROVIDER = "cache"


@dataclass(frozen=True)
class StatsByDay:
    days: tuple[date, ...]
    messages: dict[str, list[int]]  # MESSAGE_GROUPS -> originals per day
    characters: dict[str, list[int]] = field(default_factory=dict)  # provider -> characters per day
    translation_failures: list[int] = field(default_factory=list)
    relay_failures: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        series = [*self.messages.values(), *self.characters.values(), self.translation_failures, self.relay_failures]
        return not any(any(values) for values in series)


async def stats_by_day(db: Database, guild_id: int, *, last_day: date, days: int = CHART_DAYS) -> StatsByDay:
    first_day = last_day - timedelta(days=days - 1)
    every_day = tuple(first_day + timedelta(days=offset) for offset in range(days))
    index = {day: position for position, day in enumerate(every_day)}
    messages = {group: [0] * days for group in MESSAGE_GROUPS}
    characters: dict[str, list[int]] = {}
    translation_failures = [0] * days
    relay_failures = [0] * days

    copies = relayed_messages
    day = _utc_day(db.dialect, copies.c.created_at).label("day")
    written_in = sa.case(
        (copies.c.target_language == "en", WRITTEN_IN_CHINESE),
        (copies.c.target_language.like("zh%"), WRITTEN_IN_ENGLISH),
        else_=AS_WRITTEN,
    ).label("written_in")
    message_query = (
        sa.select(day, written_in, sa.func.count(sa.distinct(copies.c.original_message_id)))
        .where(copies.c.guild_id == guild_id, copies.c.created_at >= _start_of(first_day))
        .group_by(day, written_in)
    )
    usage = translation_usage
    usage_query = (
        sa.select(usage.c.day, usage.c.provider, sa.func.sum(usage.c.characters), sa.func.sum(usage.c.failures))
        .where(usage.c.guild_id == guild_id, usage.c.day >= first_day, usage.c.day <= last_day)
        .group_by(usage.c.day, usage.c.provider)
    )
    relays = bridge_relay_days
    relay_query = sa.select(relays.c.day, relays.c.failures).where(
        relays.c.guild_id == guild_id, relays.c.day >= first_day, relays.c.day <= last_day
    )
    async with db.connect() as connection:
        for row_day, group, count in (await connection.execute(message_query)).all():
            position = index.get(_as_date(row_day))
            if position is not None:
                messages[group][position] += int(count)
        for row_day, provider, sent, failed in (await connection.execute(usage_query)).all():
            position = index[_as_date(row_day)]
            if provider != CACHE_PROVIDER and sent:
                characters.setdefault(provider, [0] * days)[position] += int(sent)
            translation_failures[position] += int(failed or 0)
        for row_day, failures in (await connection.execute(relay_query)).all():
            relay_failures[index[_as_date(row_day)]] += int(failures)
    return StatsByDay(every_day, messages, dict(sorted(characters.items())), translation_failures, relay_failures)


def _utc_day(dialect: str, column):
    if dialect == "postgresql":
        return sa.func.date(sa.func.timezone("UTC", column))
    return sa.func.date(column)  # SQLite: stored with its offset; date() turns it into UTC


def _start_of(day: date):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(), tzinfo=UTC)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
