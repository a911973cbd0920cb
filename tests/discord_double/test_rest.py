"""REST behaviour of the double as discord.py experiences it: webhooks, permissions, limits, faults."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest
from discord.ext import commands

from discord_double import DiscordDouble, run_client


def make_bot() -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    return commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)


@pytest.fixture
def world(discord_double: DiscordDouble):
    guild = discord_double.create_guild("Bridge Test")
    channel = discord_double.create_channel(guild, "general")
    alice = discord_double.add_member(guild, "alice", display_name="Alice")
    return guild, channel, alice


async def test_webhook_post_shows_username_and_avatar(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    async with run_client(make_bot(), discord_double) as bot:
        webhook = await bot.get_channel(channel.id).create_webhook(name="Qiao relay")
        sent = await webhook.send("bonjour", username="Alice (EN)", avatar_url="https://example.test/a.png", wait=True)
    view = discord_double.view(channel)[-1]
    assert (view.author, view.avatar_url, view.content) == ("Alice (EN)", "https://example.test/a.png", "bonjour")
    assert view.webhook_id == webhook.id and sent.webhook_id == webhook.id
    assert discord_double.requests_to("POST", "/webhooks/{webhook_id}/{token}")[-1].query["wait"] == "1"


async def test_webhook_post_with_allowed_mentions_none_notifies_nobody(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    role = discord_double.create_role(guild, "everyone-ish", mentionable=True)
    async with run_client(make_bot(), discord_double) as bot:
        webhook = await bot.get_channel(channel.id).create_webhook(name="relay")
        await webhook.send(f"<@{alice.id}> <@&{role.id}> @everyone", wait=True,
                           allowed_mentions=discord.AllowedMentions.none())
        await webhook.send(f"<@{alice.id}> @everyone", wait=True)
    quiet, loud = discord_double.view(channel)
    assert quiet.message.allowed_mentions == {"parse": []}
    assert (quiet.notified_user_ids, quiet.pinged_roles, quiet.pinged_everyone) == (set(), [], False)
    assert loud.pinged_everyone and alice.id in loud.notified_user_ids


async def test_missing_manage_webhooks_is_forbidden_50013(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    discord_double.set_bot_permissions(channel, deny=["manage_webhooks"])
    async with run_client(make_bot(), discord_double) as bot:
        with pytest.raises(discord.Forbidden) as caught:
            await bot.get_channel(channel.id).create_webhook(name="relay")
    assert caught.value.code == 50013 and caught.value.status == 403


async def test_missing_send_messages_is_forbidden_50013(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    discord_double.set_bot_permissions(guild, deny=["send_messages"])
    discord_double.set_overwrite(channel, guild, deny=["send_messages"])
    async with run_client(make_bot(), discord_double) as bot:
        with pytest.raises(discord.Forbidden) as caught:
            await bot.get_channel(channel.id).send("hi")
    assert caught.value.code == 50013


async def test_hidden_channel_is_missing_access_50001(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    async with run_client(make_bot(), discord_double) as bot:
        discord_double.set_bot_permissions(channel, deny=["view_channel"])
        with pytest.raises(discord.Forbidden) as caught:
            await bot.http.send_message(channel.id, params=discord.http.handle_message_parameters(content="x"))
    assert caught.value.code == 50001


async def test_content_over_2000_is_invalid_form_body(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    async with run_client(make_bot(), discord_double) as bot:
        with pytest.raises(discord.HTTPException) as caught:
            await bot.get_channel(channel.id).send("x" * 2001)
    assert caught.value.code == 50035
    assert "In content: Must be 2000 or fewer in length." in str(caught.value)


async def test_empty_message_is_refused_50006(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    async with run_client(make_bot(), discord_double) as bot:
        with pytest.raises(discord.HTTPException) as caught:
            await bot.http.send_message(channel.id, params=discord.http.handle_message_parameters(content=" "))
    assert caught.value.code == 50006


@pytest.mark.parametrize("name", ["Discord Relay", "clyde", "x" * 81])
async def test_bad_webhook_username_is_rejected(discord_double: DiscordDouble, world, name: str) -> None:
    guild, channel, alice = world
    async with run_client(make_bot(), discord_double) as bot:
        webhook = await bot.get_channel(channel.id).create_webhook(name="relay")
        with pytest.raises(discord.HTTPException) as caught:
            await webhook.send("hi", username=name, wait=True)
    assert caught.value.code == 50035
    assert discord_double.view(channel) == []


async def test_sixteenth_webhook_hits_30007(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    async with run_client(make_bot(), discord_double) as bot:
        target = bot.get_channel(channel.id)
        for n in range(15):
            await target.create_webhook(name=f"relay {n}")
        with pytest.raises(discord.HTTPException) as caught:
            await target.create_webhook(name="one too many")
    assert caught.value.code == 30007
    assert len(discord_double.webhooks_in(channel)) == 15


async def test_injected_429_is_retried_by_discord_py_and_recorded(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    discord_double.faults.rate_limit("POST /channels/{channel_id}/messages", retry_after=0.05)
    async with run_client(make_bot(), discord_double) as bot:
        await bot.get_channel(channel.id).send("eventually")
    statuses = [r.status for r in discord_double.requests_to("POST", "/channels/*/messages")]
    assert statuses == [429, 200]
    assert len(discord_double.rate_limit_hits) == 1
    assert [v.content for v in discord_double.view(channel)] == ["eventually"]


async def test_webhook_rate_limit_makes_discord_py_wait(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    discord_double.ratelimiter.config.time_scale = 0.05
    async with run_client(make_bot(), discord_double) as bot:
        webhook = await bot.get_channel(channel.id).create_webhook(name="relay")
        for n in range(7):
            await webhook.send(f"m{n}", wait=True)
    assert [v.content for v in discord_double.view(channel)] == [f"m{n}" for n in range(7)]
    posts = discord_double.requests_to("POST", "/webhooks/{webhook_id}/{token}")
    assert all(r.status == 200 for r in posts)


async def test_sixth_bot_message_in_five_seconds_gets_a_discord_shaped_429(discord_double: DiscordDouble,
                                                                           world) -> None:
    guild, channel, alice = world
    url = f"{discord_double.api_base_url}/channels/{channel.id}/messages"
    headers = {"Authorization": f"Bot {discord_double.token}"}
    async with aiohttp.ClientSession() as session:
        for n in range(6):
            async with session.post(url, json={"content": f"m{n}"}, headers=headers) as response:
                last, body = response, await response.json()
    assert last.status == 429 and last.headers["Content-Type"] == "application/json"
    assert body["message"] == "You are being rate limited." and body["global"] is False
    assert 0 < body["retry_after"] <= 5
    for name in ("Limit", "Remaining", "Reset", "Reset-After", "Bucket", "Scope"):
        assert f"X-RateLimit-{name}" in last.headers
    assert last.headers["X-RateLimit-Remaining"] == "0"
    assert len(discord_double.rate_limit_hits) == 1
    assert len(discord_double.view(channel)) == 5


async def test_injected_500_is_retried_by_discord_py(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    discord_double.faults.fail("POST /channels/{channel_id}/messages", status=500, times=1)
    async with run_client(make_bot(), discord_double) as bot:
        await bot.get_channel(channel.id).send("after a 500")
    assert [r.status for r in discord_double.requests_to("POST", "/channels/*/messages")] == [500, 200]


async def test_injected_503_surfaces_as_discord_server_error(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    discord_double.faults.fail("POST /channels/{channel_id}/messages", status=503, times=1)
    async with run_client(make_bot(), discord_double) as bot:
        with pytest.raises(discord.DiscordServerError):
            await bot.get_channel(channel.id).send("x")


async def test_a_held_request_is_answered_only_once_released(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    held = discord_double.faults.hold("POST /channels/{channel_id}/messages")
    async with run_client(make_bot(), discord_double) as bot:
        sending = asyncio.create_task(bot.get_channel(channel.id).send("held"))
        await discord_double.wait_for(lambda: held.hits == 1)
        await asyncio.sleep(0.2)
        assert not sending.done() and discord_double.view(channel) == []
        held.release()
        sent = await sending
        await bot.get_channel(channel.id).send("not held: the hold was for one request")
    assert [view.content for view in discord_double.view(channel)] == ["held", "not held: the hold was for one request"]
    assert sent.content == "held"


async def test_thread_from_message(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    msg = await discord_double.post(alice, channel, "let's talk")
    async with run_client(make_bot(), discord_double) as bot:
        partial = bot.get_channel(channel.id).get_partial_message(msg.id)
        thread = await partial.create_thread(name="talk")
        await thread.send("in the thread")
    view = discord_double.view(channel)[0]
    assert view.thread is not None and view.thread.name == "talk"
    assert [v.content for v in discord_double.view(discord_double.thread_for(msg))] == ["in the thread"]


async def test_add_role_and_hierarchy(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    below = discord_double.create_role(guild, "Learner")
    above = discord_double.create_role(guild, "Admin", above_bot=True)
    async with run_client(make_bot(), discord_double) as bot:
        member = await bot.get_guild(guild.id).fetch_member(alice.id)
        await member.add_roles(discord.Object(below.id))
        with pytest.raises(discord.Forbidden) as caught:
            await member.add_roles(discord.Object(above.id))
        await discord_double.wait_for(lambda: bot.get_guild(guild.id).get_member(alice.id)
                                      and bot.get_guild(guild.id).get_member(alice.id).get_role(below.id))
    assert caught.value.code == 50013
    assert alice.roles == [below.id]


async def test_dm_to_member_with_closed_dms_is_50007(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    shy = discord_double.add_member(guild, "shy", dms_open=False)
    async with run_client(make_bot(), discord_double) as bot:
        await (await bot.fetch_user(alice.id)).send("hello Alice")
        with pytest.raises(discord.Forbidden) as caught:
            await (await bot.fetch_user(shy.id)).send("hello")
    assert caught.value.code == 50007
    assert [v.content for v in discord_double.dm_view(alice)] == ["hello Alice"]


async def test_edit_delete_react_are_echoed(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    events: list[str] = []
    bot = make_bot()

    @bot.listen()
    async def on_raw_message_edit(payload) -> None:
        events.append("edit")

    @bot.listen()
    async def on_raw_message_delete(payload) -> None:
        events.append("delete")

    @bot.listen()
    async def on_raw_reaction_add(payload) -> None:
        events.append(f"react {payload.emoji}")

    async with run_client(bot, discord_double):
        sent = await bot.get_channel(channel.id).send("draft")
        await sent.add_reaction("👍")
        await sent.edit(content="final")
        await discord_double.wait_for(lambda: len(events) == 2)
        view = discord_double.view(channel)[0]
        assert (view.content, view.edited, view.reactions) == ("final", True, {"👍": 1})
        await sent.delete()
        await discord_double.wait_for(lambda: "delete" in events)
    assert events == ["react 👍", "edit", "delete"]
    assert discord_double.view(channel) == []


async def test_attachments_round_trip(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    got: list[bytes] = []
    bot = make_bot()

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        if message.attachments and not message.author.bot:
            data = await message.attachments[0].read()
            got.append(data)
            await message.channel.send("copy", file=discord.File(__import__("io").BytesIO(data), "copy.txt"))

    async with run_client(bot, discord_double):
        await discord_double.post(alice, channel, "file", attachments=[("note.txt", b"hello file", "text/plain")])
        reply = await discord_double.wait_for_message(channel, lambda v: v.is_bot)
    assert got == [b"hello file"]
    assert reply.attachments[0]["filename"] == "copy.txt" and reply.attachments[0]["size"] == 10


async def test_webhook_post_in_thread_and_edit_it(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice = world
    starter = await discord_double.post(alice, channel, "topic")
    thread = await discord_double.create_thread(alice, channel, "topic thread", message=starter)
    async with run_client(make_bot(), discord_double) as bot:
        webhook = await bot.get_channel(channel.id).create_webhook(name="relay")
        sent = await webhook.send("first", username="Alice (EN)", thread=discord.Object(thread.id), wait=True)
        await webhook.edit_message(sent.id, content="second", thread=discord.Object(thread.id))
    view = discord_double.view(thread)
    assert [(v.author, v.content, v.edited) for v in view] == [("Alice (EN)", "second", True)]
    assert discord_double.requests_to("POST", "/webhooks/*")[-1].query["thread_id"] == str(thread.id)
