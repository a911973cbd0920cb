"""Batched writes to a SQLite file in one trip to a thread of their own.

A write transaction through the async engine costs about ten thread round trips between the event
loop and aiosqlite's thread (pool checkout, BEGIN, cursor, executemany, close, COMMIT, reset on
return), each through a greenlet: about 2.5 ms of CPU for ten rows, more than relaying the ten
messages they record. The copy map, combined-post lines and the translation cache write what a
short window gathered here instead: BEGIN IMMEDIATE, one executemany per statement, COMMIT, all
in one job on one thread, through SQLAlchemy's synchronous engine (the same Core statements,
compiled and cached by the same SQLite dialect, the same connection set-up: WAL, busy timeout,
foreign keys). About 1 ms of CPU for the same ten rows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa

# (statement, rows): the statement is executed once over all rows (executemany).
Batch = tuple[sa.Executable, Sequence[dict[str, Any]]]


class SqliteWriter:
    def __init__(self, url: sa.URL, *, on_connect, on_begin, execution_options: dict[str, Any]) -> None:
        """`url` is the async engine's (sqlite+aiosqlite); `on_connect(dbapi_connection, record)`
        and `on_begin(connection)` (given `execution_options`) set connections and transactions up
        as the async engine's writers are."""
        # The standard library's sqlite3 (pysqlite), which aiosqlite runs in its thread too.
        self.engine = sa.create_engine(url.set(drivername="sqlite"), pool_size=1, max_overflow=0)
        sa.event.listen(self.engine, "connect", on_connect)
        sa.event.listen(self.engine, "begin", on_begin)
        self._writing_engine = self.engine.execution_options(**execution_options)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")

    async def write(self, batches: Sequence[Batch]) -> None:
        """Run `batches` in one transaction in the writer's thread. When the caller is cancelled,
        the job still runs to its end (commit or rollback) before the cancellation goes on: whoever
        writes next must not find the write lock held by a job nobody waits for."""
        job = asyncio.get_running_loop().run_in_executor(self._executor, self._write, batches)
        try:
            await asyncio.shield(job)
        except asyncio.CancelledError:
            await asyncio.wait([job])
            raise

    def _write(self, batches: Sequence[Batch]) -> None:
        with self._writing_engine.begin() as connection:
            for statement, rows in batches:
                if rows:
                    connection.execute(statement, list(rows))

    async def close(self) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self.engine.dispose)
        finally:
            self._executor.shutdown(wait=False)
