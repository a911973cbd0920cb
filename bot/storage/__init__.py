"""Storage on SQLite (aiosqlite) or PostgreSQL (asyncpg) through SQLAlchemy 2 async Core.

SQLAlchemy compiles one set of Core queries for both dialects, so there is no hand-written
switch between SQL dialects; the one place dialects differ (insert-or-update) is `upsert()`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.errors import StartupError
from bot.storage import migrations
from bot.storage.outages import OutageLog, is_transient
from bot.storage.schema import metadata, schema_version
from bot.storage.sqlite_reader import SqliteReader
from bot.storage.sqlite_writer import Batch, SqliteWriter

log = logging.getLogger(__name__)

__all__ = ["Database", "DatabaseStillUnavailable", "DatabaseUnavailable", "metadata"]

# asyncpg waits 60 s for a server that accepts the connection but never answers; a start-up that
# hangs that long looks dead. Pool connections opened later get the same bound.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10


class DatabaseUnavailable(StartupError):
    """DATABASE_URL names a database Qiao cannot open; the message says which part to fix."""


T = TypeVar("T")
# Seconds between attempts while a running bot's database is unavailable (the last one repeats).
RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0)
# At close, how long a writer still in its transaction may take to end, and a connection left
# checked out to close.
CLOSE_WAIT_SECONDS = 2.0


class DatabaseStillUnavailable(Exception):
    """`Database.retrying` ran out of patience: the database is still unavailable (cause chained)."""


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # SQLite has one writer. Its busy handler polls with growing sleeps, so under several
        # writers (the bridge's copy map, the translation cache, usage counters at shutdown) one
        # can lose every retry until busy_timeout and fail with "database is locked". Writers of
        # this process queue here instead, first come first served.
        self._write_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        # Writers (and migrations) take SQLite's write lock at BEGIN; readers begin a deferred
        # transaction, which in WAL mode never waits for a writer nor holds one up.
        self._sqlite_write_engine = engine.execution_options(**{_SQLITE_WRITE: True})
        path = engine.url.database if engine.dialect.name == "sqlite" else None
        in_memory = not path or path == ":memory:" or "mode=memory" in str(engine.url)
        # Hot lookups on a SQLite file go in one thread round trip (see SqliteReader).
        self.sqlite_reader = SqliteReader(path) if path and not in_memory else None
        # Batched writes (`write_batches`) on a SQLite file go in one thread round trip too.
        self.sqlite_writer = SqliteWriter(
            engine.url, on_connect=_configure_sqlite_connection, on_begin=_begin_sqlite_transaction,
            execution_options={_SQLITE_WRITE: True},
        ) if path and not in_memory else None
        url = engine.url
        label = url.database if engine.dialect.name == "sqlite" else f"{url.host}:{url.port or 5432}/{url.database}"
        self.outage = OutageLog(label or engine.dialect.name)
        self.retry_delays = RETRY_DELAYS
        # Pool records checked out now: the engine's dispose at close leaves these open.
        self._checked_out: set[Any] = set()
        sa.event.listen(engine.sync_engine, "checkout", self._on_checkout)
        sa.event.listen(engine.sync_engine, "checkin", self._on_checkin)
        self._closed = False

    @classmethod
    async def open(cls, url: str, *, migrate: bool = True, **engine_options: Any) -> Database:
        _check_sqlite_folder(url)
        defaults = _engine_options(url)
        connect_args = {**defaults.get("connect_args", {}), **engine_options.get("connect_args", {})}
        options = {**defaults, **engine_options, "connect_args": connect_args}
        engine = create_async_engine(url, **options)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
            sa.event.listen(engine.sync_engine, "begin", _begin_sqlite_transaction)
        database = cls(engine)
        try:
            if migrate:
                await database.migrate()
        except Exception as error:
            await engine.dispose()
            explained = explain_connection_failure(error, url, connect_timeout=connect_args.get("timeout"))
            if explained is None:
                raise
            raise explained from error
        except BaseException:
            await engine.dispose()
            raise
        return database

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        if self._write_turn is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self._write_turn, self._sqlite_write_engine.begin() as connection:
            yield connection

    async def write_batches(self, batches: Sequence[Batch]) -> None:
        """Run each (statement, rows) once over its rows (executemany), all in one transaction.
        On a SQLite file: in one trip to the writer's thread (`SqliteWriter`), queued behind this
        process's other writers like any `begin()`."""
        if self.sqlite_writer is None:
            async with self.begin() as connection:
                for statement, rows in batches:
                    if rows:
                        await connection.execute(statement, list(rows))
            return
        async with self._write_turn:
            await self.sqlite_writer.write(batches)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as connection:
            yield connection

    async def retrying(
        self, operation: Callable[[], Awaitable[T]], *, doing: str, patience: float | None = None,
    ) -> T:
        """`await operation()`, again and again while the database is unavailable (a restart, a
        dropped connection, a full disk); other errors are raised at once. After `patience`
        seconds (None: no limit) raises DatabaseStillUnavailable. `operation` runs whole each time, so
        it must be one transaction that is safe to repeat (the commit of a cut connection may have
        happened: write with `insert_new`/`upsert`)."""
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                result = await operation()
            except Exception as error:
                if not is_transient(error):
                    raise
                self.outage.failed(error, doing)
                if patience is not None and time.monotonic() - started >= patience:
                    raise DatabaseStillUnavailable(f"database unavailable for {patience:.0f} s while {doing}") from error
                delay = self.retry_delays[min(attempt, len(self.retry_delays) - 1)]
                attempt += 1
                if patience is not None:
                    delay = min(delay, max(patience - (time.monotonic() - started), 0.0))
                await asyncio.sleep(delay)
                continue
            self.outage.succeeded(doing, after_retrying=attempt > 0)
            return result

    def insert_new(self, table: sa.Table, keys: Sequence[str]) -> sa.Executable:
        """An insert (for one or many rows) that skips rows whose `keys` exist already."""
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        return dialect_insert(table).on_conflict_do_nothing(index_elements=list(keys))

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
        async with (self._sqlite_write_engine if self.dialect == "sqlite" else self.engine).begin() as connection:
            if self.dialect == "postgresql":
                # Two processes starting together (a deploy overlap) must not both migrate.
                await connection.execute(sa.text("SELECT pg_advisory_xact_lock(7151992)"))
            return await connection.run_sync(_apply_pending, chosen)

    def _on_checkout(self, _dbapi_connection, record, _proxy) -> None:
        self._checked_out.add(record)

    def _on_checkin(self, _dbapi_connection, record) -> None:
        self._checked_out.discard(record)

    async def close(self) -> None:
        """Close every connection, those still checked out included.

        The engine's dispose closes only the connections in its pool. One still checked out by a
        task left in the middle of a write transaction (abandoned, or not yet back from a
        cancellation) kept SQLite's write lock until the garbage collector found it: the next bot
        on the same file could not write (its shutdown lost copy-map rows) nor migrate, and the
        collector warned of a connection never checked in. So writers still in their transaction
        get CLOSE_WAIT_SECONDS to end, then what is still checked out is closed under its task."""
        if self._closed:
            return
        self._closed = True
        took_turn = await self._wait_for_writers()
        try:
            if self.sqlite_reader is not None:
                await self.sqlite_reader.close()
            if self.sqlite_writer is not None:
                await self.sqlite_writer.close()
            await self.engine.dispose()
            await self._close_checked_out()
        finally:
            if took_turn:
                self._write_turn.release()

    async def _wait_for_writers(self) -> bool:
        if self._write_turn is None:
            return False
        try:
            async with asyncio.timeout(CLOSE_WAIT_SECONDS):
                await self._write_turn.acquire()
        except TimeoutError:
            log.warning("a database writer was still in its transaction %g s after close began", CLOSE_WAIT_SECONDS)
            return False
        return True

    async def _close_checked_out(self) -> None:
        left = list(self._checked_out)
        if not left:
            return
        log.warning("closing %d database connections still in use at close", len(left))
        for record in left:
            driver = record.driver_connection
            try:
                async with asyncio.timeout(CLOSE_WAIT_SECONDS):
                    await driver.close()  # aiosqlite and asyncpg: rolls back what it was doing
            except Exception as error:
                log.warning("a database connection in use at close did not close cleanly: %s: %s", type(error).__name__, error)
            # The pool forgets it: the task that had it meets a closed connection, and the
            # collector has nothing left to clean up.
            record.invalidate()
            self._checked_out.discard(record)


