"""Application commands through the double: slash groups, context menus, deferrals, components."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from discord_double import DiscordDouble, run_client


def make_bot() -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    return commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)


@pytest.fixture
def world(discord_double: DiscordDouble):
    guild = discord_double.create_guild("Bridge Test")
    channel = discord_double.create_channel(guild, "general")
    other = discord_double.create_channel(guild, "chinese")
    alice = discord_double.add_member(guild, "alice", display_name="Alice")
    bob = discord_double.add_member(guild, "bob", display_name="Bob")
    return guild, channel, other, alice, bob


def bridge_bot() -> commands.Bot:
    bot = make_bot()
    bridge = app_commands.Group(name="bridge", description="Bridge channels")

    @bridge.command(name="link", description="Link two channels")
    async def link(interaction: discord.Interaction, target: discord.TextChannel, mirror: bool = False) -> None:
        await interaction.response.send_message(
            f"linked {interaction.channel.name} -> {target.name} mirror={mirror} locale={interaction.locale.value}",
            ephemeral=True)

    @bridge.command(name="slow", description="Deferred")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("done thinking")
        await interaction.followup.send("and one more", ephemeral=True)

    @bridge.command(name="private", description="Deferred publicly, answered privately")
    async def private(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.delete_original_response()
        await interaction.followup.send("just for you", ephemeral=True)

    bot.tree.add_command(bridge)

    @bot.tree.context_menu(name="Translate")
    async def translate(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"translated: {message.content.upper()}", ephemeral=True)

    return bot


async def test_slash_subcommand_answer_is_ephemeral_to_the_invoker(discord_double: DiscordDouble, world) -> None:
    guild, channel, other, alice, bob = world
    async with run_client(bridge_bot(), discord_double):
        handle = await discord_double.invoke_slash(alice, "bridge link", channel=channel,
                                                   options={"target": other, "mirror": True}, locale="zh-CN")
        await handle.wait_response()
    assert handle.response_type == 4 and handle.ephemeral
    assert handle.response_text == "linked general -> chinese mirror=True locale=zh-CN"
    assert [v.content for v in discord_double.view(channel, as_member=alice)] == [handle.response_text]
    assert discord_double.view(channel, as_member=bob) == []
    assert discord_double.view(channel) == []


async def test_deferred_then_followups(discord_double: DiscordDouble, world) -> None:
    guild, channel, other, alice, bob = world
    async with run_client(bridge_bot(), discord_double):
        handle = await discord_double.invoke_slash(alice, "bridge slow", channel=channel)
        await handle.wait_followups(1)
    assert handle.deferred and handle.response_text == "done thinking"
    assert [m.content for m in handle.followups] == ["and one more"] and handle.followups[0].ephemeral
    assert [v.content for v in discord_double.view(channel, as_member=bob)] == ["done thinking"]


async def test_a_followup_after_the_deferred_reply_was_deleted_is_a_message_of_its_own(
    discord_double: DiscordDouble, world
) -> None:
    guild, channel, other, alice, bob = world
    async with run_client(bridge_bot(), discord_double):
        handle = await discord_double.invoke_slash(alice, "bridge private", channel=channel)
        [answer] = await handle.wait_followups(1)
    assert handle.deferred and handle.message.deleted
    assert answer.content == "just for you" and answer.ephemeral
    assert discord_double.view(channel, as_member=bob) == []


async def test_message_context_menu(discord_double: DiscordDouble, world) -> None:
    guild, channel, other, alice, bob = world
    target = await discord_double.post(bob, channel, "ni hao")
    async with run_client(bridge_bot(), discord_double):
        handle = await discord_double.invoke_message_command(alice, "Translate", target, locale="en-US")
        await handle.wait_response()
    assert handle.response_text == "translated: NI HAO" and handle.ephemeral
    assert handle.message.type == 23


async def test_command_sync_is_recorded_and_echoed(discord_double: DiscordDouble, world) -> None:
    guild, channel, other, alice, bob = world
    async with run_client(bridge_bot(), discord_double) as bot:
        synced = await bot.tree.sync()
    assert sorted(c.name for c in synced) == ["Translate", "bridge"]
    assert all(c.id for c in synced)
    bridge = next(c for c in discord_double.world.commands[None] if c["name"] == "bridge")
    assert [o["name"] for o in bridge["options"]] == ["link", "slow", "private"]


async def test_autocomplete_choices(discord_double: DiscordDouble, world) -> None:
    guild, channel, other, alice, bob = world
    bot = make_bot()

    @bot.tree.command(name="lang", description="Pick a language")
    async def lang(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    @lang.autocomplete("name")
    async def lang_names(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in ("English", "中文") if n.lower().startswith(current)]

    async with run_client(bot, discord_double):
        handle = await discord_double.invoke_autocomplete(alice, "lang", channel=channel, options={"name": "en"},
                                                          focused="name")
        await handle.wait_response()
    assert handle.choices == [{"name": "English", "value": "English"}]


async def test_button_click_updates_message(discord_double: DiscordDouble, world) -> None:
    guild, channel, other, alice, bob = world
    bot = make_bot()

    class Confirm(discord.ui.View):
        @discord.ui.button(label="OK", custom_id="confirm:ok")
        async def ok(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.edit_message(content=f"confirmed by {interaction.user.name}", view=None)

    async with run_client(bot, discord_double):
        bot.add_view(Confirm(timeout=None))
        sent = await bot.get_channel(channel.id).send("Confirm?", view=Confirm(timeout=None))
        handle = await discord_double.click_button(alice, discord_double.world.messages[sent.id], "confirm:ok")
        await handle.wait_response()
    assert handle.response_type == 7
    assert discord_double.view(channel)[0].content == "confirmed by alice"
