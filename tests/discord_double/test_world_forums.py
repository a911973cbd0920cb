"""Forum and media channels in the double as discord.py's own models read them: available tags,
posts (threads whose starter message has the thread's id) made by people, by the bot and by a
webhook with `thread_name`/`applied_tags`, replies with `thread_id`, and Discord's refusals."""

from __future__ import annotations

import discord
import pytest
from discord.ext import commands

from discord_double import DiscordDouble, run_client


def make_bot() -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    return commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)


@pytest.fixture
def forum_world(discord_double: DiscordDouble):
    guild = discord_double.create_guild("Forums")
    forum = discord_double.create_channel(guild, "help", type="forum", tags=[
        ("Question", "❓"), ("Bug", "bug:123456789012345678"), {"name": "Solved", "moderated": True},
    ])
    alice = discord_double.add_member(guild, "alice", display_name="Alice")
    return guild, forum, alice


async def test_forum_and_media_channels_carry_their_tags_into_discord_py(discord_double: DiscordDouble, forum_world) -> None:
    guild, forum, _ = forum_world
    media = discord_double.create_channel(guild, "clips", type="media", tags=["Funny"])
    async with run_client(make_bot(), discord_double) as bot:
        cached = bot.get_channel(forum.id)
        fetched = await bot.fetch_channel(forum.id)
        clips = bot.get_channel(media.id)
    for channel in (cached, fetched):
        assert isinstance(channel, discord.ForumChannel) and channel.type is discord.ChannelType.forum
        tags = {tag.name: tag for tag in channel.available_tags}
        assert set(tags) == {"Question", "Bug", "Solved"}
        assert str(tags["Question"].emoji) == "❓" and tags["Question"].emoji.id is None
        assert tags["Bug"].emoji.id == 123456789012345678 and tags["Bug"].emoji.name == "bug"
        assert tags["Solved"].emoji is None and tags["Solved"].moderated
    assert isinstance(clips, discord.ForumChannel) and clips.type is discord.ChannelType.media
    assert [tag.name for tag in clips.available_tags] == ["Funny"]


async def test_a_persons_post_arrives_as_a_thread_with_tags_then_its_starter_message(
    discord_double: DiscordDouble, forum_world,
) -> None:
    _, forum, alice = forum_world
    seen: dict[str, object] = {}
    bot = make_bot()

    async def on_thread_create(thread: discord.Thread) -> None:
        seen["thread"] = thread
        seen["tags_at_create"] = [tag.name for tag in thread.applied_tags]

    async def on_message(message: discord.Message) -> None:
        seen["message"] = message

    bot.add_listener(on_thread_create)
    bot.add_listener(on_message)
    async with run_client(bot, discord_double):
        thread, starter = await discord_double.create_post(alice, forum, "How do tones work?", "I keep mixing them up",
                                                           tags=["Question"])
        await discord_double.wait_for(lambda: "message" in seen)
    assert starter.id == thread.id and starter.channel_id == thread.id
    assert [event for event, _ in discord_double.events][-2:] == ["THREAD_CREATE", "MESSAGE_CREATE"]
    created = seen["thread"]
    assert isinstance(created, discord.Thread) and created.parent_id == forum.id and created.name == "How do tones work?"
    assert seen["tags_at_create"] == ["Question"]
    message = seen["message"]
    assert message.id == created.id and message.channel.id == created.id and message.content == "I keep mixing them up"
    assert message.type is discord.MessageType.default
    assert created.starter_message is not None and created.starter_message.id == message.id


async def test_bot_creates_a_post_with_tags_and_gets_thread_and_message(discord_double: DiscordDouble, forum_world) -> None:
    _, forum, _ = forum_world
    async with run_client(make_bot(), discord_double) as bot:
        channel = bot.get_channel(forum.id)
        question = next(tag for tag in channel.available_tags if tag.name == "Question")
        thread, message = await channel.create_thread(name="Welcome", content="Read me first", applied_tags=[question])
    assert thread.id == message.id and message.channel.id == thread.id
    assert [tag.name for tag in thread.applied_tags] == ["Question"]
    [post] = discord_double.posts_in(forum)
    assert post.applied_tags == [question.id] and discord_double.view(post)[0].content == "Read me first"
    request = discord_double.requests_to("POST", "/channels/{channel_id}/threads")[-1]
    assert request.json["message"]["content"] == "Read me first" and request.json["applied_tags"] == [str(question.id)]


async def test_webhook_with_thread_name_and_applied_tags_opens_a_post_and_thread_id_replies_in_it(
    discord_double: DiscordDouble, forum_world,
) -> None:
    _, forum, _ = forum_world
    async with run_client(make_bot(), discord_double) as bot:
        channel = bot.get_channel(forum.id)
        bug = next(tag for tag in channel.available_tags if tag.name == "Bug")
        webhook = await channel.create_webhook(name="relay")
        opened = await webhook.send("It crashes", username="Alice (EN)", thread_name="Crash on start",
                                    applied_tags=[bug], wait=True)
        reply = await webhook.send("Same here", username="Wang", thread=discord.Object(opened.channel.id), wait=True)
    [post] = discord_double.posts_in(forum)
    assert opened.id == post.id == opened.channel.id and post.name == "Crash on start"
    assert post.applied_tags == [bug.id] and post.owner_id == webhook.id
    assert [(v.author, v.content) for v in discord_double.view(post)] == [("Alice (EN)", "It crashes"), ("Wang", "Same here")]
    assert reply.channel.id == post.id
    create = next(event for event in discord_double.events if event[0] == "THREAD_CREATE")[1]
    assert create["applied_tags"] == [str(bug.id)] and create["newly_created"] is True


