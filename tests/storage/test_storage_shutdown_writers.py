"""Shutdown on SQLite: the bridge's copy-map flush, the translation-cache batch and the usage
flush write at the same time (after a surge) without "database is locked"."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from bot.bridge.models import CopyRecord
from bot.bridge.remember.store import BridgeStore
from bot.storage import Database
from bot.translation.store import CachedTranslation, SqlTranslationStore
from bot.translation.usage import UsageCounts

# Far below the bot's 5 s: a writer holding the lock for one long transaction makes the others
# give up, which is what a slow disk after a 100,000-message run did at 5 s.
SHORT_BUSY_TIMEOUT_MS = 300


async def test_copy_map_cache_batch_and_usage_flush_write_together_without_lock_errors(tmp_path: Path) -> None:
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'qiao.sqlite3'}")

    def short_busy_timeout(dbapi_connection, _record) -> None:
        dbapi_connection.cursor().execute(f"PRAGMA busy_timeout={SHORT_BUSY_TIMEOUT_MS}")

    sa.event.listen(db.engine.sync_engine, "connect", short_busy_timeout)
    await db.engine.dispose()  # reconnect with the short timeout
    try:
        copies = BridgeStore(db)
        translations = SqlTranslationStore(db)
        now = datetime.now(UTC)
        await copies.record_copies([
            CopyRecord(n, 10, 42, 5, 1_000_000 + n, 20, 900, 0, "zh-Hans", "h", False) for n in range(1, 5001)
        ])
        cache_batch = [CachedTranslation(f"{n:064d}", "en", "zh-Hans", f"译文 {n}" * 5, "google", now) for n in range(8_000)]
        usage = {(guild, date(2026, 5, 4), "google"): UsageCounts(characters=10, calls=1) for guild in range(300)}

        async def usage_flushes() -> None:
            for _ in range(20):
                await translations.add_usage(usage)
                await asyncio.sleep(0)

        await asyncio.gather(copies.close(), translations.put_translations(cache_batch), usage_flushes())

        assert len(await copies.copies_of_many(list(range(1, 5001)))) == 5000
        assert len(await translations.get_translations([entry.key for entry in cache_batch])) == 8_000
        assert (await translations.usage(7, date(2026, 5, 4), date(2026, 5, 4)))["google"].calls == 20
    finally:
        await db.close()
