"""Topic-room follow-ups, end to end: /topics unarchive, a per-server Chinese script for rooms, and
the member cooldown of /topics prompt keyed on the room rather than the text typed."""

from __future__ import annotations

from datetime import timedelta

from bot.topics.cooldown import RoomCooldown
from bot.topics.models import TRADITIONAL
from bot.topics.naming import channel_name
from discord_double import permissions as P
from tests.topics.test_icebreakers_e2e import FIRST_SLOT, schedule_groceries

HEADING_TRADITIONAL = "💬 **Icebreaker · 破冰話題**"


# ---- unarchive -----------------------------------------------------------------------------------


async def test_unarchive_brings_a_room_back_for_the_members_who_had_joined(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    await server.run(server.alice, "join", topic="groceries")
    await server.run(server.moderator, "archive", topic="groceries")
    suggested = await server.autocomplete(server.moderator, "unarchive", "groc")
    assert [choice["value"] for choice in suggested] == ["groceries"]

    handle = await server.run(server.moderator, "unarchive", topic="買菜與物價")
    assert handle.ephemeral and "open again" in handle.response_text and f"<#{groceries.id}>" in handle.response_text
    assert groceries in server.rooms()
    alice_may = server.double.permissions_in(groceries, server.alice)
    assert alice_may & P.VIEW_CHANNEL and alice_may & P.SEND_MESSAGES
    assert not server.double.permissions_in(groceries, server.bob) & P.VIEW_CHANNEL  # still opt-in
    listing = await server.run(server.alice, "list")
    assert f"<#{groceries.id}>" in listing.response_text
    assert [c["value"] for c in await server.autocomplete(server.alice, "join", "groc")] == ["groceries"]
    assert await server.autocomplete(server.moderator, "unarchive", "groc") == []
    posted = await server.double.post(server.alice, groceries, "Eggs are expensive again")
    assert posted.id in [view.id for view in server.double.view(groceries, server.alice)]


async def test_unarchive_refuses_a_room_that_is_open_and_members(server):
    await server.run(server.moderator, "seed")
    open_room = await server.run(server.moderator, "unarchive", topic="groceries")
    assert "no archived topic room called “groceries”" in open_room.response_text
    member = await server.run(server.alice, "unarchive", topic="groceries")
    assert "Only moderators" in member.response_text


async def test_a_daily_icebreaker_resumes_after_unarchiving(server):
    await schedule_groceries(server)
    await server.run(server.moderator, "archive", topic="groceries")
    assert (await server.service.topic_for_channel(server.channel_named("groceries").id)).next_prompt_at is None
    server.clock.now = FIRST_SLOT + timedelta(days=2, hours=1)
    await server.run(server.moderator, "unarchive", topic="groceries")
    topic = await server.service.resolve(server.guild.id, "groceries")
    assert topic.next_prompt_at == FIRST_SLOT + timedelta(days=3)


# ---- Chinese script ------------------------------------------------------------------------------


async def test_choosing_traditional_renames_rooms_and_is_used_for_new_rooms_and_prompts(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    archived_now = await server.run(server.moderator, "archive", topic="rent-housing")
    assert "archived" in archived_now.response_text
    rent = server.channel_named("rent-housing")
    handle = await server.run(server.moderator, "script", value="traditional")
    assert "Traditional Chinese" in handle.response_text
    assert groceries.name == "groceries-買菜與物價"
    assert groceries.topic == "🛒 Groceries & Prices · 買菜與物價 — Compare what everyday groceries cost and where people shop. · 聊聊日常買菜花多少錢、大家都去哪兒買。"
    [archived] = await server.service.archived_topics(server.guild.id)
    assert rent.name == channel_name("rent-housing", archived.name_zh_hant) != channel_name("rent-housing", archived.name_zh_hans)
    assert await server.service.script(server.guild.id) == TRADITIONAL

    await server.run(server.moderator, "create", name_en="Gardening", name_zh="园艺")
    assert server.channel_named("gardening").name == "gardening-園藝"
    await server.run(server.moderator, "prompt", topic="groceries")
    [prompt] = [view.content for view in server.double.view(groceries) if view.content.startswith(HEADING_TRADITIONAL)]
    topic = await server.service.resolve(server.guild.id, "groceries")
    bank = {item.prompt.en: item.prompt for item in await server.service.bank(topic)}
    english = prompt.splitlines()[1].split(" · ")[0]
    assert prompt.splitlines()[1] == f"{english} · {bank[english].zh_hant}"
    joined = await server.run(server.alice, "join", topic="groceries-買菜與物價")
    assert f"<#{groceries.id}>" in joined.response_text

    back = await server.run(server.moderator, "script", value="simplified", locale="zh-CN")
    assert "简体中文" in back.response_text
    assert groceries.name == "groceries-买菜与物价"


async def test_a_scheduled_icebreaker_uses_the_server_s_script(server):
    groceries = await schedule_groceries(server)
    await server.run(server.moderator, "script", value="traditional")
    await server.service.run_due(FIRST_SLOT + timedelta(seconds=20))
    [posted] = [view.content for view in server.double.view(groceries) if view.content.startswith("💬")]
    assert posted.startswith(HEADING_TRADITIONAL)


async def test_only_moderators_choose_the_script(server):
    await server.run(server.moderator, "seed")
    handle = await server.run(server.alice, "script", value="traditional")
    assert "Only moderators" in handle.response_text
    assert server.channel_named("groceries").name == "groceries-买菜与物价"


async def test_rooms_the_bot_cannot_rename_are_counted_not_fatal(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    server.double.set_bot_permissions(groceries, deny=["manage_channels"])
    handle = await server.run(server.moderator, "script", value="traditional")
    await handle.wait_followups(1)
    assert groceries.name == "groceries-买菜与物价"
    assert any("Rooms that could not be renamed: 1." in message.content for message in handle.followups)
    healthcare = await server.service.resolve(server.guild.id, "healthcare")
    assert server.channel_named("healthcare").name == channel_name("healthcare", healthcare.name_zh_hant)  # the others were


# ---- the member cooldown of /topics prompt -------------------------------------------------------


async def test_the_prompt_cooldown_counts_the_room_whatever_name_was_typed(server):
    await server.run(server.moderator, "seed")
    first = await server.run(server.alice, "prompt", topic="groceries")
    assert "Slow down" not in first.response_text
    for typed in ("买菜与物价", "買菜", "GROCERIES", "#groceries-买菜与物价"):
        again = await server.run(server.bob, "prompt", topic=typed)
        assert "Slow down" in again.response_text, typed
    other_room = await server.run(server.alice, "prompt", topic="rent-housing")
    assert "Slow down" not in other_room.response_text
    moderator = await server.run(server.moderator, "prompt", topic="groceries")
    assert "Slow down" not in moderator.response_text


async def test_a_prompt_that_could_not_be_posted_does_not_start_the_cooldown(server):
    await server.run(server.moderator, "create", name_en="Swifties", name_zh="霉粉")
    empty = await server.run(server.alice, "prompt", topic="swifties")
    assert "has no prompts yet" in empty.response_text
    await server.run(server.moderator, "addprompt", topic="swifties", en="Which era are you in?", zh="你现在是哪个时代？")
    posted = await server.run(server.alice, "prompt", topic="霉粉")
    assert "Slow down" not in posted.response_text and "has no prompts yet" not in posted.response_text


def test_room_cooldown() -> None:
    now = [0.0]
    cooldown = RoomCooldown(600, clock=lambda: now[0])
    assert cooldown.take((1, 5)) == 0.0
    now[0] = 100
    assert cooldown.take((1, 5)) == 500
    assert cooldown.take((1, 6)) == 0.0
    cooldown.give_back((1, 6))
    assert cooldown.take((1, 6)) == 0.0
    now[0] = 600
    assert cooldown.take((1, 5)) == 0.0
