"""The bridge harness (tests/bridge/conftest.py) running the bridge and the people cog together."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from bot.app import open_bot
from tests.bridge.conftest import Harness, translator  # noqa: F401  (fixture re-exported)
from tests.bridge.conftest import harness as bridge_harness  # noqa: F401
from discord_double.client import run_client


@contextlib.asynccontextmanager
async def running(harness: Harness, extensions=("cogs.bridge", "cogs.people")) -> AsyncIterator[object]:
    async with open_bot(harness.settings(), extensions=extensions, guild_ready_timeout=0.05) as bot:
        async with run_client(bot, harness.double):
            assert not bot.failed_extensions, bot.failed_extensions
            harness.bot = bot
            yield bot


@pytest.fixture
async def harness(bridge_harness: Harness) -> AsyncIterator[Harness]:  # noqa: F811
    yield bridge_harness


async def answer(harness: Harness, member, command: str, where, locale: str = "en-US", **options) -> str:
    handle = await harness.double.invoke_slash(member, command, channel=where, options=options, locale=locale)
    text = await handle.wait_text()
    assert handle.ephemeral, text
    return text
