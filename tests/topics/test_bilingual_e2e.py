"""Each room is a bilingual space: with the bridge loaded, every message gets its translation under it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from discord_double import DiscordDouble
from tests.topics.conftest import running, world
from tests.translation.fake_servers import FakeMicrosoft


@pytest.fixture
async def translator() -> AsyncIterator[FakeMicrosoft]:
    async with FakeMicrosoft() as server:
        yield server


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.bridge", "cogs.topics")


@pytest.fixture
def environment(translator: FakeMicrosoft) -> dict[str, str]:
    return {"TRANSLATOR": "microsoft", "TRANSLATION_TIMEOUT": "2", **translator.env()}


async def test_messages_in_a_room_get_their_translation_under_them(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    await server.run(server.alice, "join", topic="groceries")
    await server.run(server.bob, "join", topic="groceries")
    original = await server.double.post(server.bob, groceries, "你好，今天天气很好")
    copy = await server.double.wait_for_message(groceries, lambda view: view.by_webhook, after=original)
    # The fake translator marks its output with the target language.
    assert copy.content.startswith("[en] 你好，今天天气很好")
    assert copy.author == "小明"
    assert copy in server.double.view(groceries, server.alice)


async def test_seeded_rooms_are_registered_as_mixed_bridge_channels(server):
    await server.run(server.moderator, "seed")
    relay = server.bot.bridge_relay
    assert all(relay.is_bridged(room.id) for room in server.rooms())


async def test_rooms_seeded_while_the_bridge_was_off_become_bilingual_when_it_is_back(
    discord_double: DiscordDouble, sqlite_url: str, environment: dict[str, str],
) -> None:
    place = world(discord_double)
    async with running(place, sqlite_url, ("cogs.topics",), environment) as server:
        await server.run(server.moderator, "seed")
        rooms = server.rooms()
    async with running(place, sqlite_url, ("cogs.bridge", "cogs.topics"), environment) as server:
        relay = server.bot.bridge_relay
        await discord_double.wait_for(lambda: all(relay.is_bridged(room.id) for room in rooms))
        groceries = server.channel_named("groceries")
        await server.run(server.bob, "join", topic="groceries")
        original = await discord_double.post(server.bob, groceries, "你好，今天天气很好")
        copy = await discord_double.wait_for_message(groceries, lambda view: view.by_webhook, after=original)
        assert copy.content.startswith("[en] 你好，今天天气很好")
