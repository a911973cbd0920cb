"""Topic rooms end to end: the real bot, cogs.topics, the Discord double and a temp SQLite file."""

from __future__ import annotations

import asyncio

from bot.topics_data import load_starter_topics
from discord_double import permissions as P

STARTERS = load_starter_topics()


async def test_seed_creates_every_starter_room_under_the_topics_category(server):
    handle = await server.run(server.moderator, "seed")
    assert handle.ephemeral
    rooms = server.rooms()
    assert len(rooms) == len(STARTERS)
    groceries = server.channel_named("groceries")
    assert groceries.name == "groceries-买菜与物价"
    assert groceries.topic.startswith("🛒 Groceries & Prices · 买菜与物价 — ")


async def test_seeded_rooms_are_hidden_until_joined(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    assert not server.double.permissions_in(groceries, server.alice) & P.VIEW_CHANNEL
    assert server.double.permissions_in(groceries, server.double.bot_member(server.guild)) & P.SEND_MESSAGES


async def test_seeding_again_creates_nothing_new(server):
    await server.run(server.moderator, "seed")
    second = await server.run(server.moderator, "seed")
    assert len(server.rooms()) == len(STARTERS)
    assert "0 created" in second.response_text


async def test_create_makes_a_bilingual_room_from_either_script(server):
    handle = await server.run(
        server.moderator, "create", name_en="Pets", name_zh="寵物", description="Cat tax welcome", emoji="🐱"
    )
    pets = server.channel_named("pets")
    assert pets.name == "pets-宠物"
    assert pets.topic == "🐱 Pets · 宠物 — Cat tax welcome"
    assert pets in server.rooms()
    assert f"<#{pets.id}>" in handle.response_text


async def test_create_refuses_a_name_already_taken(server):
    await server.run(server.moderator, "seed")
    handle = await server.run(server.moderator, "create", name_en="Groceries & Prices", name_zh="买菜")
    assert "already exists" in handle.response_text
    assert len(server.rooms()) == len(STARTERS)


async def test_joining_shows_the_room_to_the_member_and_in_mine(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    joined = await server.run(server.alice, "join", topic="groceries")
    assert joined.ephemeral and f"<#{groceries.id}>" in joined.response_text
    assert server.double.permissions_in(groceries, server.alice) & P.VIEW_CHANNEL
    assert not server.double.permissions_in(groceries, server.bob) & P.VIEW_CHANNEL
    mine = await server.run(server.alice, "mine")
    assert f"<#{groceries.id}>" in mine.response_text
    assert "rent" not in mine.response_text.lower()


async def test_leaving_hides_the_room_again(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    await server.run(server.alice, "join", topic="groceries")
    left = await server.run(server.alice, "leave", topic="groceries")
    assert "You left" in left.response_text
    assert not server.double.permissions_in(groceries, server.alice) & P.VIEW_CHANNEL
    mine = await server.run(server.alice, "mine")
    assert "not joined any" in mine.response_text


async def test_a_topic_can_be_named_in_english_simplified_or_traditional(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    for typed, member in (("Groceries & Prices", server.alice), ("买菜与物价", server.bob), ("買菜與物價", server.moderator)):
        handle = await server.run(member, "join", topic=typed)
        assert f"<#{groceries.id}>" in handle.response_text, typed
        assert server.double.permissions_in(groceries, member) & P.VIEW_CHANNEL


async def test_an_unknown_topic_gets_a_localised_error(server):
    await server.run(server.moderator, "seed")
    english = await server.run(server.alice, "join", topic="underwater basket weaving")
    chinese = await server.run(server.bob, "join", topic="水下编篮", locale="zh-CN")
    assert english.ephemeral and "no open topic room called “underwater basket weaving”" in english.response_text
    assert "没有名为“水下编篮”的开放话题房间" in chinese.response_text


async def test_autocomplete_matches_both_languages_and_scripts(server):
    await server.run(server.moderator, "seed")
    by_english = await server.autocomplete(server.alice, "join", "groc")
    by_traditional = await server.autocomplete(server.bob, "join", "物價", locale="zh-TW")
    by_simplified = await server.autocomplete(server.bob, "join", "物价", locale="zh-CN")
    assert by_english[0] == {"name": "🛒 Groceries & Prices · 买菜与物价", "value": "groceries"}
    assert by_traditional[0] == {"name": "🛒 買菜與物價 · Groceries & Prices", "value": "groceries"}
    assert by_simplified[0]["value"] == "groceries"


async def test_the_autocomplete_value_joins_the_room(server):
    await server.run(server.moderator, "seed")
    [choice, *_] = await server.autocomplete(server.alice, "join", "住房")
    handle = await server.run(server.alice, "join", topic=choice["value"])
    assert "You joined" in handle.response_text


async def test_list_shows_members_and_activity_in_the_readers_language(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    await server.run(server.alice, "join", topic="groceries")
    await server.run(server.bob, "join", topic="groceries")
    await server.double.post(server.alice, groceries, "Eggs are $6 a dozen here")
    await _wait_for_activity(server, "groceries")
    listing = await server.run(server.bob, "list", locale="zh-TW")
    line = next(line for line in listing.response_text.splitlines() if f"<#{groceries.id}>" in line)
    assert "買菜與物價 · Groceries & Prices" in line
    assert "2 位成員" in line and "本週 1 則訊息" in line and "<t:" in line
    assert "（已加入）" in line


async def test_archiving_keeps_history_readable_but_read_only(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    await server.run(server.alice, "join", topic="groceries")
    before = await server.double.post(server.alice, groceries, "Rent is high")
    handle = await server.run(server.moderator, "archive", topic="买菜与物价")
    assert "archived" in handle.response_text
    alice_sees = server.double.permissions_in(groceries, server.alice)
    assert alice_sees & P.VIEW_CHANNEL and not alice_sees & P.SEND_MESSAGES
    assert not server.double.permissions_in(groceries, server.bob) & P.VIEW_CHANNEL
    assert [view.id for view in server.double.view(groceries, server.alice)] == [before.id]
    archive = server.guild.channels[groceries.parent_id]
    assert archive.name == "Archive · 归档"
    assert groceries not in server.rooms()
    listing = await server.run(server.alice, "list")
    assert f"<#{groceries.id}>" not in listing.response_text
    assert await server.autocomplete(server.alice, "join", "groc") == []


async def test_seed_does_not_bring_back_an_archived_room(server):
    await server.run(server.moderator, "seed")
    await server.run(server.moderator, "archive", topic="groceries")
    await server.run(server.moderator, "seed")
    assert len([c for c in server.guild.channels.values() if c.name and c.name.startswith("groceries")]) == 1


async def test_rename_changes_the_channel_and_the_names_it_answers_to(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    await server.run(server.moderator, "rename", topic="groceries", name_en="Food Prices", name_zh="食品价格")
    assert groceries.name == "food-prices-食品价格"
    joined = await server.run(server.alice, "join", topic="食品價格")
    assert f"<#{groceries.id}>" in joined.response_text


async def test_members_cannot_use_moderator_commands(server):
    for command, options in (
        ("seed", {}),
        ("create", {"name_en": "Pets", "name_zh": "宠物"}),
        ("archive", {"topic": "groceries"}),
        ("schedule", {"topic": "groceries", "hour": 9}),
        ("addprompt", {"topic": "groceries", "en": "Hi?", "zh": "你好？"}),
    ):
        handle = await server.run(server.alice, command, **options)
        assert "Only moderators" in handle.response_text, command
    assert [c for c in server.guild.channels.values() if c.type == 4] == []


async def _wait_for_activity(server, slug: str) -> None:
    topic = await server.service.resolve(server.guild.id, slug)
    for _ in range(200):
        if (await server.service.activity(server.guild.id))[topic.id].messages_this_week:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the message was not counted")


async def test_seed_gives_a_room_whose_channel_was_deleted_a_new_channel(server):
    await server.run(server.moderator, "seed")
    old = server.channel_named("groceries")
    server.double.world.delete_channel(old)
    await asyncio.sleep(0.05)
    handle = await server.run(server.moderator, "seed")
    assert "1 created" in handle.response_text
    new = server.channel_named("groceries")
    assert new.id != old.id
    assert (await server.service.resolve(server.guild.id, "groceries")).channel_id == new.id
