"""SELECTs on a SQLite file in one trip to a thread of their own.

A read through the async engine costs about eight thread round trips (pool checkout, BEGIN,
cursor, execute, fetch, close, reset on return) between the event loop and aiosqlite's thread:
1.8 ms of CPU for a one-row lookup, more than the rest of a relayed message. The translation
cache is looked up for every message, so its lookups come here: one statement and its rows in
one trip, on a read-only connection (WAL: it never waits for a writer nor holds one up).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

BUSY_TIMEOUT_MS = 5000


class SqliteReader:
    def __init__(self, path: str) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-reader")
        self._connection: sqlite3.Connection | None = None  # used in the executor's thread only
        self._closed = False

    @property
    def connected(self) -> bool:
        return self._connection is not None

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._fetch_all, sql, tuple(params))

    def _fetch_all(self, sql: str, params: tuple) -> list[tuple]:
        if self._closed:
            # A lookup queued before close: it must not open a connection nobody would close.
            raise sqlite3.ProgrammingError("the SQLite reader is closed")
        if self._connection is None:
            connection = sqlite3.connect(self.path, check_same_thread=False)
            try:
                connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                connection.execute("PRAGMA query_only=ON")
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        # A SELECT opens no transaction in the sqlite3 module: each sees the latest commit.
        return self._connection.execute(sql, params).fetchall()

    async def close(self) -> None:
        if self._closed:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._close)
        finally:
            self._executor.shutdown(wait=False)

    def _close(self) -> None:
        self._closed = True
        if self._connection is not None:
            self._connection.close()
            self._connection = None
