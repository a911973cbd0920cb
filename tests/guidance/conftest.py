"""The shipped catalogue and its matcher (session fixtures), and the end-to-end harness: the real bot
(open_bot) with the guidance cog against the Discord double and a temp SQLite database; a fake
translator for the bridged test."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import open_bot
from bot.guidance.catalogue import Catalogue
from bot.guidance.matcher import GuidanceMatcher
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble
from tests.translation.fake_servers import FakeDictionary, FakeMicrosoft

# The fake translator knows these; anything else comes back as a marked echo.
TRANSLATIONS = [
    ("I saw the photo of the man standing in front of the tanks", "我看到了坦克人的照片"),
    ("My grandmother told me about Tank Man", "我奶奶给我讲过坦克人"),
]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load()


@pytest.fixture(scope="session")
def matcher(catalogue: Catalogue) -> GuidanceMatcher:
    return GuidanceMatcher(catalogue.entries)


@pytest.fixture(scope="session")
def entry_ids(matcher: GuidanceMatcher):
    def find_ids(message: str) -> list[str]:
        return [match.entry_id for match in matcher.find(message)]
    return find_ids


@dataclasses.dataclass
class Harness:
    double: DiscordDouble
    translator: FakeMicrosoft
    database_url: str
    guild: object
    general: object
    english: object
    chinese: object
    alice: object
    wang: object
    closed: object
    moderator: object
    bot: object | None = None

    def settings(self) -> Settings:
        env = {"TRANSLATOR": "microsoft", "TRANSLATION_TIMEOUT": "2", **self.translator.env()}
        base = Settings.from_env(env, require_token=False)
        return dataclasses.replace(
            base, database_url=self.database_url, discord_api_base_url=self.double.api_base_url,
            discord_gateway_url=self.double.gateway_url,
        )

    @contextlib.asynccontextmanager
    async def running(self, *extensions: str, fallback_reply_seconds: float = 60.0) -> AsyncIterator[object]:
        async with open_bot(self.settings(), extensions=("cogs.guidance", *extensions), guild_ready_timeout=0.05) as bot:
            async with run_client(bot, self.double):
                assert not bot.failed_extensions, bot.failed_extensions
                bot.get_cog("Guidance").fallback_reply_seconds = fallback_reply_seconds
                self.bot = bot
                yield bot

    @property
    def cog(self):
        return self.bot.get_cog("Guidance")

    async def slash(self, member, command: str, *, locale: str = "en-US", channel=None, **options):
        handle = await self.double.invoke_slash(member, command, channel=channel or self.general,
                                                options=options, locale=locale)
        await handle.wait_response()
        return handle

    async def settle(self, seconds: float = 0.3) -> None:
        """Let the bot handle what it was sent (for asserting that nothing happened)."""
        await asyncio.sleep(seconds)

    def bot_messages(self, channel) -> list:
        return [v for v in self.double.view(channel) if v.is_bot and not v.ephemeral]

    def deletions(self) -> list:
        return [r for r in self.double.requests if r.method == "DELETE" and "/messages/" in r.path]


@pytest.fixture
async def translator() -> AsyncIterator[FakeMicrosoft]:
    async with FakeMicrosoft(FakeDictionary(TRANSLATIONS)) as server:
        yield server


@pytest.fixture
async def harness(discord_double: DiscordDouble, translator: FakeMicrosoft, sqlite_url: str) -> AsyncIterator[Harness]:
    double = discord_double
    double.ratelimiter.config.enabled = False
    guild = double.create_guild("Bridge Club", owner="owner")
    general = double.create_channel(guild, "general")
    english = double.create_channel(guild, "english")
    chinese = double.create_channel(guild, "chinese")
    alice = double.add_member(guild, "alice", display_name="Alice")
    wang = double.add_member(guild, "wang", display_name="王伟")
    closed = double.add_member(guild, "closed", display_name="Closed DMs", dms_open=False)
    moderator = double.add_member(guild, "mod", display_name="Mod")
    moderator_role = double.create_role(guild, "mods", permissions=["manage_guild"])
    double.give_role(moderator, moderator_role)
    yield Harness(double, translator, sqlite_url, guild, general, english,
                  chinese, alice, wang, closed, moderator)
    assert_nobody_else_s_message_was_deleted(double)


def assert_nobody_else_s_message_was_deleted(double: DiscordDouble) -> None:
    """Guidance educates and never censors: in every test, the only messages Qiao deletes are
    its own (fallback pointers, and the bridge's copies it manages)."""
    for request in double.requests:
        if request.method != "DELETE" or "/messages/" not in request.path:
            continue
        message = double.world.messages.get(int(request.path.rstrip("/").rsplit("/", 1)[-1]))
        assert message is not None and (message.author.id == double.bot_user.id or message.webhook_id), request.path
