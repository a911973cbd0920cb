"""User-installed apps through the double: commands run from a person's own install in DMs the
bot is not in (context 2) and in the bot's DM (context 1), and refusals where Discord's client
would not offer the command."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from discord_double import DiscordDouble, run_client
from discord_double.user_apps import NotAvailableHere, invoke_installed_message_command, post_privately, private_channel


def user_app_bot() -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
    seen: list[discord.Interaction] = []
    bot.seen = seen  # type: ignore[attr-defined]

    @bot.tree.context_menu(name="Shout")
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def shout(interaction: discord.Interaction, message: discord.Message) -> None:
        seen.append(interaction)
        await interaction.response.send_message(message.content.upper(), ephemeral=True)

    @bot.tree.context_menu(name="Server only")
    async def server_only(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message("no", ephemeral=True)

    @bot.tree.context_menu(name="Not in DMs")
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    async def not_in_dms(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message("no", ephemeral=True)

    return bot


@pytest.fixture
def people(discord_double: DiscordDouble):
    guild = discord_double.create_guild("Somewhere")
    return discord_double.add_member(guild, "alice"), discord_double.add_member(guild, "bob")


async def test_a_user_install_answers_in_a_dm_the_bot_is_not_in(discord_double: DiscordDouble, people) -> None:
    alice, bob = people
    dm = private_channel(discord_double, alice, bob)
    message = await post_privately(discord_double, bob, dm, "ni hao")
    assert not [event for event, data in discord_double.events if event == "MESSAGE_CREATE" and data["id"] == str(message.id)]
    bot = user_app_bot()
    async with run_client(bot, discord_double):
        await bot.tree.sync()
        handle = await invoke_installed_message_command(discord_double, alice, "Shout", message)
        assert await handle.wait_text() == "NI HAO" and handle.ephemeral
    (interaction,) = bot.seen
    assert interaction.guild_id is None and interaction.context.private_channel
    assert interaction.is_user_integration() and not interaction.is_guild_integration()
    assert interaction._integration_owners == {1: alice.user.id}  # what discord.py parsed from the payload
    assert interaction.user.id == alice.user.id


async def test_the_bots_own_dm_is_context_one(discord_double: DiscordDouble, people) -> None:
    alice, _ = people
    message = await discord_double.dm(alice, "hello")
    bot = user_app_bot()
    async with run_client(bot, discord_double):
        await bot.tree.sync()
        handle = await invoke_installed_message_command(discord_double, alice, "Shout", message)
        assert await handle.wait_text() == "HELLO"
    assert bot.seen[0].context.dm_channel and handle.interaction.payload["context"] == 1


async def test_commands_discord_would_not_offer_are_refused(discord_double: DiscordDouble, people) -> None:
    alice, bob = people
    dm = private_channel(discord_double, alice, bob)
    message = await post_privately(discord_double, bob, dm, "hi")
    bot = user_app_bot()
    async with run_client(bot, discord_double):
        with pytest.raises(NotAvailableHere, match="synced"):
            await invoke_installed_message_command(discord_double, alice, "Shout", message)
        await bot.tree.sync()
        with pytest.raises(NotAvailableHere, match="cannot be installed by users"):
            await invoke_installed_message_command(discord_double, alice, "Server only", message)
        with pytest.raises(NotAvailableHere, match="not offered in context 2"):
            await invoke_installed_message_command(discord_double, alice, "Not in DMs", message)
    assert bot.seen == []


def test_a_dm_between_people_is_not_mistaken_for_the_bots_dm(discord_double: DiscordDouble, people) -> None:
    alice, bob = people
    between = private_channel(discord_double, alice, bob)
    assert discord_double.world.dm_channel(alice.user) is not between
