"""The double against an unmodified discord.py client: login, events, replies, gateway modes."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord.ext import commands

from discord_double import DiscordDouble, run_client


def make_bot(**kwargs) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    return commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05, **kwargs)


def echo_bot() -> commands.Bot:
    bot = make_bot()

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:
            return
        await message.channel.send(f"heard: {message.content}")

    return bot


@pytest.fixture
def world(discord_double: DiscordDouble):
    guild = discord_double.create_guild("Bridge Test")
    channel = discord_double.create_channel(guild, "general")
    alice = discord_double.add_member(guild, "alice", display_name="Alice")
    return guild, channel, alice


async def test_member_post_gets_a_reply_in_the_view(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    async with run_client(echo_bot(), discord_double) as bot:
        assert bot.get_guild(guild.id) is not None
        await discord_double.post(alice, channel, "hello")
        reply = await discord_double.wait_for_message(channel, lambda v: v.is_bot)
    assert reply.content == "heard: hello"
    assert reply.author == "Qiao"
    assert [v.author for v in discord_double.view(channel)] == ["Alice", "Qiao"]


@pytest.mark.parametrize("compress", [True, False], ids=["zlib-stream", "plain-text"])
async def test_gateway_frames(discord_double: DiscordDouble, world, compress: bool) -> None:
    guild, channel, alice = world
    discord_double.gateway.compress = compress
    async with run_client(echo_bot(), discord_double):
        await discord_double.post(alice, channel, "frames")
        await discord_double.wait_for_message(channel, lambda v: v.content == "heard: frames")
    assert discord_double.gateway.connects == 1


async def test_resume_after_dropped_connection_loses_no_event(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    seen: list[str] = []
    bot = make_bot()

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    resumed = asyncio.Event()

    @bot.listen()
    async def on_resumed() -> None:
        resumed.set()

    async with run_client(bot, discord_double):
        await discord_double.drop_gateway()
        await discord_double.post(alice, channel, "while away")
        await asyncio.wait_for(resumed.wait(), 5)
        await discord_double.wait_for(lambda: "while away" in seen)
        await discord_double.post(alice, channel, "after")
        await discord_double.wait_for(lambda: "after" in seen)
    assert seen == ["while away", "after"]
    assert discord_double.gateway.resumes == 1


async def test_message_content_is_blank_without_the_intent(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    seen: list[str] = []
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    async with run_client(bot, discord_double):
        await discord_double.post(alice, channel, "secret")
        await discord_double.wait_for(lambda: seen)
    assert seen == [""]


async def test_bad_token_is_refused(discord_double: DiscordDouble) -> None:
    with pytest.raises(discord.LoginFailure):
        async with run_client(make_bot(), discord_double, token="wrong"):
            pass
    assert discord_double.requests[-1].status == 401


async def test_resume_after_close_code_4000(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    seen: list[str] = []
    bot = make_bot()

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    async with run_client(bot, discord_double):
        await discord_double.drop_gateway(4000)
        await discord_double.post(alice, channel, "during reconnect")
        await discord_double.wait_for(lambda: discord_double.gateway.resumes == 1 and seen)
    assert seen == ["during reconnect"]
