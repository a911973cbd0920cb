"""The double refuses what real Discord refuses: late or repeated interaction answers, expired tokens,
oversized autocomplete answers, command definitions Discord would reject at sync, and webhook tokens
of webhooks another application made."""

from __future__ import annotations

import asyncio
import time

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
    guild = discord_double.create_guild("Realism")
    channel = discord_double.create_channel(guild, "general")
    alice = discord_double.add_member(guild, "alice", display_name="Alice")
    return guild, channel, alice


async def test_answering_after_the_deadline_is_unknown_interaction(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    discord_double.world.interaction_deadline = 0.2
    bot = make_bot()
    errors: list[BaseException] = []

    @bot.tree.command(name="slow", description="Works before answering")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.4)
        try:
            await interaction.response.send_message("too late")
        except discord.HTTPException as error:
            errors.append(error)

    async with run_client(bot, discord_double):
        handle = await discord_double.invoke_slash(alice, "slow", channel=channel)
        await discord_double.wait_for(lambda: errors, timeout=3)
    assert isinstance(errors[0], discord.NotFound) and errors[0].code == 10062
    assert not handle.responded


async def test_answering_twice_is_already_acknowledged(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    bot = make_bot()
    errors: list[BaseException] = []

    @bot.tree.command(name="twice", description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        try:  # bypass discord.py's own InteractionResponded guard, as a second process would
            await bot.http.request(discord.http.Route("POST", "/interactions/{id}/{token}/callback",
                                                      id=interaction.id, token=interaction.token),
                                   json={"type": 4, "data": {"content": "two"}})
        except discord.HTTPException as error:
            errors.append(error)

    async with run_client(bot, discord_double):
        await discord_double.invoke_slash(alice, "twice", channel=channel)
        await discord_double.wait_for(lambda: errors, timeout=3)
    assert errors[0].status == 400 and errors[0].code == 40060


async def test_followups_stop_when_the_token_expires(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    bot = make_bot()
    done = asyncio.Event()
    errors: list[BaseException] = []

    @bot.tree.command(name="later", description="Follows up much later")
    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        handle.interaction.created_at = time.monotonic() - 15 * 60 - 1  # 15 minutes pass
        try:
            await interaction.followup.send("finally")
        except discord.HTTPException as error:
            errors.append(error)
        done.set()

    async with run_client(bot, discord_double):
        handle = await discord_double.invoke_slash(alice, "later", channel=channel)
        await asyncio.wait_for(done.wait(), 3)
    assert errors and errors[0].status == 401 and errors[0].code == 50027


async def test_followup_before_any_answer_is_unknown_webhook(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    bot = make_bot()
    errors: list[BaseException] = []

    @bot.tree.command(name="skip", description="Follows up without answering")
    async def skip(interaction: discord.Interaction) -> None:
        try:
            await interaction.followup.send("no answer first")
        except discord.HTTPException as error:
            errors.append(error)
        await interaction.response.send_message("ok")

    async with run_client(bot, discord_double):
        await discord_double.invoke_slash(alice, "skip", channel=channel)
        await discord_double.wait_for(lambda: errors, timeout=3)
    assert isinstance(errors[0], discord.NotFound) and errors[0].code == 10015


@pytest.mark.parametrize("choices", [
    [{"name": f"c{n}", "value": f"c{n}"} for n in range(26)],
    [{"name": "x" * 101, "value": "x"}],
    [{"name": "", "value": "x"}],
    [{"name": "long value", "value": "v" * 101}],
])
async def test_autocomplete_answers_are_checked(discord_double: DiscordDouble, world, choices) -> None:
    guild, channel, alice = world
    bot = make_bot()
    errors: list[BaseException] = []

    @bot.tree.command(name="pick", description="Pick")
    async def pick(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    @pick.autocomplete("name")
    async def names(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        try:
            await bot.http.request(discord.http.Route("POST", "/interactions/{id}/{token}/callback",
                                                      id=interaction.id, token=interaction.token),
                                   json={"type": 8, "data": {"choices": choices}})
        except discord.HTTPException as error:
            errors.append(error)
        return []

    async with run_client(bot, discord_double):
        handle = await discord_double.invoke_autocomplete(alice, "pick", channel=channel, options={"name": "c"},
                                                          focused="name")
        await discord_double.wait_for(lambda: errors, timeout=3)
    assert errors[0].status == 400 and errors[0].code == 50035
    assert handle.choices == []  # the refused answer left nothing; discord.py then sent its own empty one


def _command(**changes):
    command = {"name": "bridge", "type": 1, "description": "Bridge channels", "options": [
        {"type": 1, "name": "link", "description": "Link two channels", "options": [
            {"type": 7, "name": "target", "description": "Target", "required": True},
            {"type": 5, "name": "mirror", "description": "Mirror", "required": False},
        ]},
    ]}
    command.update(changes)
    return command


@pytest.mark.parametrize("payload, where", [
    (_command(name="Bridge"), "name"),
    (_command(name="bridge link"), "name"),
    (_command(name="b" * 33), "name"),
    (_command(description=""), "description"),
    (_command(description="d" * 101), "description"),
    (_command(description_localizations={"zh-CN": "桥" * 101}), "description_localizations"),
    (_command(description_localizations={"zh": "桥"}), "description_localizations"),
    (_command(name_localizations={"zh-CN": "桥 接"}), "name_localizations"),
    (_command(options=[{"type": 1, "name": f"s{n}", "description": "d"} for n in range(26)]), "options"),
    (_command(options=[{"type": 3, "name": "a", "description": "a"},
                       {"type": 3, "name": "b", "description": "b", "required": True}]), "options"),
    (_command(options=[{"type": 3, "name": "a", "description": "a",
                        "choices": [{"name": "x", "value": "v" * 101}]}]), "options"),
    (_command(options=[{"type": 3, "name": "a", "description": "a",
                        "choices": [{"name": f"{n}", "value": f"{n}"} for n in range(26)]}]), "options"),
    ({"name": "Translate", "type": 3, "description": "not allowed"}, "description"),
    (_command(options=[{"type": 3, "name": "a", "description": "a", "max_length": 6001}]), "max_length"),
    (_command(options=[{"type": 3, "name": "a", "description": "a", "max_length": 0}]), "max_length"),
    (_command(options=[{"type": 3, "name": "a", "description": "a", "min_length": 10, "max_length": 5}]), "min_length"),
    (_command(options=[{"type": 4, "name": "a", "description": "a", "max_length": 5}]), "max_length"),
])
async def test_sync_refuses_what_discord_refuses(discord_double: DiscordDouble, world, payload, where) -> None:
    bot = make_bot()
    async with run_client(bot, discord_double):
        with pytest.raises(discord.HTTPException) as caught:
            await bot.http.bulk_upsert_global_commands(bot.application_id, [payload])
    assert caught.value.status == 400 and caught.value.code == 50035
    assert where in caught.value.text or where in str(caught.value)


async def test_sync_accepts_valid_definitions_and_answers_string_permissions(discord_double: DiscordDouble,
                                                                          world) -> None:
    bot = make_bot()
    good = [_command(name_localizations={"zh-CN": "桥接", "zh-TW": "橋接"},
                     description_localizations={"zh-CN": "桥接频道"}, default_member_permissions=32),
            {"name": "Translate", "type": 3, "description": ""}]
    async with run_client(bot, discord_double):
        answered = await bot.http.bulk_upsert_global_commands(bot.application_id, good)
    assert answered[0]["default_member_permissions"] == "32"


async def test_listing_webhooks_gives_tokens_only_for_our_own(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    foreign = discord_double.world.create_webhook(channel, "Someone's hook", creator=alice.user)
    other_app = discord_double.world.create_webhook(channel, "Other bot", creator=alice.user, application_id=42)
    discord_double.set_bot_permissions(guild, allow=["manage_webhooks"])
    bot = make_bot()
    async with run_client(bot, discord_double):
        ours = await bot.get_channel(channel.id).create_webhook(name="relay")
        hooks = {hook.id: hook for hook in await bot.get_channel(channel.id).webhooks()}
    assert hooks[ours.id].token
    assert hooks[foreign.id].token is None and hooks[other_app.id].token is None
    assert hooks[other_app.id].source_guild is None and str(other_app.application_id) == "42"


async def test_webhook_avatar_url_must_be_http(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    discord_double.set_bot_permissions(guild, allow=["manage_webhooks"])
    bot = make_bot()
    async with run_client(bot, discord_double):
        hook = await bot.get_channel(channel.id).create_webhook(name="relay")
        with pytest.raises(discord.HTTPException) as caught:
            await hook.send("hi", username="Alice", avatar_url="attachment://a.png", wait=True)
        sent = await hook.send("hi", username="Alice", avatar_url="https://cdn.example/a.png", wait=True)
    assert caught.value.code == 50035 and "avatar_url" in caught.value.text
    assert sent.webhook_id == hook.id
