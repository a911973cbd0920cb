"""End-to-end harness: the real bot (open_bot) against the Discord double, a fake Microsoft
Translator on 127.0.0.1 and a temp SQLite database."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import open_bot
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble
from tests.translation.fake_servers import FakeMicrosoft

ZH_SAMPLE = "你好，今天天气很好"


class SlowFakeMicrosoft(FakeMicrosoft):
    """Per-message latency: a text containing `slow<N>` takes N hundredths of a second."""

    @web.middleware
    async def _middleware(self, request: web.Request, handler):
        body = await request.read()
        for token in body.decode("utf-8", "replace").split():
            if token.startswith("slow") and token[4:].strip('",]}').isdigit():
                await asyncio.sleep(int(token[4:].strip('",]}')) / 100)
        return await super()._middleware(request, handler)


@dataclasses.dataclass
class Harness:
    double: DiscordDouble
    translator: FakeMicrosoft
    database_url: str
    guild: object
    english: object
    chinese: object
    general: object
    alice: object
    wang: object
    moderator: object
    bot: object | None = None

    def settings(self, **changes) -> Settings:
        env = {"TRANSLATOR": "microsoft", "TRANSLATION_TIMEOUT": "2", **self.translator.env()}
        base = Settings.from_env(env, require_token=False)
        return dataclasses.replace(
            base, database_url=self.database_url, discord_api_base_url=self.double.api_base_url,
            discord_gateway_url=self.double.gateway_url, **changes,
        )

    @contextlib.asynccontextmanager
    async def running(self, **changes) -> AsyncIterator[object]:
        async with open_bot(self.settings(**changes), extensions=("cogs.bridge",), guild_ready_timeout=0.05) as bot:
            async with run_client(bot, self.double):
                assert not bot.failed_extensions, bot.failed_extensions
                bot.bridge_relay.engine.fill_in_delays = (0.3, 0.5, 1.0, 2.0, 4.0)
                bot.get_cog("BridgeCog").fill_in_loop.retry_delays = (0.3, 0.5, 1.0)
                self.bot = bot
                yield bot

    async def link(self, english=None, chinese=None, **options) -> None:
        handle = await self.double.invoke_slash(
            self.moderator, "bridge link", channel=self.general,
            options={"english": english or self.english, "chinese": chinese or self.chinese, **options},
        )
        await handle.wait_response()

    async def copies(self, channel, count: int = 1, timeout: float = 5.0):
        return await self.double.wait_for(
            lambda: (found := [v for v in self.double.view(channel) if v.by_webhook]) and len(found) >= count and found,
            timeout,
        )

    def webhook_posts(self) -> list:
        return [r for r in self.double.requests if r.method == "POST" and "/webhooks/" in r.path
                and str(self.double.application_id) not in r.path]


@pytest.fixture
async def translator() -> AsyncIterator[FakeMicrosoft]:
    async with SlowFakeMicrosoft() as server:
        yield server


@pytest.fixture
async def harness(discord_double: DiscordDouble, translator: FakeMicrosoft, sqlite_url: str) -> AsyncIterator[Harness]:
    double = discord_double
    double.ratelimiter.config.enabled = False
    guild = double.create_guild("Bridge Club", owner="owner")
    general = double.create_channel(guild, "general")
    english = double.create_channel(guild, "english")
    chinese = double.create_channel(guild, "chinese")
    alice = double.add_member(guild, "alice", display_name="Alice", nick="Ally", avatar="abc123")
    wang = double.add_member(guild, "wang", display_name="王伟")
    moderator = double.add_member(guild, "mod", display_name="Mod")
    moderator_role = double.create_role(guild, "mods", permissions=["manage_guild"])
    double.give_role(moderator, moderator_role)
    yield Harness(double, translator, sqlite_url, guild, english, chinese,
                  general, alice, wang, moderator)


@dataclasses.dataclass
class Partner:
    """A second server whose moderator and member take part in cross-server bridges."""
    guild: object
    channel: object
    log: object
    moderator: object
    member: object


@pytest.fixture
def partner(harness: Harness) -> Partner:
    double = harness.double
    guild = double.create_guild("Taipei Friends", owner="owner2", locale="zh-TW")
    channel = double.create_channel(guild, "中文聊天")
    log = double.create_channel(guild, "mod-log")
    moderator = double.add_member(guild, "lin", display_name="林")
    role = double.create_role(guild, "管理", permissions=["manage_guild"])
    double.give_role(moderator, role)
    member = double.add_member(guild, "mei", display_name="美")
    return Partner(guild, channel, log, moderator, member)


async def slash(harness: Harness, member, command: str, where, locale: str = "en-US", **options):
    """Run `/command` as `member` from the channel `where`; options by name."""
    handle = await harness.double.invoke_slash(member, command, channel=where, options=options, locale=locale)
    await handle.wait_response()
    return handle


def copies_in(harness: Harness, channel) -> list:
    return [view for view in harness.double.view(channel) if view.by_webhook]
