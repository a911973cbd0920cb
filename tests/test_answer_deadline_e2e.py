"""Discord's 3-second rule for commands whose handlers take longer: the real bot against the Discord
double, which refuses an interaction's first answer more than 3 s after its creation."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord
from discord import app_commands

from bot.answer_deadline import PUBLIC_ANSWER
from bot.app import open_bot
from bot.checks import UserFacingError
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble


class SlowWork:
    """What the slow commands wait for: released by the test once Discord's deadline has passed."""

    def __init__(self) -> None:
        self.done = asyncio.Event()
        self.started = 0

    async def run(self) -> None:
        self.started += 1
        await self.done.wait()


def commands_for(work: SlowWork) -> list[app_commands.Command]:
    @app_commands.command(name="slow", description="Answers privately once its work is done")
    async def slow(interaction: discord.Interaction) -> None:
        await work.run()
        await interaction.response.send_message("the slow answer", ephemeral=True)

    @app_commands.command(name="slowfail", description="Refuses once its work is done")
    async def slowfail(interaction: discord.Interaction) -> None:
        await work.run()
        raise UserFacingError("core.error.guild_only")

    @app_commands.command(name="slowpublic", description="Answers for everyone once its work is done",
                          extras={PUBLIC_ANSWER: True})
    async def slowpublic(interaction: discord.Interaction) -> None:
        await work.run()
        await interaction.response.send_message("the public answer")

    @app_commands.command(name="slowpublicnothing", description="Has nothing to show everyone: answers privately",
                          extras={PUBLIC_ANSWER: True})
    async def slowpublicnothing(interaction: discord.Interaction) -> None:
        await work.run()
        await interaction.response.send_message("nothing to show", ephemeral=True)

    @app_commands.command(name="slowdefers", description="Defers itself, late, then follows up")
    async def slowdefers(interaction: discord.Interaction) -> None:
        await work.run()
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("followed up", ephemeral=True)

    @app_commands.command(name="quick", description="Answers at once")
    async def quick(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("the quick answer", ephemeral=True)

    return [slow, slowfail, slowpublic, slowpublicnothing, slowdefers, quick]


@asynccontextmanager
async def bot_with_slow_commands(double: DiscordDouble, tmp_path: Path, work: SlowWork) -> AsyncIterator[object]:
    settings = dataclasses.replace(
        Settings.from_env({}, require_token=False),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'q.sqlite3'}",
        discord_api_base_url=double.api_base_url, discord_gateway_url=double.gateway_url,
    )
    async with open_bot(settings, extensions=(), guild_ready_timeout=0.05) as bot:
        for command in commands_for(work):
            bot.tree.add_command(command)
        async with run_client(bot, double):
            yield bot


def a_server(double: DiscordDouble, name: str):
    """A server with its #general and a member, alice."""
    guild = double.create_guild(name)
    return double.create_channel(guild, "general"), double.add_member(guild, "alice")


async def past_the_deadline(double: DiscordDouble, work: SlowWork, started: int) -> None:
    """Let the handlers' work finish only after Discord would have dropped an unanswered interaction."""
    await double.wait_for(lambda: work.started >= started, 5)
    await asyncio.sleep(double.world.interaction_deadline + 0.3)
    work.done.set()


async def test_a_handler_slower_than_three_seconds_still_answers(discord_double: DiscordDouble, tmp_path: Path) -> None:
    general, alice = a_server(discord_double, "Slow")
    work = SlowWork()
    async with bot_with_slow_commands(discord_double, tmp_path, work):
        slow = await discord_double.invoke_slash(alice, "slow", channel=general)
        failing = await discord_double.invoke_slash(alice, "slowfail", channel=general)
        defers = await discord_double.invoke_slash(alice, "slowdefers", channel=general)
        started = time.monotonic()
        await past_the_deadline(discord_double, work, 3)
        for handle, text in ((slow, "the slow answer"), (failing, "only works inside a server"), (defers, "followed up")):
            assert await handle.wait_text() and text in handle.response_text
            assert handle.deferred and handle.ephemeral
            assert handle.followups == []  # the answer filled in the deferred reply
        assert time.monotonic() - started > discord_double.world.interaction_deadline


async def test_a_quick_handler_answers_directly(discord_double: DiscordDouble, tmp_path: Path) -> None:
    general, alice = a_server(discord_double, "Quick")
    async with bot_with_slow_commands(discord_double, tmp_path, SlowWork()):
        handle = await discord_double.invoke_slash(alice, "quick", channel=general)
        await handle.wait_response()
        await asyncio.sleep(2.5)  # past the moment a slow handler's answer is deferred
        assert handle.response_type == 4 and len(handle.interaction.responses) == 1
        assert handle.response_text == "the quick answer" and handle.ephemeral


async def test_a_late_answer_keeps_the_visibility_the_handler_asks_for(discord_double: DiscordDouble, tmp_path: Path) -> None:
    general, alice = a_server(discord_double, "Visible")
    work = SlowWork()
    async with bot_with_slow_commands(discord_double, tmp_path, work):
        public = await discord_double.invoke_slash(alice, "slowpublic", channel=general)
        nothing = await discord_double.invoke_slash(alice, "slowpublicnothing", channel=general)
        await past_the_deadline(discord_double, work, 2)
        await public.wait_text()
        assert public.deferred and not public.ephemeral and public.response_text == "the public answer"
        [private] = await nothing.wait_followups()
        assert private.ephemeral and private.content == "nothing to show"
        # The public "thinking" message gave way to the private answer: nothing is left for everyone.
        assert nothing.message.deleted
        assert [view.content for view in discord_double.view(general) if view.is_bot and not view.ephemeral] == [
            "the public answer"
        ]
