"""One-trip SELECTs on a SQLite file, on a real file next to the async engine's connections."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from bot.guild_config import GuildConfig
from bot.storage import Database
from bot.storage.schema import guild_settings


async def test_reads_what_the_engine_committed_and_cannot_write(tmp_path) -> None:
    database = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'qiao.sqlite3'}")
    try:
        reader = database.sqlite_reader
        assert reader is not None
        sql = "SELECT guild_id, log_channel_id FROM guild_settings ORDER BY guild_id"
        assert await reader.fetch_all(sql, ()) == []
        await GuildConfig(database).update(7, log_channel_id=70)
        assert await reader.fetch_all(sql, ()) == [(7, 70)]
        async with database.begin() as connection:
            await connection.execute(sa.update(guild_settings).values(log_channel_id=71))
        assert await reader.fetch_all(sql + " LIMIT ?", (1,)) == [(7, 71)]
        with pytest.raises(sqlite3.OperationalError):
            await reader.fetch_all("DELETE FROM guild_settings", ())
        assert await reader.fetch_all(sql, ()) == [(7, 71)]
    finally:
        await database.close()


async def test_an_in_memory_database_has_no_reader() -> None:
    database = await Database.open("sqlite+aiosqlite:///:memory:")
    try:
        assert database.sqlite_reader is None
    finally:
        await database.close()
