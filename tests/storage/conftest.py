"""Storage faults end to end: the bridge harness on a real PostgreSQL reached through a TCP
proxy that can cut the connections, or on a SQLite file that runs out of space."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.bridge.conftest import Harness, harness, translator  # noqa: F401  (fixtures re-exported)
from tests.conftest import POSTGRES_URL, _postgres_available
from tests.storage.tcp_proxy import TcpProxy

@pytest.fixture
async def postgres_database() -> AsyncIterator[str]:
    """A database of its own on the real server (name random: tests may run in parallel)."""
    import asyncpg

    problem = await _postgres_available()
    if problem:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})")
    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    name = f"qiao_fault_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield name
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def postgres_proxy() -> AsyncIterator[TcpProxy]:
    host_port = POSTGRES_URL.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    async with TcpProxy(host, int(port)) as proxy:
        yield proxy


@pytest.fixture
async def postgres_harness(harness: Harness, postgres_database: str, postgres_proxy: TcpProxy) -> AsyncIterator[Harness]:  # noqa: F811
    """The bridge harness with its database on PostgreSQL, through `postgres_proxy`."""
    user = POSTGRES_URL.split("://", 1)[1].split("@", 1)[0]
    url = f"postgresql+asyncpg://{user}@127.0.0.1:{postgres_proxy.port}/{postgres_database}"
    yield dataclasses.replace(harness, database_url=url)