def latest_version() -> int:
    known = migrations.discover()
    return known[-1].version if known else 0


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {}
    return {
        "pool_size": 5, "max_overflow": 5, "pool_pre_ping": True,
        "connect_args": {"timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS},
    }


# SQLSTATE codes PostgreSQL answers a connection with, and what the self-hoster changes for each.
_POSTGRES_REFUSALS = {
    "3D000": "create it (createdb {database}) or correct the database name at the end of DATABASE_URL",
    "28P01": "correct the user name and password in DATABASE_URL",
    "28000": "correct the user name in DATABASE_URL, or allow this user and host in the server's pg_hba.conf",
    "42501": "grant this user the right to connect and to create tables (GRANT ALL ON DATABASE {database} TO {user}; "
             "on PostgreSQL 15+ also GRANT ALL ON SCHEMA public TO {user}), or use the database owner in DATABASE_URL",
    "53300": "the server has no free connection slots: close other clients or raise max_connections, then start again",
    "57P03": "the server is starting up or shutting down: start Qiao again in a moment",
}


def explain_connection_failure(
    error: BaseException, url: str, *, connect_timeout: float | None = POSTGRES_CONNECT_TIMEOUT_SECONDS
) -> DatabaseUnavailable | None:
    """One line for an error met while opening DATABASE_URL, or None when it is not about reaching the database."""
    target = sa.engine.make_url(url)
    if target.get_backend_name() == "sqlite":
        return _explain_sqlite_failure(error, target.database or "")
    where = f"{target.host or 'localhost'}:{target.port or 5432}"
    names = {"database": target.database or "?", "user": target.username or "?"}
    for cause in _causes(error):
        sqlstate = getattr(cause, "sqlstate", None)
        if sqlstate in _POSTGRES_REFUSALS:
            server_says = str(cause).strip().splitlines()[0]
            return DatabaseUnavailable(
                f"PostgreSQL at {where} refused DATABASE_URL: {server_says}",
                _capitalised(_POSTGRES_REFUSALS[sqlstate].format(**names)),
            )
        if isinstance(cause, socket.gaierror):
            return DatabaseUnavailable(
                f"the database host {target.host!r} in DATABASE_URL was not found ({cause.strerror})",
                "Correct the host name in DATABASE_URL",
            )
        if isinstance(cause, ConnectionRefusedError):
            return DatabaseUnavailable(
                f"nothing accepts connections at {where}, the PostgreSQL server in DATABASE_URL (connection refused)",
                "Start PostgreSQL there, or correct the host and port in DATABASE_URL",
            )
        if isinstance(cause, TimeoutError):
            return DatabaseUnavailable(
                f"the PostgreSQL server at {where} in DATABASE_URL did not answer"
                + (f" within {connect_timeout:g} s" if connect_timeout else ""),
                "Check that PostgreSQL runs there and that no firewall drops the connection, "
                "or correct the host and port in DATABASE_URL",
            )
        if isinstance(cause, OSError):
            return DatabaseUnavailable(
                f"cannot connect to the PostgreSQL server at {where} in DATABASE_URL ({cause})",
                "Check that PostgreSQL runs there and accepts connections, and the host, port and ssl "
                "settings in DATABASE_URL",
            )
    return None


def _check_sqlite_folder(url: str) -> None:
    """Refuse an SQLite path whose folder is missing or not writable before aiosqlite tries it: its
    worker thread outlives a failed connect and then prints a traceback of its own."""
    target = sa.engine.make_url(url)
    if target.get_backend_name() != "sqlite" or target.database in (None, "", ":memory:"):
        return
    if target.database.startswith("file:"):
        return
    path = os.path.abspath(target.database)
    folder = os.path.dirname(path)
    usable = os.access(path, os.R_OK | os.W_OK) if os.path.exists(path) else os.access(folder, os.W_OK | os.X_OK)
    if not usable:
        raise _sqlite_file_unusable(target.database)


def _sqlite_file_unusable(path: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"cannot open the SQLite file {path!r} named by DATABASE_URL",
        "Create its folder and let Qiao's user write there, or point DATABASE_URL at a writable path "
        "(sqlite:///path/to/file)",
    )


def _explain_sqlite_failure(error: BaseException, path: str) -> DatabaseUnavailable | None:
    for cause in _causes(error):
        message = str(cause)
        if "unable to open database file" in message:
            return _sqlite_file_unusable(path)
        if "readonly database" in message:
            return DatabaseUnavailable(
                f"the SQLite file {path!r} named by DATABASE_URL is read-only",
                "Let Qiao's user write to the file and its folder, or point DATABASE_URL at a writable path",
            )
        if "file is not a database" in message:
            return DatabaseUnavailable(
                f"{path!r}, named by DATABASE_URL, is not an SQLite database",
                "Point DATABASE_URL at Qiao's database file (sqlite:///path/to/file) or at a new path",
            )
    return None


def _causes(error: BaseException):
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


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


_SQLITE_WRITE = "qiao_sqlite_write"


def _begin_sqlite_transaction(connection: sa.Connection) -> None:
    # Every read took the write lock too while all transactions began IMMEDIATE: reads queued
    # behind writes (and writes behind reads, beyond the writers' own queue) at the busy handler's
    # growing sleeps, the relay's p99 latency in the hundreds of ms and "database is locked".
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(_SQLITE_WRITE) else "BEGIN")


def _read_version(connection: sa.Connection) -> int:
    if not sa.inspect(connection).has_table("schema_version"):
        return 0
    return connection.execute(sa.select(schema_version.c.version)).scalar_one_or_none() or 0


def _apply_pending(connection: sa.Connection, chosen: list[migrations.Migration]) -> int:
    schema_version.create(connection, checkfirst=True)
    current = _read_version(connection)
    pending = [migration for migration in chosen if migration.version > current]
    if pending:
        # Alembic (with Mako and Pygments, ~10 MB) is imported only when there is something to apply.
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        operations = Operations(MigrationContext.configure(connection))
    for migration in pending:
        log.info("applying migration %s", migration.name)
        migration.upgrade(operations)
        current = migration.version
    row_exists = connection.execute(sa.select(schema_version.c.id)).first() is not None
    if row_exists:
        connection.execute(sa.update(schema_version).values(version=current))
    else:
        connection.execute(sa.insert(schema_version).values(id=1, version=current))
    return current
