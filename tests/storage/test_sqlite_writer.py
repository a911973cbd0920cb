"""Batched writes in one trip to the SQLite writer's thread, on a real file next to the async engine."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from bot.storage import Database

notes = sa.Table(
    "writer_notes", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.String, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True)),
)


async def _open(path) -> Database:
    database = await Database.open(f"sqlite+aiosqlite:///{path}")
    async with database.begin() as connection:
        await connection.run_sync(notes.metadata.create_all)
    return database


async def _rows(database: Database) -> list[tuple]:
    async with database.connect() as connection:
        return [tuple(row) for row in await connection.execute(sa.select(notes.c.id, notes.c.text).order_by(notes.c.id))]


async def test_batches_are_written_in_one_transaction_that_the_engine_reads(tmp_path) -> None:
    database = await _open(tmp_path / "qiao.sqlite3")
    try:
        assert database.sqlite_writer is not None
        insert = database.insert_new(notes, ["id"])
        await database.write_batches([(insert, [{"id": 1, "text": "one"}, {"id": 2, "text": "two"}]),
                                      (sa.update(notes).where(notes.c.id == sa.bindparam("key")).values(text=sa.bindparam("new")),
                                       [{"key": 2, "new": "deux"}])])
        assert await _rows(database) == [(1, "one"), (2, "deux")]
        # Repeated (a commit whose answer was lost): the rows are there once.
        await database.write_batches([(insert, [{"id": 1, "text": "one"}])])
        assert await _rows(database) == [(1, "one"), (2, "deux")]
        # All or nothing: the second statement fails, the first is rolled back with it.
        with pytest.raises(sa.exc.IntegrityError):
            await database.write_batches([(insert, [{"id": 3, "text": "three"}]), (sa.insert(notes), [{"id": 1, "text": "again"}])])
        assert await _rows(database) == [(1, "one"), (2, "deux")]
    finally:
        await database.close()


async def test_a_cancelled_writer_finishes_its_transaction_before_the_next_writer(tmp_path) -> None:
    database = await _open(tmp_path / "qiao.sqlite3")
    try:
        rows = [{"id": n, "text": "x" * 200} for n in range(20_000)]
        writing = asyncio.create_task(database.write_batches([(sa.insert(notes), rows)]))
        await asyncio.sleep(0.01)
        writing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await writing
        # The job ran to its end: committed whole, and the write lock is free for the next writer.
        async with database.begin() as connection:
            await connection.execute(sa.insert(notes).values(id=50_000, text="after"))
        assert len(await _rows(database)) == 20_001
    finally:
        await database.close()


async def test_an_in_memory_database_writes_batches_through_the_engine() -> None:
    database = await Database.open("sqlite+aiosqlite:///:memory:")
    try:
        assert database.sqlite_writer is None
        async with database.begin() as connection:
            await connection.run_sync(notes.metadata.create_all)
        await database.write_batches([(database.insert_new(notes, ["id"]), [{"id": 1, "text": "one"}])])
        assert await _rows(database) == [(1, "one")]
    finally:
        await database.close()
