"""Threads in the double as Discord makes them and discord.py reads them: THREAD_CREATE with
newly_created, THREAD_UPDATE's thread_metadata, THREAD_DELETE, messages inside threads, the system
messages threads bring, archived and locked threads, and private threads only their members see."""

from __future__ import annotations

import ast
from pathlib import Path

import discord
import pytest
from discord.ext import commands

from discord_double import DiscordDouble, run_client
from discord_double.state import THREAD_CREATED, THREAD_STARTER_MESSAGE


class Recorder(commands.Bot):
    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        self.seen: list[tuple[str, object]] = []

    async def on_thread_create(self, thread: discord.Thread) -> None:
        self.seen.append(("create", thread))

    async def on_thread_join(self, thread: discord.Thread) -> None:
        self.seen.append(("join", thread))

    async def on_raw_thread_update(self, payload: discord.RawThreadUpdateEvent) -> None:
        self.seen.append(("update", payload))

    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        self.seen.append(("delete", payload))

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(("message", message))

    def of(self, kind: str) -> list:
        return [item for seen_kind, item in self.seen if seen_kind == kind]


@pytest.fixture
def world(discord_double: DiscordDouble):
    guild = discord_double.create_guild("Threads")
    channel = discord_double.create_channel(guild, "general")
    alice = discord_double.add_member(guild, "alice", display_name="Alice")
    bob = discord_double.add_member(guild, "bob", display_name="Bob")
    return guild, channel, alice, bob


def _typed_dict_keys(module: str, name: str) -> tuple[set[str], set[str]]:
    """Required and optional keys of a TypedDict in discord.py's own `discord/types/` source (those
    modules import each other in circles, so they are read, not imported)."""
    source = Path(discord.__file__).parent / "types" / f"{module}.py"
    tree = ast.parse(source.read_text())
    required: set[str] = set()
    optional: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    text = ast.unparse(item.annotation)
                    (optional if text.startswith("NotRequired") else required).add(item.target.id)
            return required, optional
    raise AssertionError(f"{name} not found in discord/types/{module}.py")


