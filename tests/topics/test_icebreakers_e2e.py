"""Icebreakers end to end: schedules with a test-controlled clock, once-only slots, prompt rotation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.topics import TopicService

HEADING = "💬 **Icebreaker · 破冰话题**"
FIRST_SLOT = datetime(2025, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 in New York; the clock starts at 07:00


def prompts_in(server, channel) -> list[str]:
    return [view.content for view in server.double.view(channel) if view.content.startswith(HEADING)]


async def schedule_groceries(server) -> object:
    await server.run(server.moderator, "seed")
    handle = await server.run(server.moderator, "schedule", topic="groceries", hour=9, timezone="America/New_York")
    assert "09:00 (America/New_York)" in handle.response_text
    return server.channel_named("groceries")


async def test_a_scheduled_prompt_is_posted_once_when_its_time_comes(server):
    groceries = await schedule_groceries(server)
    await server.service.run_due(FIRST_SLOT - timedelta(minutes=1))
    assert prompts_in(server, groceries) == []
    await server.service.run_due(FIRST_SLOT + timedelta(seconds=20))
    [posted] = prompts_in(server, groceries)
    english, chinese = posted.removeprefix(HEADING + "\n").split(" · ")
    assert english and chinese
    await server.service.run_due(FIRST_SLOT + timedelta(seconds=50))
    assert len(prompts_in(server, groceries)) == 1


async def test_a_restarted_service_does_not_post_the_slot_again(server):
    groceries = await schedule_groceries(server)
    due = FIRST_SLOT + timedelta(seconds=20)
    await server.service.run_due(due)
    restarted = TopicService(server.bot.db, clock=lambda: due, poster=server.cog.post_prompt_in_room)
    assert await restarted.run_due(due) == []
    assert len(prompts_in(server, groceries)) == 1


async def test_two_instances_running_the_same_slot_post_it_once(server):
    groceries = await schedule_groceries(server)
    due = FIRST_SLOT + timedelta(seconds=20)
    shards = [TopicService(server.bot.db, clock=lambda: due, poster=server.cog.post_prompt_in_room) for _ in range(2)]
    results = await asyncio.gather(*(shard.run_due(due) for shard in shards))
    assert sorted(len(result) for result in results) == [0, 1]
    assert len(prompts_in(server, groceries)) == 1


async def test_the_next_day_brings_the_next_prompt(server):
    groceries = await schedule_groceries(server)
    await server.service.run_due(FIRST_SLOT + timedelta(seconds=20))
    await server.service.run_due(FIRST_SLOT + timedelta(days=1, seconds=20))
    first, second = prompts_in(server, groceries)
    assert first != second


async def test_schedule_off_stops_prompts(server):
    groceries = await schedule_groceries(server)
    handle = await server.run(server.moderator, "schedule", topic="groceries", off=True)
    assert "off" in handle.response_text
    await server.service.run_due(FIRST_SLOT + timedelta(seconds=20))
    assert prompts_in(server, groceries) == []


async def test_an_unknown_time_zone_is_refused_in_the_readers_language(server):
    await server.run(server.moderator, "seed")
    handle = await server.run(
        server.moderator, "schedule", topic="groceries", hour=9, timezone="Beijing", locale="zh-CN"
    )
    assert handle.ephemeral and "Qiao 不认识时区“Beijing”" in handle.response_text


async def test_an_hour_outside_the_day_is_refused(server):
    await server.run(server.moderator, "seed")
    handle = await server.run(server.moderator, "schedule", topic="groceries", hour=25, timezone="UTC")
    assert "between 0 and 23" in handle.response_text


async def test_time_zone_autocomplete_suggests_iana_names(server):
    await server.run(server.moderator, "seed")
    handle = await server.double.invoke_autocomplete(
        server.moderator, "topics schedule", channel=server.general,
        options={"topic": "groceries", "timezone": "Asia/Tai"}, focused="timezone",
    )
    await handle.wait_response()
    assert {"name": "Asia/Taipei", "value": "Asia/Taipei"} in handle.choices


async def test_prompt_now_uses_every_prompt_before_repeating(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    topic = await server.service.resolve(server.guild.id, "groceries")
    bank_size = len(await server.service.bank(topic))
    for _ in range(bank_size):
        handle = await server.run(server.moderator, "prompt", topic="groceries")
        assert f"<#{groceries.id}>" in handle.response_text
    first_round = prompts_in(server, groceries)
    assert len(first_round) == len(set(first_round)) == bank_size
    await server.run(server.moderator, "prompt", topic="groceries")
    assert prompts_in(server, groceries)[-1] in first_round


async def test_members_may_post_one_prompt_then_wait(server):
    await server.run(server.moderator, "seed")
    await server.run(server.alice, "prompt", topic="groceries")
    again = await server.run(server.alice, "prompt", topic="groceries")
    assert "Slow down" in again.response_text
    assert len(prompts_in(server, server.channel_named("groceries"))) == 1


async def test_moderator_prompts_join_the_rotation(server):
    await server.run(server.moderator, "create", name_en="Swifties", name_zh="霉粉")
    swifties = server.channel_named("swifties")
    empty = await server.run(server.moderator, "prompt", topic="霉粉")
    assert "has no prompts yet" in empty.response_text
    added = await server.run(
        server.moderator, "addprompt", topic="swifties", en="Which era are you in?", zh="你现在是哪个时代？"
    )
    assert "(prompts now: 1)" in added.response_text
    await server.run(server.moderator, "prompt", topic="Swifties")
    assert prompts_in(server, swifties) == [f"{HEADING}\nWhich era are you in? · 你现在是哪个时代？"]


async def test_a_scheduled_prompt_the_bot_cannot_post_tells_moderators_once(server):
    groceries = await schedule_groceries(server)
    await server.bot.guild_config.update(server.guild.id, log_channel_id=server.general.id)
    server.double.set_bot_permissions(groceries, allow=["view_channel"], deny=["send_messages"])
    await server.double.wait_for(lambda: True)
    await asyncio.sleep(0.05)
    await server.service.run_due(FIRST_SLOT + timedelta(seconds=20))
    await server.service.run_due(FIRST_SLOT + timedelta(days=1, seconds=20))
    notices = [view.content for view in server.double.view(server.general) if "scheduled icebreaker" in view.content]
    assert len(notices) == 1
    assert f"<#{groceries.id}>" in notices[0] and "Send Messages" in notices[0]
    assert prompts_in(server, groceries) == []


async def test_no_scheduled_prompts_while_the_module_is_off(server):
    groceries = await schedule_groceries(server)
    await server.bot.guild_config.set_module(server.guild.id, "topics", False)
    await server.service.run_due(FIRST_SLOT + timedelta(seconds=20))
    assert prompts_in(server, groceries) == []
