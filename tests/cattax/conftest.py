"""End-to-end harness: the real bot (open_bot, cogs.cattax only) against the Discord double, a fake
Microsoft Translator on 127.0.0.1 and a temp SQLite database."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_bot
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble
from tests.translation.fake_servers import FakeMicrosoft

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
NUDGE_LIFETIME = 0.3  # seconds a nudge stays in tests


@dataclasses.dataclass
class CatTaxWorld:
    double: DiscordDouble
    translator: FakeMicrosoft
    database_url: str
    guild: Any
    cat_tax: Any
    mod_log: Any
    ana: Any
    wang: Any
    moderator: Any
    tax_role: Any
    bot: Any = None

    def settings(self) -> Settings:
        env = {"TRANSLATOR": "microsoft", "TRANSLATION_TIMEOUT": "2", **self.translator.env()}
        return dataclasses.replace(
            Settings.from_env(env, require_token=False), discord_token=self.double.token,
            database_url=self.database_url, discord_api_base_url=self.double.api_base_url,
            discord_gateway_url=self.double.gateway_url,
        )

    @contextlib.asynccontextmanager
    async def running(self, extensions: tuple[str, ...] = ("cogs.cattax",)) -> AsyncIterator[Any]:
        async with open_bot(self.settings(), extensions=extensions, guild_ready_timeout=0.05) as bot:
            async with run_client(bot, self.double):
                assert not bot.failed_extensions, bot.failed_extensions
                bot.get_cog("CatTax").nudge_lifetime = NUDGE_LIFETIME
                await bot.guild_config.update(self.guild.id, log_channel_id=self.mod_log.id)
                self.bot = bot
                try:
                    yield bot
                finally:
                    await self._handlers_finished()

    async def _handlers_finished(self, timeout: float = 5.0) -> None:
        """Let event handlers the bot is still running finish before the database closes."""
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current and task.get_name().startswith("discord.py: on_")]
        if pending:
            await asyncio.wait(pending, timeout=timeout)

    @property
    def store(self):
        return self.bot.get_cog("CatTax").store

    async def slash(self, command: str, member=None, *, locale: str = "en-US", **options):
        handle = await self.double.invoke_slash(
            member or self.moderator, command, channel=self.cat_tax, options=options, locale=locale
        )
        await handle.wait_response()
        return handle

    async def set_up(self, **options) -> None:
        handle = await self.slash("cattax setup", channel=self.cat_tax, **options)
        assert "set up" in handle.response_text, handle.response_text

    async def post_photo(self, member, caption: str = "", *, filename: str = "pet.png", data: bytes = PNG,
                         content_type: str = "image/png"):
        return await self.double.post(member, self.cat_tax, caption, attachments=[(filename, data, content_type)])

    async def thread_of(self, message, timeout: float = 5.0):
        return await self.double.wait_for(lambda: self.double.thread_for(message), timeout)

    async def bot_messages(self, channel, count: int = 1, timeout: float = 5.0):
        return await self.double.wait_for(
            lambda: (found := [view for view in self.double.view(channel) if view.is_bot]) and len(found) >= count and found,
            timeout,
        )

    async def payments_become(self, count: int, timeout: float = 5.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while (found := await self.store.payment_count(self.guild.id)) != count:
            assert asyncio.get_running_loop().time() < deadline, f"{found} payments, expected {count}"
            await asyncio.sleep(0.02)

    async def settled(self) -> None:
        """Let the bot finish what the last event started (there is nothing to wait for otherwise)."""
        for _ in range(5):
            await asyncio.sleep(0.05)


@pytest.fixture
async def translator() -> AsyncIterator[FakeMicrosoft]:
    async with FakeMicrosoft() as server:
        yield server


@pytest.fixture
async def world(discord_double: DiscordDouble, translator: FakeMicrosoft, sqlite_url: str) -> CatTaxWorld:
    double = discord_double
    # Real rate-limit headers, windows 20x shorter: without headers discord.py pauses after each new route.
    double.ratelimiter.config.time_scale = 0.05
    guild = double.create_guild("Cat Lovers", owner="owner")
    cat_tax = double.create_channel(guild, "cat-tax")
    mod_log = double.create_channel(guild, "mod-log")
    ana = double.add_member(guild, "ana", display_name="Ana")
    wang = double.add_member(guild, "wang", display_name="王伟")
    moderator = double.add_member(guild, "mod", display_name="Mod")
    moderators = double.create_role(guild, "mods", permissions=["manage_guild"])
    double.give_role(moderator, moderators)
    tax_role = double.create_role(guild, "Tax Paid")
    return CatTaxWorld(double, translator, sqlite_url, guild, cat_tax,
                       mod_log, ana, wang, moderator, tax_role)