async def test_thread_payloads_have_what_discord_py_models_require(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, _ = world
    starter = await discord_double.post(alice, channel, "let's talk")
    thread = await discord_double.create_thread(alice, channel, "talk", message=starter)
    required, optional = _typed_dict_keys("threads", "Thread")
    meta_required, meta_optional = _typed_dict_keys("threads", "ThreadMetadata")
    payload = thread.to_dict()
    assert required <= set(payload) <= required | optional
    assert meta_required <= set(payload["thread_metadata"]) <= meta_required | meta_optional
    created = next(data for event, data in discord_double.events if event == "THREAD_CREATE")
    assert created["newly_created"] is True and created["id"] == str(starter.id)
    deleted_required, _ = _typed_dict_keys("gateway", "ThreadDeleteEvent")
    await discord_double.delete_thread(thread)
    deleted = next(data for event, data in discord_double.events if event == "THREAD_DELETE")
    assert deleted_required <= set(deleted)


async def test_a_thread_on_a_message_is_created_and_talked_in(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, bob = world
    async with run_client(Recorder(), discord_double) as bot:
        starter = await discord_double.post(alice, channel, "let's talk")
        thread = await discord_double.create_thread(alice, channel, "talk", message=starter)
        await discord_double.post(bob, thread, "inside")
        await discord_double.wait_for(lambda: any(m.content == "inside" for m in bot.of("message")))
        created = bot.of("create")
        assert [t.id for t in created] == [starter.id] and created[0].parent_id == channel.id
        inside = next(m for m in bot.of("message") if m.content == "inside")
        assert inside.channel.id == thread.id and isinstance(inside.channel, discord.Thread)
        assert inside.guild.id == guild.id
        starter_message = next(m for m in bot.of("message") if m.type is discord.MessageType.thread_starter_message)
        assert starter_message.channel.id == thread.id and starter_message.reference.message_id == starter.id
        fetched = await bot.get_channel(channel.id).fetch_message(starter.id)
        assert fetched.thread is not None and fetched.thread.id == thread.id and fetched.flags.has_thread
        history = [m async for m in bot.get_channel(thread.id).history(oldest_first=True)]
        assert [m.type for m in history] == [discord.MessageType.thread_starter_message, discord.MessageType.default]
    assert [v.content for v in discord_double.view(thread)] == ["inside"]


async def test_a_thread_on_its_own_leaves_a_thread_created_message_in_the_parent(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, _ = world
    async with run_client(Recorder(), discord_double) as bot:
        thread = await discord_double.create_thread(alice, channel, "standalone")
        notice = await discord_double.wait_for(
            lambda: next((m for m in bot.of("message") if m.type is discord.MessageType.thread_created), None))
        assert notice.channel.id == channel.id and notice.content == "standalone"
        assert notice.reference is not None and notice.reference.channel_id == thread.id
    assert [m.type for m in discord_double.messages_in(channel)] == [THREAD_CREATED]
    assert not any(m.type == THREAD_STARTER_MESSAGE for m in discord_double.messages_in(thread))


async def test_a_private_thread_reaches_the_bot_only_when_it_may_see_it(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, bob = world
    discord_double.set_bot_permissions(guild, deny=["manage_threads"])
    async with run_client(Recorder(), discord_double) as bot:
        secret = await discord_double.create_thread(alice, channel, "secret", private=True)
        await discord_double.post(alice, secret, "just us")
        await discord_double.post(alice, channel, "marker")
        await discord_double.wait_for(lambda: any(m.content == "marker" for m in bot.of("message")))
        assert bot.of("create") == [] and not any(m.content == "just us" for m in bot.of("message"))
        assert [v.content for v in discord_double.view(secret, as_member=bob)] == []
        assert [v.content for v in discord_double.view(secret, as_member=alice)] == ["just us"]
        # no "started a thread" notice for a private thread
        assert [v.content for v in discord_double.view(channel)] == ["marker"]
        await discord_double.add_to_thread(bot_member(discord_double, guild), secret)
        await discord_double.wait_for(lambda: bot.of("join"))
        await discord_double.post(alice, secret, "now the bot hears")
        await discord_double.wait_for(lambda: any(m.content == "now the bot hears" for m in bot.of("message")))


async def test_a_moderator_bot_sees_private_threads(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, _ = world
    async with run_client(Recorder(), discord_double) as bot:
        secret = await discord_double.create_thread(alice, channel, "secret", private=True)
        await discord_double.post(alice, secret, "mods can read this")
        await discord_double.wait_for(lambda: any(m.content == "mods can read this" for m in bot.of("message")))
        assert bot.of("create")[0].type is discord.ChannelType.private_thread


def bot_member(double: DiscordDouble, guild):
    return guild.members[double.bot_user.id]


async def test_rename_archive_lock_and_unarchive_arrive_as_thread_updates(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, bob = world
    moderator_role = discord_double.create_role(guild, "mods", permissions=["manage_threads"])
    discord_double.give_role(bob, moderator_role)
    async with run_client(Recorder(), discord_double) as bot:
        thread = await discord_double.create_thread(alice, channel, "old name")
        await discord_double.edit_thread(alice, thread, name="new name")
        await discord_double.edit_thread(alice, thread, archived=True)
        await discord_double.wait_for(lambda: len(bot.of("update")) == 2)
        renamed, archived = bot.of("update")
        assert renamed.data["name"] == "new name" and not renamed.data["thread_metadata"]["archived"]
        assert archived.data["thread_metadata"]["archived"] is True
        assert guild.channels[thread.id].archived and bot.get_guild(guild.id).get_thread(thread.id) is None
        # a person cannot edit anything in an archived thread but unarchive it
        with pytest.raises(Exception, match="50083"):
            await discord_double.edit_thread(alice, thread, name="again")
        await discord_double.edit_thread(alice, thread, archived=False)
        await discord_double.edit_thread(bob, thread, locked=True)
        with pytest.raises(Exception, match="50013"):
            await discord_double.edit_thread(alice, thread, locked=False)
        await discord_double.wait_for(lambda: len(bot.of("update")) == 4)
        assert bot.of("update")[-1].data["thread_metadata"]["locked"] is True
        assert bot.get_guild(guild.id).get_thread(thread.id).locked
        renames = [m for m in discord_double.messages_in(thread) if m.type == 4]
        assert [m.content for m in renames] == ["new name"]


async def test_posting_in_an_archived_thread_unarchives_it_unless_locked(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, bob = world
    async with run_client(Recorder(), discord_double) as bot:
        thread = await discord_double.create_thread(alice, channel, "quiet")
        await discord_double.edit_thread(alice, thread, archived=True)
        await discord_double.post(bob, thread, "wake up")
        assert not thread.archived
        await discord_double.wait_for(lambda: bot.get_guild(guild.id).get_thread(thread.id) is not None)
        await discord_double.edit_thread(bot_member(discord_double, guild), thread, locked=True, archived=True)
        with pytest.raises(Exception, match="50083"):
            await discord_double.post(bob, thread, "let me in")


async def test_the_bot_threads_on_a_message_and_alone_and_posts_through_a_webhook(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, _ = world
    async with run_client(Recorder(), discord_double) as bot:
        text_channel = bot.get_channel(channel.id)
        starter = await text_channel.send("starter")
        on_message = await starter.create_thread(name="on a message")
        alone = await text_channel.create_thread(name="alone", type=discord.ChannelType.public_thread)
        assert on_message.id == starter.id and alone.type is discord.ChannelType.public_thread
        webhook = await text_channel.create_webhook(name="relay")
        sent = await webhook.send("into the thread", username="Alice", thread=alone, wait=True)
        assert sent.channel.id == alone.id
        await discord_double.wait_for(lambda: any(m.content == "into the thread" and m.channel.id == alone.id
                                                  for m in bot.of("message")))
        # archived: a webhook post unarchives; edits and deletes are refused until then (Discord's
        # own client unarchives first); locked and archived refuse it
        await alone.edit(archived=True)
        with pytest.raises(discord.HTTPException) as caught:
            await webhook.edit_message(sent.id, content="edited", thread=alone)
        assert caught.value.code == 50083
        with pytest.raises(discord.HTTPException) as caught:
            await webhook.delete_message(sent.id, thread=alone)
        assert caught.value.code == 50083
        with pytest.raises(discord.HTTPException) as caught:
            await bot.http.delete_message(alone.id, sent.id)
        assert caught.value.code == 50083
        await webhook.send("again", username="Alice", thread=alone, wait=True)
        assert not discord_double.world.channels[alone.id].archived
        await alone.edit(locked=True, archived=True)
        with pytest.raises(discord.HTTPException) as caught:
            await webhook.send("refused", username="Alice", thread=alone, wait=True)
        assert caught.value.code == 50083
        with pytest.raises(discord.HTTPException) as caught:
            await bot.http.start_thread_without_message(on_message.id, name="thread in a thread",
                                                        auto_archive_duration=1440, type=11)
        assert caught.value.code == 50024
    assert [v.content for v in discord_double.view(discord_double.world.channels[alone.id])] == ["into the thread", "again"]


async def test_deleting_a_channel_deletes_its_threads(discord_double: DiscordDouble, world) -> None:
    guild, channel, alice, _ = world
    async with run_client(Recorder(), discord_double) as bot:
        thread = await discord_double.create_thread(alice, channel, "doomed")
        await discord_double.wait_for(lambda: bot.of("create"))
        discord_double.world.delete_channel(channel)
        await discord_double.wait_for(lambda: bot.of("delete"))
        assert bot.of("delete")[0].thread_id == thread.id and bot.of("delete")[0].parent_id == channel.id


async def test_people_thread_through_the_control_api(discord_double: DiscordDouble, world) -> None:
    import aiohttp

    guild, channel, alice, bob = world
    base = discord_double.base_url
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/_double/members/{alice.id}/messages",
                             json={"channel_id": str(channel.id), "content": "start here"}) as response:
            starter = await response.json()
        async with http.post(f"{base}/_double/members/{alice.id}/threads",
                             json={"channel_id": str(channel.id), "name": "from outside", "message_id": starter["id"]}) as response:
            thread = await response.json()
        assert thread["id"] == starter["id"] and thread["parent_id"] == str(channel.id)
        async with http.post(f"{base}/_double/members/{bob.id}/messages",
                             json={"channel_id": thread["id"], "content": "inside"}) as response:
            inside = await response.json()
        async with http.patch(f"{base}/_double/messages/{inside['id']}", json={"content": "inside, edited"}) as response:
            assert response.status == 200
        async with http.patch(f"{base}/_double/members/{bob.id}/threads/{thread['id']}", json={"name": "hijacked"}) as response:
            assert response.status == 403 and (await response.json())["code"] == 50013
        async with http.patch(f"{base}/_double/members/{alice.id}/threads/{thread['id']}",
                              json={"name": "renamed", "archived": True}) as response:
            assert (await response.json())["thread_metadata"]["archived"] is True
        async with http.get(f"{base}/_double/state") as response:
            listed = next(c for c in (await response.json())["guilds"][0]["channels"] if c["id"] == thread["id"])
        async with http.delete(f"{base}/_double/messages/{inside['id']}") as response:
            assert response.status == 204
    assert (listed["name"], listed["archived"], listed["owner_id"]) == ("renamed", True, str(alice.id))
    assert discord_double.world.messages[int(inside["id"])].deleted
