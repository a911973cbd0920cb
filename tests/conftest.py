"""Fixtures every test can use: isolated environment, real SQLite and PostgreSQL databases."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

from bot.storage import Database
from tests.bot_process import migrated_sqlite_template


pytest_plugins = ["discord_double.pytest_plugin"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RUNNING_IN_CI = os.environ.get("CI", "").lower() == "true"

_PASSTHROUGH_ENV = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "CI", "TEST_POSTGRES_URL", "TEST_REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH"}


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from the environment: no test may see another's, or the developer's, variables."""
    for name in list(os.environ):
        if name not in _PASSTHROUGH_ENV and not name.startswith(("PYTEST", "HYPOTHESIS")):
            monkeypatch.delenv(name, raising=False)


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (expected ../shared beside the repository)")
    return path


def server_missing(message: str) -> NoReturn:
    """A test server is not there: skip, saying why, on a developer's machine; fail under CI."""
    if RUNNING_IN_CI:
        pytest.fail(f"{message}; under CI=true a missing server is a failure")
    pytest.skip(message)


async def _postgres_available() -> str | None:
    import asyncpg

    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    try:
        connection = await asyncio.wait_for(asyncpg.connect(dsn), 3)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


async def open_postgres_schema() -> str:
    problem = await _postgres_available()
    if problem:
        server_missing(f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = await Database.open(POSTGRES_URL, migrate=False)
    async with admin.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    await admin.close()
    return schema


async def drop_postgres_schema(schema: str) -> None:
    admin = await Database.open(POSTGRES_URL, migrate=False)
    async with admin.begin() as connection:
        await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await admin.close()


@dataclass
class DatabaseTarget:
    backend: str
    url: str
    options: dict = field(default_factory=dict)

    async def open(self, *, migrate: bool = True) -> Database:
        return await Database.open(self.url, migrate=migrate, **self.options)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DatabaseTarget]:
    """Where a test database lives: a temp SQLite file, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'qiao.sqlite3'}")
        return
    schema = await open_postgres_schema()
    try:
        yield DatabaseTarget(
            "postgres", POSTGRES_URL, {"connect_args": {"server_settings": {"search_path": schema}}}
        )
    finally:
        await drop_postgres_schema(schema)


@pytest.fixture(scope="session")
def migrated_sqlite_file() -> Path:
    """An SQLite file with every migration applied, made once per test process (each xdist worker)."""
    return migrated_sqlite_template()


@pytest.fixture
def sqlite_url(migrated_sqlite_file: Path, tmp_path: Path) -> str:
    """A new SQLite database of this test's own, already at the current schema: a copy of the migrated
    file, so each bot an end-to-end test starts skips re-running every migration (about 0.1 s of CPU
    each; the migrations themselves are tested in tests/storage/)."""
    path = tmp_path / "qiao.sqlite3"
    shutil.copyfile(migrated_sqlite_file, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def database(database_target: DatabaseTarget) -> AsyncIterator[Database]:
    """A migrated, empty database on each backend."""
    db = await database_target.open()
    try:
        yield db
    finally:
        await db.close()


# -- Redis -------------------------------------------------------------------------------------
# Tests that need Redis take the `redis_target` fixture (which marks them `redis`; .ci/run then makes
# sure a server is up). Each test gets its own key prefix, so parallel workers never meet, and its
# keys are deleted afterwards.


@dataclass
class RedisTarget:
    url: str
    prefix: str


async def _redis_command(*words: str, timeout: float = 3.0) -> bytes:
    """Send one command in Redis's wire protocol (RESP) and return the first reply line."""
    address = urlsplit(REDIS_URL)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(address.hostname or "127.0.0.1", address.port or 6379), timeout
    )
    try:
        database = (address.path or "/0").strip("/") or "0"
        commands = [("SELECT", database), words] if database != "0" else [words]
        for command in commands:
            encoded = [part.encode() for part in command]
            writer.write(b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in encoded))
        await writer.drain()
        reply = b""
        for _ in commands:
            reply = await asyncio.wait_for(reader.readline(), timeout)
        return reply.rstrip(b"\r\n")
    finally:
        writer.close()
        await writer.wait_closed()


async def _redis_available() -> str | None:
    try:
        reply = await _redis_command("PING")
    except Exception as error:
        return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return None if reply == b"+PONG" else f"PING answered {reply.decode(errors='replace')!r}"


_DELETE_PREFIXED = "for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) end return 0"


@pytest.fixture
async def redis_target() -> AsyncIterator[RedisTarget]:
    """The Redis server at TEST_REDIS_URL and a key prefix of this test's own."""
    problem = await _redis_available()
    if problem:
        server_missing(f"Redis not reachable at {REDIS_URL} ({problem})")
    prefix = f"qiao-test:{uuid.uuid4().hex[:12]}:"
    try:
        yield RedisTarget(REDIS_URL, prefix)
    finally:
        await _redis_command("EVAL", _DELETE_PREFIXED, "0", prefix + "*")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "redis_target" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.redis)
