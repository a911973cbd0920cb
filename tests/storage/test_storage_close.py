"""Closing the database gives SQLite's write lock back: whatever a writer was doing when it was
cancelled or left behind, the next bot (or process) opening the same file writes at once.

The engine's dispose closes only the connections in its pool: one still checked out by a task
in the middle of a write transaction kept the lock until the garbage collector found it, and the
next bot's shutdown could not write its copy map, nor the one after it migrate."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.storage import Database

notes = sa.Table("close_notes", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))

# Far below the bot's 5 s busy timeout: the lock must be free, not freed eventually.
WRITE_AT_ONCE_SECONDS = 0.5


async def _open(path: Path) -> Database:
    database = await Database.open(f"sqlite+aiosqlite:///{path}")
    async with database.begin() as connection:
        await connection.run_sync(notes.metadata.create_all)
    return database


def _write_lock_is_free(path: Path) -> bool:
    probe = sqlite3.connect(path, timeout=WRITE_AT_ONCE_SECONDS, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        probe.close()


async def _next_bot_writes(path: Path) -> None:
    assert _write_lock_is_free(path)
    database = await _open(path)  # migrates: BEGIN IMMEDIATE
    try:
        async with asyncio.timeout(WRITE_AT_ONCE_SECONDS * 4):
            async with database.begin() as connection:
                await connection.execute(sa.insert(notes).values())
    finally:
        await database.close()


async def test_a_writer_left_in_the_middle_of_its_transaction_does_not_keep_the_lock_after_close(tmp_path: Path) -> None:
    path = tmp_path / "qiao.sqlite3"
    database = await _open(path)
    inside = asyncio.Event()

    async def left_behind() -> None:
        async with database.begin() as connection:
            await connection.execute(sa.insert(notes).values())
            inside.set()
            await asyncio.Event().wait()  # never ends: nobody waits for it, nobody cancels it

    writer = asyncio.create_task(left_behind())
    await inside.wait()
    assert not _write_lock_is_free(path)
    await database.close()
    await _next_bot_writes(path)
    writer.cancel()
    await asyncio.gather(writer, return_exceptions=True)


@pytest.mark.parametrize("cancel_after", range(0, 24, 3))
async def test_a_writer_cancelled_anywhere_in_its_transaction_gives_the_lock_back_by_close(tmp_path: Path, cancel_after: int) -> None:
    path = tmp_path / "qiao.sqlite3"
    database = await _open(path)

    async def writing() -> None:
        while True:
            async with database.begin() as connection:
                await connection.execute(sa.insert(notes).values())
                await connection.execute(sa.insert(notes).values())

    async def batching() -> None:
        while True:
            await database.write_batches([(sa.insert(notes), [{}, {}])])

    writers = [asyncio.create_task(writing()), asyncio.create_task(batching())]
    for _ in range(cancel_after):
        await asyncio.sleep(0)
    for writer in writers:
        writer.cancel()
    await asyncio.sleep(0)
    for writer in writers:
        writer.cancel()  # a second cancellation, as a shutdown that times out sends
    await asyncio.gather(*writers, return_exceptions=True)
    await database.close()
    await _next_bot_writes(path)


async def test_reads_queued_during_close_and_a_second_close_open_nothing_again(tmp_path: Path) -> None:
    path = tmp_path / "qiao.sqlite3"
    database = await _open(path)
    reader = database.sqlite_reader
    await reader.fetch_all("SELECT count(*) FROM close_notes", ())
    closing = asyncio.create_task(database.close())
    await asyncio.sleep(0)  # the reader's close is queued in its thread; these lookups after it
    late = [asyncio.create_task(reader.fetch_all("SELECT count(*) FROM close_notes", ())) for _ in range(3)]
    await closing
    await database.close()
    await asyncio.gather(*late, return_exceptions=True)
    assert not reader.connected
    await _next_bot_writes(path)
