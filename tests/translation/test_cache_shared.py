"""The translation cache shared by several processes: each has its own memory layer and database
pool (a `Database` each here, as in separate processes), the stored layer is common."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.translation.service import TranslationService
from bot.translation.settings import TranslationSettings
from bot.translation.store import CachedTranslation, SqlTranslationStore
from tests.conftest import DatabaseTarget
from tests.translation.fake_servers import translator_env
from tests.translation.helpers import sample_pairs

NOW = datetime(2026, 5, 4, 10, tzinfo=UTC)


async def test_a_translation_made_in_one_process_is_a_cache_hit_in_another(
    database_target: DatabaseTarget, http_session, fake_google, fake_dictionary,
) -> None:
    first_db, second_db = await database_target.open(), await database_target.open(migrate=False)
    settings = TranslationSettings.from_env(translator_env(fake_google))
    first = TranslationService(settings, http_session, SqlTranslationStore(first_db))
    second = TranslationService(settings, http_session, SqlTranslationStore(second_db))
    try:
        pairs = sample_pairs(fake_dictionary, 3)
        for english, _ in pairs:
            await first.translate([english], "en", "zh-Hans", guild_id=1)
        await first.drain()  # written to the shared layer
        results = [await second.translate([english], "en", "zh-Hans", guild_id=2) for english, _ in pairs]
        assert [result.texts for result in results] == [[chinese] for _, chinese in pairs]
        assert all(result.cached for result in results)
        assert fake_google.request_count == 3  # only the first process asked the provider
        # Each process keeps its own memory layer: the second read the stored layer once per text.
        again = await second.translate([pairs[0][0]], "en", "zh-Hans", guild_id=2)
        assert again.cached and fake_google.request_count == 3
    finally:
        await first.aclose()
        await second.aclose()
        await first_db.close()
        await second_db.close()


async def test_processes_writing_the_same_translations_at_once_never_deadlock(database_target: DatabaseTarget) -> None:
    """Two processes translating the same surge write overlapping keys in different orders; rows are
    written in key order, so neither waits on a row lock the other holds while holding one it needs."""
    first_db, second_db = await database_target.open(), await database_target.open(migrate=False)
    first, second = SqlTranslationStore(first_db), SqlTranslationStore(second_db)
    try:
        for round_number in range(10):
            entries = [
                CachedTranslation(f"{round_number:02d}{index:062d}", "en", "zh-Hans", f"译文 {index}", "google", NOW)
                for index in range(120)
            ]
            await asyncio.gather(first.put_translations(entries), second.put_translations(entries[::-1]))
        stored = await first.get_translations([f"09{index:062d}" for index in range(120)])
        assert len(stored) == 120
    finally:
        await first_db.close()
        await second_db.close()
