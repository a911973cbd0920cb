"""Topic rooms end to end: the real bot, cogs.topics, the Discord double and a temp SQLite file."""

from __future__ import annotations

from tests.double import permissions as P
from bot.topics_data import load_starter_topics

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
