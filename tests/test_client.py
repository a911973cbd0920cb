"""The bot's own lifecycle as discord.py sees it: what closing leaves behind in the process."""

from __future__ import annotations

import dataclasses
import sys

from bot.app import open_bot
from bot.settings import Settings
from discord_double import DiscordDouble
from discord_double.client import run_client

EXTENSIONS = ("cogs.bridge", "cogs.welcome")


def settings(double: DiscordDouble, sqlite_url: str) -> Settings:
    return dataclasses.replace(
        Settings.from_env({}, require_token=False), discord_token=double.token, database_url=sqlite_url,
        discord_api_base_url=double.api_base_url, discord_gateway_url=double.gateway_url,
    )


def cog_modules() -> dict[str, object]:
    return {name: module for name, module in sys.modules.items() if name.startswith(EXTENSIONS)}


async def test_closing_keeps_the_cog_modules_for_the_next_bot_and_an_unload_drops_them(
    discord_double: DiscordDouble, sqlite_url: str,
) -> None:
    discord_double.create_guild("Home")
    async with open_bot(settings(discord_double, sqlite_url), extensions=EXTENSIONS, guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            assert not bot.failed_extensions
            loaded = cog_modules()
    assert "cogs.bridge.cog" in loaded and "cogs.welcome" in loaded
    # Closed: every extension was unloaded (its cogs removed) but no module was dropped ...
    assert bot.extensions == {} and bot.cogs == {}
    assert cog_modules() == loaded

    async with open_bot(settings(discord_double, sqlite_url), extensions=EXTENSIONS, guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            assert set(bot.extensions) == set(EXTENSIONS) and not bot.failed_extensions
            # ... so the next bot's cogs come from the same submodules, not a second execution of them.
            again = cog_modules()
            assert {name: again[name] for name in loaded if name not in EXTENSIONS} == {
                name: module for name, module in loaded.items() if name not in EXTENSIONS
            }
            assert type(bot.get_cog("BridgeCog")) is sys.modules["cogs.bridge.cog"].BridgeCog
            # While running, unloading is discord.py's own: the modules go, a reload runs new code.
            await bot.unload_extension("cogs.welcome")
            assert "cogs.welcome" not in sys.modules and "cogs.welcome" not in bot.extensions
