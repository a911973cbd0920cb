"""Fixtures: `discord_double` (a started DiscordDouble per test). Use `run_client` for a bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .server import DiscordDouble


@pytest_asyncio.fixture
async def discord_double() -> AsyncIterator[DiscordDouble]:
    double = DiscordDouble()
    await double.start()
    try:
        yield double
    finally:
        await double.stop()
    assert not double.server_errors, "the Discord double crashed while answering:\n" + "\n".join(double.server_errors)
