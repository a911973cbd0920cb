"""End-to-end harness for the learners' features: the real bot with the bridge and learning cogs
against the Discord double, a fake Microsoft Translator and a temp SQLite database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import open_bot
from tests.bridge.conftest import Harness
from discord_double.client import run_client
from discord_double.server import DiscordDouble
from tests.translation.fake_servers import FakeDictionary, FakeMicrosoft

PAIRS = [
    ("See you at the bank tomorrow, no cap", "明天银行见，no cap"),
    ("See you at the bank tomorrow", "明天在银行见"),
    ("She said yyds about the food", "她说这食物yyds"),
]


class LearnersHarness(Harness):
    @contextlib.asynccontextmanager
    async def running(self, **changes) -> AsyncIterator[object]:
        async with open_bot(self.settings(**changes), extensions=("cogs.bridge", "cogs.learning"),
                            guild_ready_timeout=0.05) as bot:
            async with run_client(bot, self.double):
                assert not bot.failed_extensions, bot.failed_extensions
                await bot.tree.sync()  # global definitions, as `python -m bot sync` registers them
                self.bot = bot
                yield bot


@pytest.fixture
async def translator() -> AsyncIterator[FakeMicrosoft]:
    async with FakeMicrosoft(FakeDictionary(PAIRS)) as server:
        yield server


@pytest.fixture
async def harness(discord_double: DiscordDouble, translator: FakeMicrosoft, sqlite_url: str) -> AsyncIterator[LearnersHarness]:
    double = discord_double
    double.ratelimiter.config.enabled = False
    guild = double.create_guild("Bridge Club", owner="owner")
    general = double.create_channel(guild, "general")
    english = double.create_channel(guild, "english")
    chinese = double.create_channel(guild, "chinese")
    alice = double.add_member(guild, "alice", display_name="Alice")
    wang = double.add_member(guild, "wang", display_name="王伟")
    moderator = double.add_member(guild, "mod", display_name="Mod")
    moderator_role = double.create_role(guild, "mods", permissions=["manage_guild"])
    double.give_role(moderator, moderator_role)
    yield LearnersHarness(double, translator, sqlite_url, guild, english,
                          chinese, general, alice, wang, moderator)
