"""Rows written shortly after they are recorded, in short transactions, kept until written.

Hot paths (a copy posted, a combined post sent) must not wait for the database, nor lose what
they recorded when the database is unavailable for a while: they `add` rows and go on. A
background writer writes them within `delay` seconds, in chunks, and while the database is
unavailable keeps them in memory and retries (`Database.retrying`). Readers `flush()` first so
they always see what was recorded. Rows given as statements and their rows (`batches`) are written
by `Database.write_batches`: on SQLite in one trip to its writer thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import Database, DatabaseStillUnavailable
from bot.storage.sqlite_writer import Batch

log = logging.getLogger(__name__)

T = TypeVar("T")

WRITE_DELAY = 0.05
ROWS_PER_TRANSACTION = 500
# At shutdown an unavailable database is waited for this long (platforms kill 30 s after SIGTERM).
CLOSE_PATIENCE = 3.0


class WriteBuffer(Generic[T]):
    def __init__(
        self, db: Database, write: Callable[[AsyncConnection, list[T]], Awaitable[None]] | None = None, *, doing: str,
        batches: Callable[[list[T]], Sequence[Batch]] | None = None,
        delay: float = WRITE_DELAY, chunk_size: int = ROWS_PER_TRANSACTION,
    ) -> None:
        """Either `write(connection, chunk)` writes one chunk inside a transaction, or `batches(chunk)`
        says which statements to run over which rows (cheaper: see `Database.write_batches`). Both
        must be safe to repeat (a commit whose answer was lost is retried): use `Database.insert_new`."""
        if (write is None) == (batches is None):
            raise TypeError("give either write or batches")
        self._db = db
        self._write = write
        self._batches = batches
        self.doing = doing
        self.delay = delay
        self.chunk_size = chunk_size
        self._unwritten: list[T] = []
        self._writer: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def pending(self) -> int:
        return len(self._unwritten)

    def add(self, items: Iterable[T]) -> None:
        self._unwritten.extend(items)
        if self._unwritten and (self._writer is None or self._writer.done()):
            self._writer = asyncio.create_task(self._write_soon(), name=f"writer: {self.doing}")

    async def write_now(self, items: Iterable[T]) -> None:
        """Add `items` and write them before returning, unless the database is unavailable (or a
        write is already waiting for it): then they are kept and written in the background."""
        self.add(items)
        if self._lock.locked():
            return
        try:
            await self.flush(patience=0)
        except DatabaseStillUnavailable:
            pass  # the background writer retries; the database says once that it is unavailable

    async def _write_soon(self) -> None:
        await asyncio.sleep(self.delay)
        await self.flush()

    async def flush(self, *, patience: float | None = None) -> None:
        """Write everything added so far; waits out an unavailable database (at most `patience` s)."""
        async with self._lock:
            while self._unwritten:
                # One short transaction per chunk: SQLite has one writer, and a surge's backlog in
                # one transaction would hold its lock long enough for other writers to time out.
                chunk = self._unwritten[: self.chunk_size]

                async def write(chunk: list[T] = chunk) -> None:
                    if self._batches is not None:
                        await self._db.write_batches(self._batches(chunk))
                        return
                    async with self._db.begin() as connection:
                        await self._write(connection, chunk)

                await self._db.retrying(write, doing=self.doing, patience=patience)
                del self._unwritten[: len(chunk)]

    async def close(self) -> None:
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
        try:
            await self.flush(patience=CLOSE_PATIENCE)
        except DatabaseStillUnavailable as error:
            log.warning("%d rows not written at shutdown while %s (%s)", len(self._unwritten), self.doing, error)
