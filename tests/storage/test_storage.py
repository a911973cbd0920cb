"""The same storage tests on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from bot.guild_config import GuildConfig
from bot.settings import normalise_database_url
from bot.storage import Database, latest_version, migrations
from bot.storage.schema import guild_settings
from tests.conftest import POSTGRES_URL, DatabaseTarget

GUILD = 111122223333444455


async def test_guild_settings_create_read_update_delete(database: Database) -> None:
    config = GuildConfig(database)
    assert (await config.settings(GUILD)).log_channel_id is None

    await config.update(GUILD, log_channel_id=42, locale="zh-CN")
    fresh = GuildConfig(database)
    stored = await fresh.settings(GUILD)
    assert (stored.log_channel_id, stored.locale) == (42, "zh-CN")

    await fresh.update(GUILD, log_channel_id=43)
    assert (await GuildConfig(database).settings(GUILD)).log_channel_id == 43

    await fresh.reset(GUILD)
    assert (await GuildConfig(database).settings(GUILD)).log_channel_id is None
    async with database.connect() as connection:
        assert (await connection.execute(sa.select(sa.func.count()).select_from(guild_settings))).scalar_one() == 0


async def test_cache_is_written_through(database: Database) -> None:
    config = GuildConfig(database)
    await config.settings(GUILD)
    await config.update(GUILD, log_channel_id=7)
    assert (await config.settings(GUILD)).log_channel_id == 7
    assert await config.module_enabled(GUILD, "cattax") is True
    await config.set_module(GUILD, "cattax", False)
    assert await config.module_enabled(GUILD, "cattax") is False
    assert await GuildConfig(database).module_enabled(GUILD, "cattax") is False


async def test_unknown_module_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="unknown module"):
        await GuildConfig(database).set_module(GUILD, "poker", True)


async def test_migrates_an_empty_database_to_the_latest_version(database_target: DatabaseTarget) -> None:
    db = await database_target.open()
    try:
        assert await db.current_version() == latest_version()
        async with db.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(sa.inspect(sync).get_table_names()))
        assert {"schema_version", "guild_settings", "guild_modules"} <= tables
        assert await db.migrate() == latest_version()
    finally:
        await db.close()


async def test_upgrades_a_database_from_the_first_schema_in_place(database_target: DatabaseTarget) -> None:
    old = await database_target.open(migrate=False)
    try:
        assert await old.migrate(up_to=1) == 1
        await GuildConfig(old).update(GUILD, log_channel_id=99)
    finally:
        await old.close()

    upgraded = await database_target.open()
    try:
        assert await upgraded.current_version() == latest_version()
        assert (await GuildConfig(upgraded).settings(GUILD)).log_channel_id == 99
    finally:
        await upgraded.close()


async def test_a_failing_migration_leaves_the_previous_version(database_target: DatabaseTarget) -> None:
    db = await database_target.open(migrate=False)

    def broken(op) -> None:
        op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
        raise RuntimeError("boom")

    try:
        await db.migrate(up_to=1)
        available = [*migrations.discover()[:1], migrations.Migration(2, "m0002_broken", broken)]
        with pytest.raises(RuntimeError, match="boom"):
            await db.migrate(available=available)
        assert await db.current_version() == 1
        async with db.connect() as connection:
            has_table = await connection.run_sync(lambda sync: sa.inspect(sync).has_table("half_done"))
        assert not has_table
    finally:
        await db.close()


async def test_two_concurrent_writers_lose_nothing(database_target: DatabaseTarget) -> None:
    first, second = await database_target.open(), await database_target.open()
    try:
        async def write_many(db: Database, offset: int) -> None:
            config = GuildConfig(db)
            for index in range(25):
                await config.update(GUILD + offset + index * 2, log_channel_id=index)
                await config.set_module(GUILD, "topics", bool(index % 2))

        await asyncio.gather(write_many(first, 0), write_many(second, 1))
        async with first.connect() as connection:
            count = (await connection.execute(sa.select(sa.func.count()).select_from(guild_settings))).scalar_one()
        assert count == 50
    finally:
        await first.close()
        await second.close()


async def test_a_read_neither_waits_for_a_write_in_progress_nor_holds_one_up(database: Database) -> None:
    """Reads (a translation cache lookup, the copy map) go on while a write transaction is open;
    on SQLite every read took the write lock too, so they queued behind writes."""
    config = GuildConfig(database)
    await config.update(GUILD, log_channel_id=1)
    writing, finish = asyncio.Event(), asyncio.Event()

    async def slow_write() -> None:
        async with database.begin() as connection:
            await connection.execute(sa.update(guild_settings).values(log_channel_id=2))
            writing.set()
            await finish.wait()

    async def read() -> int:
        async with database.connect() as connection:
            return (await connection.execute(sa.select(guild_settings.c.log_channel_id))).scalar_one()

    writer = asyncio.create_task(slow_write())
    await writing.wait()
    reader = asyncio.create_task(read())
    done, _ = await asyncio.wait({reader, writer}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    finish.set()
    await writer
    assert done == {reader}
    assert reader.result() == 1  # the committed value: the write was still open
    assert await read() == 2


@pytest.mark.postgres
async def test_opens_a_heroku_style_postgres_url() -> None:
    from tests.conftest import drop_postgres_schema, open_postgres_schema

    schema = await open_postgres_schema()
    heroku_url = POSTGRES_URL.replace("postgresql+asyncpg://", "postgres://")
    db = await Database.open(
        normalise_database_url(heroku_url), connect_args={"server_settings": {"search_path": schema}}
    )
    try:
        assert db.dialect == "postgresql"
        await GuildConfig(db).update(GUILD, locale="zh-TW")
        assert (await GuildConfig(db).settings(GUILD)).locale == "zh-TW"
    finally:
        await db.close()
        await drop_postgres_schema(schema)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@host:5432/db", "postgresql+asyncpg://u:p@host:5432/db"),
        ("postgresql://u@host/db?sslmode=require", "postgresql+asyncpg://u@host/db?ssl=require"),
        ("sqlite:///data/qiao.sqlite3", "sqlite+aiosqlite:///data/qiao.sqlite3"),
    ],
)
def test_database_urls_are_normalised_for_async_drivers(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize("given", ["mysql://u@h/db", "not a url", "postgres://"])
def test_unsupported_database_urls_are_refused(given: str) -> None:
    with pytest.raises(ValueError):
        normalise_database_url(given)


async def test_a_postgres_server_that_never_answers_is_refused_in_one_line() -> None:
    from bot.storage import DatabaseUnavailable
    from tests.bot_process import silent_server

    async with silent_server() as server:
        with pytest.raises(DatabaseUnavailable) as caught:
            await Database.open(
                f"postgresql+asyncpg://qiao:pw@127.0.0.1:{server.port}/qiao", connect_args={"timeout": 1}
            )
    assert server.connections >= 1
    assert str(caught.value) == (
        f"the PostgreSQL server at 127.0.0.1:{server.port} in DATABASE_URL did not answer within 1 s. Check that "
        "PostgreSQL runs there and that no firewall drops the connection, or correct the host and port in DATABASE_URL."
    )


async def test_a_file_that_is_not_sqlite_is_refused_in_one_line(tmp_path) -> None:
    from bot.storage import DatabaseUnavailable

    not_a_database = tmp_path / "notes.sqlite3"
    not_a_database.write_bytes(b"these are my notes, not a database" * 200)
    with pytest.raises(DatabaseUnavailable, match="is not an SQLite database"):
        await Database.open(f"sqlite+aiosqlite:///{not_a_database}")


def test_opening_a_current_database_does_not_import_alembic(tmp_path) -> None:
    """Alembic (with Mako and Pygments, ~10 MB) is needed only when a migration is pending."""
    import subprocess
    import sys

    code = (
        "import asyncio, sys\n"
        "from bot.storage import Database\n"
        "async def open_twice(url):\n"
        "    await (await Database.open(url)).close()\n"
        "    first = 'alembic' in sys.modules\n"
        "    for name in [name for name in sys.modules if name.split('.')[0] in ('alembic', 'mako', 'pygments')]:\n"
        "        del sys.modules[name]\n"
        "    await (await Database.open(url)).close()\n"
        "    print(first, 'alembic' in sys.modules)\n"
        f"asyncio.run(open_twice('sqlite+aiosqlite:///{tmp_path / 'current.sqlite3'}'))\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert output.stdout.split() == ["True", "False"]  # the first open migrated; the second had nothing to apply
