"""Telling an unavailable database from a bad query, waiting it out, and buffered writes that keep
their rows until written — on real SQLite files and the real PostgreSQL server."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.storage import Database, DatabaseStillUnavailable
from bot.storage.buffer import WriteBuffer
from bot.storage.outages import OutageLog, describe, is_transient
from tests.storage.tcp_proxy import TcpProxy

notes = sa.Table("notes", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("text", sa.Text, nullable=False))


async def capped_database(path: Path) -> Database:
    """A SQLite database whose connections cannot grow the file (SQLITE_FULL on a new page)."""
    database = await Database.open(f"sqlite+aiosqlite:///{path}", migrate=False)
    async with database.begin() as connection:
        await connection.run_sync(notes.metadata.create_all)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]

    def cap(dbapi_connection, _record, _proxy) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count={database.max_pages}")
        cursor.close()

    database.max_pages = pages
    sa.event.listen(database.engine.sync_engine.pool, "checkout", cap)
    return database


def give_space(database: Database) -> None:
    database.max_pages = 1_073_741_823


async def test_a_full_disk_is_transient_and_described_with_its_fix(tmp_path: Path) -> None:
    database = await capped_database(tmp_path / "full.sqlite3")
    try:
        with pytest.raises(Exception) as raised:
            async with database.begin() as connection:
                await connection.execute(sa.insert(notes), [{"id": n, "text": "x" * 500} for n in range(100)])
        assert is_transient(raised.value)
        line = describe(raised.value)
        assert "database or disk is full" in line and "free space" in line
    finally:
        await database.close()


async def test_a_bad_query_is_not_transient_and_is_raised_at_once(tmp_path: Path) -> None:
    database = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'q.sqlite3'}", migrate=False)
    attempts = 0

    async def bad() -> None:
        nonlocal attempts
        attempts += 1
        async with database.connect() as connection:
            await connection.execute(sa.text("SELECT * FROM no_such_table"))

    try:
        with pytest.raises(sa.exc.OperationalError) as raised:
            await database.retrying(bad, doing="testing")
        assert attempts == 1 and not is_transient(raised.value)
    finally:
        await database.close()


async def test_buffered_rows_wait_out_a_full_disk_and_are_written_once_there_is_space(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.storage")
    database = await capped_database(tmp_path / "buffer.sqlite3")
    database.retry_delays = (0.05,)

    async def insert(connection, rows: list[dict]) -> None:
        await connection.execute(database.insert_new(notes, ["id"]), rows)

    # No background write (an hour's delay): the flushes below are the only writers.
    buffer = WriteBuffer(database, insert, doing="writing notes", delay=3600, chunk_size=40)
    try:
        buffer.add({"id": n, "text": "y" * 500} for n in range(100))
        with pytest.raises(DatabaseStillUnavailable):
            await buffer.flush(patience=0.3)
        assert buffer.pending > 0
        give_space(database)
        await buffer.flush()
        assert buffer.pending == 0
        async with database.connect() as connection:
            ids = (await connection.execute(sa.select(notes.c.id).order_by(notes.c.id))).scalars().all()
        assert ids == list(range(100))
        lines = [record.getMessage() for record in caplog.records]
        assert len(lines) == 2 and "disk is full" in lines[0] and "available again" in lines[1], lines
    finally:
        await buffer.close()
        await database.close()


@pytest.mark.postgres
async def test_postgres_cut_off_is_waited_out_and_the_write_lands_once(
    postgres_database: str, postgres_proxy: TcpProxy,
) -> None:
    from tests.conftest import POSTGRES_URL

    user = POSTGRES_URL.split("://", 1)[1].split("@", 1)[0]
    database = await Database.open(f"postgresql+asyncpg://{user}@127.0.0.1:{postgres_proxy.port}/{postgres_database}", migrate=False)
    database.retry_delays = (0.05,)
    try:
        async with database.begin() as connection:
            await connection.run_sync(notes.metadata.create_all)
        postgres_proxy.cut()
        with pytest.raises(DatabaseStillUnavailable):
            await database.retrying(_count(database), doing="counting notes", patience=0.3)
        postgres_proxy.restore()

        async def write() -> None:
            async with database.begin() as connection:
                await connection.execute(database.insert_new(notes, ["id"]), [{"id": 1, "text": "once"}])

        await database.retrying(write, doing="writing a note")
        await database.retrying(write, doing="writing a note")  # a repeat after a lost commit answer
        assert await database.retrying(_count(database), doing="counting notes") == 1
        assert postgres_proxy.counters.refused > 0
    finally:
        await database.close()


def _count(database: Database):
    async def count() -> int:
        async with database.connect() as connection:
            return (await connection.execute(sa.select(sa.func.count()).select_from(notes))).scalar_one()

    return count


def test_an_outage_ends_when_retried_work_goes_through_or_everything_that_failed_worked_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.storage")
    outage = OutageLog("test.sqlite3", clock=lambda: 0.0)
    full = sqlite3.OperationalError("database or disk is full")
    outage.failed(full, "writing the translation cache")
    outage.failed(full, "writing the copy map")
    outage.succeeded("reading the copy map")  # never failed: a full disk still serves reads
    outage.succeeded("writing the translation cache")  # a small write fitted; the copy map still fails
    assert outage.ongoing
    outage.succeeded("writing the copy map", after_retrying=True)
    assert not outage.ongoing
    outage.failed(full, "writing the copy map")
    outage.succeeded("writing the copy map")  # everything that failed has worked again
    assert not outage.ongoing
    assert [record.getMessage().split(" ", 2)[2][:20] for record in caplog.records] == [
        "unavailable while wr", "available again afte", "unavailable while wr", "available again afte"]
