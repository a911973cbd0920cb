"""Storage on SQLite (aiosqlite) or PostgreSQL (asyncpg) through SQLAlchemy 2 async Core.

SQLAlchemy compiles one set of Core queries for both dialects, so there is no hand-written
switch between SQL dialects; the one place dialects differ (insert-or-update) is `upsert()`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.storage import migrations
from bot.storage.schema import metadata, schema_version

log = logging.getLogger(__name__)

__all__ = ["Database", "metadata"]


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # SQLite has one writer. Its busy handler polls with growing sleeps, so under several
        # writers (the bridge's copy map, the translation cache, usage counters at shutdown) one
        # can lose every retry until busy_timeout and fail with "database is locked". Writers of
        # this process queue here instead, first come first served.
        self._sqlite_writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    async def open(cls, url: str, *, migrate: bool = True, **engine_options: Any) -> Database:
        engine = create_async_engine(url, **_engine_options(url), **engine_options)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
            sa.event.listen(engine.sync_engine, "begin", _begin_sqlite_immediately)
        database = cls(engine)
        try:
            if migrate:
                await database.migrate()
        except BaseException:
            await engine.dispose()
            raise
        return database

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        if self._sqlite_writer is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self._sqlite_writer, self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as connection:
            yield connection

    def upsert(self, table: sa.Table, values: dict[str, Any], keys: Sequence[str]) -> sa.Executable:
        """An insert that updates the row with the same `keys` instead of failing."""
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = dialect_insert(table).values(**values)
        updates = {name: statement.excluded[name] for name in values if name not in keys}
        if not updates:
            return statement.on_conflict_do_nothing(index_elements=list(keys))
        return statement.on_conflict_do_update(index_elements=list(keys), set_=updates)

    async def current_version(self) -> int:
        async with self.engine.connect() as connection:
            return await connection.run_sync(_read_version)

    async def migrate(self, *, up_to: int | None = None, available: list[migrations.Migration] | None = None) -> int:
        """Apply pending migrations in one transaction; returns the resulting version."""
        chosen = [
            migration
            for migration in (available if available is not None else migrations.discover())
            if up_to is None or migration.version <= up_to
        ]
        async with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                # Two processes starting together (a deploy overlap) must not both migrate.
                await connection.execute(sa.text("SELECT pg_advisory_xact_lock(7151992)"))
            return await connection.run_sync(_apply_pending, chosen)

    async def close(self) -> None:
        await self.engine.dispose()


def latest_version() -> int:
    known = migrations.discover()
    return known[-1].version if known else 0


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {}
    return {"pool_size": 5, "max_overflow": 5, "pool_pre_ping": True}


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # The sqlite3 module's own transaction handling skips DDL and defers locks; turning it off
    # and issuing BEGIN IMMEDIATE ourselves makes migrations atomic and lets concurrent writers
    # wait on busy_timeout instead of failing with "database is locked" on lock upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _begin_sqlite_immediately(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _read_version(connection: sa.Connection) -> int:
    if not sa.inspect(connection).has_table("schema_version"):
        return 0
    return connection.execute(sa.select(schema_version.c.version)).scalar_one_or_none() or 0


def _apply_pending(connection: sa.Connection, chosen: list[migrations.Migration]) -> int:
    schema_version.create(connection, checkfirst=True)
    current = _read_version(connection)
    operations = Operations(MigrationContext.configure(connection))
    for migration in chosen:
        if migration.version <= current:
            continue
        log.info("applying migration %s", migration.name)
        migration.upgrade(operations)
        current = migration.version
    row_exists = connection.execute(sa.select(schema_version.c.id)).first() is not None
    if row_exists:
        connection.execute(sa.update(schema_version).values(version=current))
    else:
        connection.execute(sa.insert(schema_version).values(id=1, version=current))
    return current
