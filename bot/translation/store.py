"""Where cached translations and usage counters persist.

``SqlTranslationStore`` uses the bot's database (bot.storage); ``MemoryTranslationStore`` keeps
everything in the process, for tests and for running without a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.translation.usage import UsageCounts, UsageKey

if TYPE_CHECKING:
    from bot.storage import Database


@dataclass(frozen=True)
class CachedTranslation:
    key: str
    source: str
    target: str
    text: str
    provider: str
    created_at: datetime


class TranslationStore(Protocol):
    async def get_translations(self, keys: Sequence[str]) -> dict[str, str]: ...

    async def put_translations(self, entries: Sequence[CachedTranslation]) -> None: ...

    async def add_usage(self, counts: Mapping[UsageKey, UsageCounts]) -> None: ...

    async def usage(self, guild_id: int, first_day: date, last_day: date) -> dict[str, UsageCounts]:
        """Totals per provider for the days first_day..last_day inclusive."""
        ...

    async def prune_translations(self, older_than: datetime) -> int: ...


class MemoryTranslationStore:
    def __init__(self) -> None:
        self.translations: dict[str, CachedTranslation] = {}
        self.usage_rows: dict[UsageKey, UsageCounts] = {}

    async def get_translations(self, keys: Sequence[str]) -> dict[str, str]:
        return {key: self.translations[key].text for key in keys if key in self.translations}

    async def put_translations(self, entries: Sequence[CachedTranslation]) -> None:
        for entry in entries:
            self.translations[entry.key] = entry

    async def add_usage(self, counts: Mapping[UsageKey, UsageCounts]) -> None:
        for key, delta in counts.items():
            self.usage_rows.setdefault(key, UsageCounts()).add(delta)

    async def usage(self, guild_id: int, first_day: date, last_day: date) -> dict[str, UsageCounts]:
        totals: dict[str, UsageCounts] = {}
        for (row_guild, day, provider), counts in self.usage_rows.items():
            if row_guild == guild_id and first_day <= day <= last_day:
                totals.setdefault(provider, UsageCounts()).add(counts)
        return totals

    async def prune_translations(self, older_than: datetime) -> int:
        old = [key for key, entry in self.translations.items() if entry.created_at < older_than]
        for key in old:
            del self.translations[key]
        return len(old)


class SqlTranslationStore:
    # SQLite allows 999 bound parameters per statement in old builds; stay well below.
    _KEYS_PER_QUERY = 500
    _ROWS_PER_UPSERT = 150  # 6 parameters a row

    def __init__(self, database: Database) -> None:
        from bot.translation.tables import translation_cache, translation_usage

        self._db = database
        self._cache = translation_cache
        self._usage = translation_usage
        self._upsert: Any = None
        self._lookup_sqls: dict[int, str] = {}

    # The cache and usage never wait for an unavailable database (patience 0): the database logs
    # the outage once and the call raises DatabaseStillUnavailable, which the service shrugs off.
    async def get_translations(self, keys: Sequence[str]) -> dict[str, str]:
        return await self._db.retrying(lambda: self._get_translations(keys), doing="reading the translation cache", patience=0)

    async def put_translations(self, entries: Sequence[CachedTranslation]) -> None:
        await self._db.retrying(lambda: self._put_translations(entries), doing="writing the translation cache", patience=0)

    async def add_usage(self, counts: Mapping[UsageKey, UsageCounts]) -> None:
        await self._db.retrying(lambda: self._add_usage(counts), doing="writing translation usage", patience=0)

    async def _get_translations(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        reader = self._db.sqlite_reader
        if reader is not None:  # looked up for every message: one thread round trip (SqliteReader)
            for start in range(0, len(keys), self._KEYS_PER_QUERY):
                batch = list(keys[start : start + self._KEYS_PER_QUERY])
                found.update(await reader.fetch_all(self._lookup_sql(len(batch)), batch))
            return found
        async with self._db.connect() as conn:
            for start in range(0, len(keys), self._KEYS_PER_QUERY):
                batch = list(keys[start : start + self._KEYS_PER_QUERY])
                rows = await conn.execute(
                    sa.select(self._cache.c.key, self._cache.c.text).where(self._cache.c.key.in_(batch))
                )
                found.update({row.key: row.text for row in rows})
        return found

    def _lookup_sql(self, count: int) -> str:
        """The lookup of `count` keys as SQLite SQL, compiled from the same Core query once per count."""
        sql = self._lookup_sqls.get(count)
        if sql is None:
            placeholders = [f"key{index}" for index in range(count)]
            statement = sa.select(self._cache.c.key, self._cache.c.text).where(self._cache.c.key.in_(placeholders))
            compiled = statement.compile(dialect=self._db.engine.dialect, compile_kwargs={"render_postcompile": True})
            # The keys are the only parameters, in the order given.
            assert [compiled.params[name] for name in compiled.positiontup] == placeholders
            sql = self._lookup_sqls[count] = str(compiled)
        return sql

    async def _put_translations(self, entries: Sequence[CachedTranslation]) -> None:
        # A key appears once per batch (the last entry for it wins). Rows go in key order: processes
        # sharing the database then lock overlapping rows in the same order, and two writing the
        # same surge's translations never deadlock.
        rows = sorted({
            entry.key: {
                "key": entry.key, "source": entry.source, "target": entry.target,
                "text": entry.text, "provider": entry.provider, "created_at": entry.created_at,
            }
            for entry in entries
        }.values(), key=lambda row: row["key"])
        if not rows:
            return
        # One short transaction per chunk: SQLite has a single write lock, and a backlog of
        # thousands of rows in one transaction (at shutdown after a surge) held it long enough for
        # the bridge's and usage writers to fail with "database is locked".
        # One upsert statement run over each chunk's rows (executemany): compiled once and cached,
        # where a multi-row VALUES statement was compiled afresh for every chunk.
        # On a SQLite file each chunk is one trip to the database's writer thread (write_batches).
        statement = self._upsert_statement()
        for start in range(0, len(rows), self._ROWS_PER_UPSERT):
            await self._db.write_batches([(statement, rows[start : start + self._ROWS_PER_UPSERT])])

    def _upsert_statement(self) -> Any:
        if self._upsert is None:
            dialect_insert = postgresql.insert if self._db.dialect == "postgresql" else sqlite.insert
            statement = dialect_insert(self._cache)
            self._upsert = statement.on_conflict_do_update(
                index_elements=["key"],
                set_={name: statement.excluded[name] for name in ("source", "target", "text", "provider", "created_at")},
            )
        return self._upsert

    async def _add_usage(self, counts: Mapping[UsageKey, UsageCounts]) -> None:
        if not counts:
            return
        async with self._db.begin() as conn:
            # In key order, as translations are written: no deadlock between processes.
            for (guild_id, day, provider), delta in sorted(counts.items(), key=lambda item: item[0]):
                await conn.execute(self._increment(conn.dialect.name, guild_id, day, provider, delta))

    def _increment(self, dialect: str, guild_id: int, day: date, provider: str, delta: UsageCounts) -> Any:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            raise RuntimeError(f"unsupported database dialect {dialect!r}")
        table = self._usage
        statement = insert(table).values(
            guild_id=guild_id, day=day, provider=provider, characters=delta.characters,
            calls=delta.calls, cache_hits=delta.cache_hits, failures=delta.failures,
        )
        counters = ("characters", "calls", "cache_hits", "failures")
        return statement.on_conflict_do_update(
            index_elements=["guild_id", "day", "provider"],
            set_={name: table.c[name] + statement.excluded[name] for name in counters},
        )

    async def usage(self, guild_id: int, first_day: date, last_day: date) -> dict[str, UsageCounts]:
        table = self._usage
        query = (
            sa.select(
                table.c.provider,
                sa.func.sum(table.c.characters), sa.func.sum(table.c.calls),
                sa.func.sum(table.c.cache_hits), sa.func.sum(table.c.failures),
            )
            .where(table.c.guild_id == guild_id, table.c.day >= first_day, table.c.day <= last_day)
            .group_by(table.c.provider)
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {
            provider: UsageCounts(int(characters or 0), int(calls or 0), int(hits or 0), int(failures or 0))
            for provider, characters, calls, hits, failures in rows
        }

    async def prune_translations(self, older_than: datetime) -> int:
        async with self._db.begin() as conn:
            result = await conn.execute(sa.delete(self._cache).where(self._cache.c.created_at < older_than))
        return result.rowcount or 0
