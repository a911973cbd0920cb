"""The database-backed store on SQLite and PostgreSQL (fixture ``database`` from tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.translation.service import TranslationService
from bot.translation.settings import TranslationSettings
from bot.translation.store import CachedTranslation, SqlTranslationStore
from bot.translation.usage import UsageCounts
from tests.translation.fake_servers import translator_env
from tests.translation.helpers import sample_pairs

NOW = datetime(2026, 5, 4, 10, tzinfo=UTC)


async def test_translations_round_trip_and_overwrite(database) -> None:
    store = SqlTranslationStore(database)
    entry = CachedTranslation("a" * 64, "en", "zh-Hans", "你好", "google", NOW)
    await store.put_translations([entry])
    await store.put_translations([CachedTranslation("a" * 64, "en", "zh-Hans", "您好", "deepl", NOW)])
    assert await store.get_translations(["a" * 64, "b" * 64]) == {"a" * 64: "您好"}


async def test_usage_increments_and_sums_by_provider(database) -> None:
    store = SqlTranslationStore(database)
    today = date(2026, 5, 4)
    await store.add_usage({(7, today, "deepl"): UsageCounts(characters=10, calls=1)})
    await store.add_usage({(7, today, "deepl"): UsageCounts(characters=5, calls=1, failures=1),
                           (7, today - timedelta(days=40), "deepl"): UsageCounts(calls=100),
                           (8, today, "deepl"): UsageCounts(calls=100),
                           (7, today, "cache"): UsageCounts(cache_hits=3)})
    usage = await store.usage(7, today - timedelta(days=29), today)
    assert usage == {"deepl": UsageCounts(15, 2, 0, 1), "cache": UsageCounts(0, 0, 3, 0)}


async def test_prune_removes_old_translations(database) -> None:
    store = SqlTranslationStore(database)
    await store.put_translations([
        CachedTranslation("o" * 64, "en", "en", "old", "google", NOW - timedelta(days=100)),
        CachedTranslation("n" * 64, "en", "en", "new", "google", NOW),
    ])
    assert await store.prune_translations(NOW - timedelta(days=30)) == 1
    assert await store.get_translations(["o" * 64, "n" * 64]) == {"n" * 64: "new"}


async def test_cache_survives_a_restart(database, http_session, fake_google, fake_dictionary) -> None:
    english, chinese = sample_pairs(fake_dictionary, 1)[0]
    settings = TranslationSettings.from_env(translator_env(fake_google))
    first = TranslationService(settings, http_session, SqlTranslationStore(database))
    await first.translate([english], "en", "zh-Hans", guild_id=3)
    await first.aclose()  # waits for the background cache write and usage flush

    second = TranslationService(settings, http_session, SqlTranslationStore(database))
    result = await second.translate([english], "en", "zh-Hans", guild_id=3)
    assert result.cached and result.texts == [chinese]
    assert fake_google.request_count == 1
    stats = await second.usage_stats(3, days=30)
    assert stats.by_provider["google"].calls == 1 and stats.by_provider["cache"].cache_hits == 1
    await second.aclose()


async def test_a_lookup_of_many_keys_finds_every_stored_one(database) -> None:
    store = SqlTranslationStore(database)
    stored = [CachedTranslation(f"{index:064d}", "en", "zh-Hans", f"译 {index}", "google", NOW) for index in range(1200)]
    await store.put_translations(stored)
    wanted = [entry.key for entry in stored] + [f"missing-{index}" for index in range(100)]
    assert await store.get_translations(wanted) == {entry.key: entry.text for entry in stored}
    # On a SQLite file the lookups take one thread round trip each (bot/storage/sqlite_reader.py).
    assert (database.sqlite_reader is not None) == (database.dialect == "sqlite")
