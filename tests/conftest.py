"""Fixtures every test can use: isolated environment, real SQLite and PostgreSQL databases."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.storage import Database


pytest_plugins = ["tests.double.pytest_plugin"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
RUNNING_IN_CI = os.environ.get("CI", "").lower() == "true"

_PASSTHROUGH_ENV = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "CI", "TEST_POSTGRES_URL", "VIRTUAL_ENV", "PYTHONPATH"}


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
        message = f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})"
        if RUNNING_IN_CI:
            pytest.fail(f"{message}; under CI=true a missing server is a failure")
        pytest.skip(message)
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


@pytest.fixture
async def database(database_target: DatabaseTarget) -> AsyncIterator[Database]:
    """A migrated, empty database on each backend."""
    db = await database_target.open()
    try:
        yield db
    finally:
        await db.close()
