"""The data behind the /bridge stats chart, read from the message map and the usage and relay counters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bot.bridge.remember.bridge_tables import relayed_messages
from bot.bridge.remember.feature_tables import bridge_relay_days
from bot.bridge.stats_by_day import AS_WRITTEN, WRITTEN_IN_CHINESE, WRITTEN_IN_ENGLISH, stats_by_day
from bot.translation.tables import translation_usage

TODAY = date(2026, 5, 30)
GUILD, OTHER_GUILD = 11, 22


def copy(copy_id: int, original_id: int, target: str | None, at: datetime, guild: int = GUILD, part: int = 0) -> dict:
    return dict(copy_message_id=copy_id, copy_channel_id=5, webhook_id=6, original_message_id=original_id,
                original_channel_id=4, guild_id=guild, author_id=3, part=part, target_language=target,
                source_hash="h", needs_translation=False, created_at=at)


async def test_thirty_days_by_language_provider_and_failure(database) -> None:
    today_noon = datetime(2026, 5, 30, 12, tzinfo=UTC)
    yesterday_late = datetime(2026, 5, 29, 23, 59, tzinfo=UTC)
    rows = [
        copy(1, 100, "zh-Hans", today_noon),  # written in English, copied into two Chinese channels...
        copy(2, 100, "zh-Hant", today_noon),  # ...counts once
        copy(3, 100, "zh-Hans", today_noon, part=1),  # a second part of a long copy: still once
        copy(4, 101, "en", today_noon),  # written in Chinese
        copy(5, 102, None, today_noon),  # sent across as it is
        copy(6, 103, "en", yesterday_late),
        copy(7, 104, "zh-Hans", today_noon - timedelta(days=29)),  # the first day of the 30
        copy(8, 105, "zh-Hans", today_noon - timedelta(days=30)),  # before them
        copy(9, 106, "en", today_noon, guild=OTHER_GUILD),
    ]
    usage = [
        dict(guild_id=GUILD, day=TODAY, provider="deepl", characters=500, calls=3, cache_hits=0, failures=1),
        dict(guild_id=GUILD, day=TODAY, provider="google", characters=40, calls=1, cache_hits=0, failures=2),
        dict(guild_id=GUILD, day=TODAY, provider="cache", characters=0, calls=0, cache_hits=9, failures=0),
        dict(guild_id=GUILD, day=TODAY - timedelta(days=1), provider="deepl", characters=70, calls=1, cache_hits=0, failures=0),
        dict(guild_id=GUILD, day=TODAY - timedelta(days=30), provider="deepl", characters=999, calls=1, cache_hits=0, failures=5),
        dict(guild_id=OTHER_GUILD, day=TODAY, provider="deepl", characters=999, calls=1, cache_hits=0, failures=5),
    ]
    relays = [
        dict(guild_id=GUILD, day=TODAY, relays=4, posts=4, failures=3, lag_total_ms=0, lag_max_ms=0),
        dict(guild_id=GUILD, day=TODAY - timedelta(days=2), relays=1, posts=1, failures=1, lag_total_ms=0, lag_max_ms=0),
        dict(guild_id=OTHER_GUILD, day=TODAY, relays=1, posts=1, failures=7, lag_total_ms=0, lag_max_ms=0),
    ]
    async with database.begin() as connection:
        await connection.execute(sa.insert(relayed_messages), rows)
        await connection.execute(sa.insert(translation_usage), usage)
        await connection.execute(sa.insert(bridge_relay_days), relays)

    stats = await stats_by_day(database, GUILD, last_day=TODAY)

    assert len(stats.days) == 30 and stats.days[0] == TODAY - timedelta(days=29) and stats.days[-1] == TODAY
    assert stats.messages[WRITTEN_IN_ENGLISH][-1] == 1 and stats.messages[WRITTEN_IN_ENGLISH][0] == 1
    assert sum(stats.messages[WRITTEN_IN_ENGLISH]) == 2
    assert stats.messages[WRITTEN_IN_CHINESE][-2:] == [1, 1] and sum(stats.messages[WRITTEN_IN_CHINESE]) == 2
    assert stats.messages[AS_WRITTEN][-1] == 1 and sum(stats.messages[AS_WRITTEN]) == 1
    assert list(stats.characters) == ["deepl", "google"]  # no "cache": it sends nothing to a provider
    assert stats.characters["deepl"][-2:] == [70, 500] and sum(stats.characters["deepl"]) == 570
    assert stats.characters["google"][-1] == 40
    assert stats.translation_failures[-1] == 3 and sum(stats.translation_failures) == 3
    assert stats.relay_failures[-3:] == [1, 0, 3] and sum(stats.relay_failures) == 4
    assert not stats.empty


async def test_a_quiet_server_has_thirty_empty_days(database) -> None:
    stats = await stats_by_day(database, GUILD, last_day=TODAY)
    assert stats.empty and len(stats.days) == 30 and stats.characters == {}