async def test_forum_refusals_match_discord(discord_double: DiscordDouble, forum_world) -> None:
    guild, forum, _ = forum_world
    text = discord_double.create_channel(guild, "general")
    picky = discord_double.create_channel(guild, "picky", type="forum", tags=["Idea"], require_tag=True)
    async with run_client(make_bot(), discord_double) as bot:
        with pytest.raises(discord.HTTPException) as plain:
            await bot.http.send_message(forum.id, params=discord.http.handle_message_parameters(content="hi"))
        forum_hook = await bot.get_channel(forum.id).create_webhook(name="relay")
        with pytest.raises(discord.HTTPException) as untitled:
            await forum_hook.send("no title", wait=True)
        text_hook = await bot.get_channel(text.id).create_webhook(name="relay")
        with pytest.raises(discord.HTTPException) as titled_text:
            await text_hook.send("titled", thread_name="A post?", wait=True)
        picky_hook = await bot.get_channel(picky.id).create_webhook(name="relay")
        with pytest.raises(discord.HTTPException) as untagged:
            await picky_hook.send("no tag", thread_name="Untagged", wait=True)
        solved = next(tag for tag in bot.get_channel(forum.id).available_tags if tag.name == "Solved")
        discord_double.set_bot_permissions(forum, deny=["manage_threads"])
        with pytest.raises(discord.Forbidden) as moderated:
            await forum_hook.send("done", thread_name="Moderated tag", applied_tags=[solved], wait=True)
    assert (plain.value.status, plain.value.code, plain.value.text) == (400, 50008, "Cannot send messages in a non-text channel")
    assert (untitled.value.status, untitled.value.code) == (400, 220001)
    assert (titled_text.value.status, titled_text.value.code) == (400, 220003)
    assert (untagged.value.status, untagged.value.code) == (400, 40067)
    assert moderated.value.code == 50013
    assert discord_double.posts_in(forum) == [] and discord_double.posts_in(picky) == []


async def test_tags_edited_on_a_post_and_on_the_forum_reach_the_bot(discord_double: DiscordDouble, forum_world) -> None:
    _, forum, alice = forum_world
    async with run_client(make_bot(), discord_double) as bot:
        thread, _ = await discord_double.create_post(alice, forum, "Tones", "?", tags=["Question"])
        await discord_double.wait_for(lambda: bot.get_channel(forum.id).get_thread(thread.id) is not None)
        cached = bot.get_channel(forum.id).get_thread(thread.id)
        bug = next(tag for tag in bot.get_channel(forum.id).available_tags if tag.name == "Bug")
        edited = await cached.edit(applied_tags=[bug])
        discord_double.set_forum_tags(forum, [*forum.available_tags, ("Idea", "💡")])
        await discord_double.wait_for(lambda: len(bot.get_channel(forum.id).available_tags) == 4)
    assert [tag.name for tag in edited.applied_tags] == ["Bug"] and thread.applied_tags == [bug.id]
    assert [tag.name for tag in forum.available_tags] == ["Question", "Bug", "Solved", "Idea"]


async def test_a_person_retags_their_own_post_and_only_a_thread_moderator_someone_elses(
    discord_double: DiscordDouble, forum_world,
) -> None:
    guild, forum, alice = forum_world
    bob = discord_double.add_member(guild, "bob")
    async with run_client(make_bot(), discord_double) as bot:
        updates: list[list[str]] = []

        async def record(payload: discord.RawThreadUpdateEvent) -> None:
            updates.append(payload.data.get("applied_tags"))

        bot.add_listener(record, "on_raw_thread_update")
        thread, _ = await discord_double.create_post(alice, forum, "Tones", "?", tags=["Question"])
        await discord_double.edit_thread(alice, thread, tags=["Bug"])
        with pytest.raises(Exception, match="50013"):
            await discord_double.edit_thread(bob, thread, tags=["Question"])
        with pytest.raises(Exception, match="50013"):  # moderated: Manage Threads only, the owner too
            await discord_double.edit_thread(alice, thread, tags=["Solved"])
        await discord_double.wait_for(lambda: updates)
    assert thread.applied_tags == [discord_double.forum_tag(forum, "Bug").id]
    assert updates == [[str(discord_double.forum_tag(forum, "Bug").id)]]


async def test_a_thread_without_a_starter_cannot_be_opened_in_a_forum(discord_double: DiscordDouble, forum_world) -> None:
    _, forum, alice = forum_world
    with pytest.raises(ValueError, match="create_post"):
        await discord_double.create_thread(alice, forum, "no starter")
    async with run_client(make_bot(), discord_double) as bot:
        with pytest.raises(discord.HTTPException) as refused:
            await bot.http.start_thread_without_message(forum.id, name="no starter", auto_archive_duration=1440, type=11)
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert discord_double.posts_in(forum) == []
