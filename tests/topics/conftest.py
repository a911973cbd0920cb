"""The real bot (bot.app.open_bot with cogs.topics) against the Discord double, on a temp SQLite file."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import open_bot
from bot.settings import Settings
from discord_double import Channel, DiscordDouble, Guild, InteractionHandle, Member, run_client


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Server:
    double: DiscordDouble
    bot: object
    guild: Guild
    general: Channel
    moderator: Member
    alice: Member
    bob: Member
    clock: Clock

    @property
    def cog(self):
        return self.bot.get_cog("Topics")

    @property
    def service(self):
        return self.cog.service

    async def run(self, member: Member, command: str, *, locale: str = "en-US", **options) -> InteractionHandle:
        handle = await self.double.invoke_slash(
            member, f"topics {command}", channel=self.general, options=options, locale=locale
        )
        await handle.wait_text(timeout=10)
        return handle

    async def autocomplete(self, member: Member, command: str, typed: str, *, locale: str = "en-US") -> list[dict]:
        handle = await self.double.invoke_autocomplete(
            member, f"topics {command}", channel=self.general, options={"topic": typed}, focused="topic", locale=locale
        )
        await handle.wait_response()
        return handle.choices

    def channel_named(self, prefix: str) -> Channel:
        return next(c for c in self.guild.channels.values() if c.name and c.name.startswith(prefix))

    def rooms(self) -> list[Channel]:
        category = next(c for c in self.guild.channels.values() if c.type == 4 and c.name == "Topics · 话题")
        return [c for c in self.guild.channels.values() if c.parent_id == category.id]


@pytest.fixture
def extensions() -> tuple[str, ...]:
    """What the bot loads; a test module overrides this to add the bridge."""
    return ("cogs.topics",)


@pytest.fixture
def environment() -> dict[str, str]:
    return {}


@contextlib.asynccontextmanager
async def running(server: Server, sqlite_url: str, extensions: tuple[str, ...], environment: dict[str, str]
                  ) -> AsyncIterator[Server]:
    """`server`'s world with a bot (these extensions, this database) running in it."""
    double = server.double
    settings = dataclasses.replace(
        Settings.from_env(environment, require_token=False),
        discord_token=double.token,
        database_url=sqlite_url,
        discord_api_base_url=double.api_base_url,
        discord_gateway_url=double.gateway_url,
    )
    async with open_bot(settings, extensions=extensions, guild_ready_timeout=0.05) as bot:
        async with run_client(bot, double):
            assert not bot.failed_extensions, bot.failed_extensions
            await bot.tree.sync()
            if bot.get_cog("Topics") is not None:
                bot.get_cog("Topics").service.clock = server.clock
            yield dataclasses.replace(server, bot=bot)


def world(double: DiscordDouble) -> Server:
    """A server with a moderator and two members; no bot yet."""
    double.ratelimiter.config.enabled = False
    guild = double.create_guild("RedNote Refugees")
    general = double.create_channel(guild, "general")
    mods = double.create_role(guild, "Moderators", permissions=["manage_guild"])
    moderator = double.add_member(guild, "mod", display_name="Mod", roles=[mods])
    alice = double.add_member(guild, "alice", display_name="Alice")
    bob = double.add_member(guild, "xiaoming", display_name="小明")
    return Server(double, None, guild, general, moderator, alice, bob, Clock(datetime(2025, 1, 15, 12, 0, tzinfo=UTC)))


@pytest.fixture
async def server(
    discord_double: DiscordDouble, sqlite_url: str, extensions: tuple[str, ...], environment: dict[str, str]
) -> AsyncIterator[Server]:
    async with running(world(discord_double), sqlite_url, extensions, environment) as started:
        yield started
