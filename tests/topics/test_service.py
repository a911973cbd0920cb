"""TopicService on a real database: rooms, names, prompt rotation, schedule claims, activity."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.topics import TopicError, TopicService
from bot.topics.models import BankPrompt, Topic
from bot.topics_data import load_starter_topics

GUILD = 1001
START = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class RecordingPoster:
    def __init__(self, succeed: bool = True) -> None:
        self.posts: list[tuple[int, str]] = []
        self.succeed = succeed

    async def __call__(self, topic: Topic, prompt: BankPrompt) -> bool:
        if self.succeed:
            self.posts.append((topic.id, prompt.key))
        return self.succeed


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def poster() -> RecordingPoster:
    return RecordingPoster()


@pytest.fixture
def service(database, clock, poster) -> TopicService:
    return TopicService(database, clock=clock, rng=random.Random(8), poster=poster)


async def _groceries(service: TopicService, channel_id: int = 500) -> Topic:
    draft = next(d for d in service.starter_drafts() if d.slug == "groceries")
    return await service.add(GUILD, draft, channel_id)


async def test_missing_starters_shrinks_as_rooms_are_added_and_counts_archived_ones(service):
    assert len(await service.missing_starters(GUILD)) == len(load_starter_topics())
    topic = await _groceries(service)
    await service.archive(topic)
    assert "groceries" not in {d.slug for d in await service.missing_starters(GUILD)}


async def test_archived_rooms_leave_lists_and_resolution(service):
    topic = await _groceries(service)
    await service.archive(topic)
    assert await service.topics(GUILD) == []
    with pytest.raises(TopicError) as refused:
        await service.resolve(GUILD, "groceries")
    assert refused.value.key == "topics.error.unknown_topic"


async def test_open_rooms_of_many_servers_come_in_one_read_without_archived_roomless_or_other_servers(service):
    groceries = await _groceries(service, channel_id=500)
    rent_draft = next(d for d in service.starter_drafts() if d.slug == "rent-housing")
    rent = await service.add(GUILD, rent_draft, 501)
    await service.archive(rent)
    roomless = await service.add(GUILD, next(d for d in service.starter_drafts() if d.slug == "music-fandoms"), None)
    elsewhere = await service.add(GUILD + 1, rent_draft, 600)
    unserved = await service.add(GUILD + 2, rent_draft, 700)
    rooms = await service.open_rooms_by_guild({GUILD, GUILD + 1, GUILD + 3})
    assert rooms == {GUILD: [groceries], GUILD + 1: [elsewhere]}
    assert roomless.channel_id is None and unserved.guild_id not in rooms


async def test_whether_a_channel_may_be_a_room_is_told_from_memory_once_the_rooms_are_read(service):
    assert service.may_be_room(500)  # nothing read yet
    assert await service.topic_for_channel(500) is None
    assert not service.may_be_room(500)
    groceries = await _groceries(service, channel_id=500)
    assert service.may_be_room(500) and await service.topic_for_channel(500) == groceries
    assert not service.may_be_room(501)


async def test_custom_draft_fills_both_scripts_and_a_slug(service):
    draft = await service.draft_custom(GUILD, "Swifties", "霉粉聚集地", "聊聊泰勒·斯威夫特", "🎤")
    assert draft.slug == "swifties"
    assert draft.name_zh_hant == "黴粉聚集地"
    assert draft.description_zh_hans == "聊聊泰勒·斯威夫特"
    assert draft.description_en == ""


async def test_custom_draft_refuses_a_name_already_used_in_either_script(service):
    await _groceries(service)
    with pytest.raises(TopicError) as refused:
        await service.draft_custom(GUILD, "Shopping", "買菜與物價")
    assert refused.value.key == "topics.error.name_taken"


async def test_rename_changes_names_and_slug(service):
    topic = await _groceries(service)
    renamed = await service.rename(topic, name_en="Food Prices", name_zh="食品價格")
    assert (renamed.name_en, renamed.name_zh_hans, renamed.name_zh_hant, renamed.slug) == (
        "Food Prices", "食品价格", "食品價格", "food-prices"
    )
    assert await service.resolve(GUILD, "食品价格") == renamed


async def test_take_prompt_uses_the_whole_bank_before_repeating(service):
    topic = await _groceries(service)
    bank = await service.bank(topic)
    first_round = [(await service.take_prompt(topic)).key for _ in bank]
    assert sorted(first_round) == sorted(item.key for item in bank)
    second_round_start = await service.take_prompt(topic)
    assert second_round_start.key in first_round


async def test_moderator_prompts_join_the_bank_in_both_scripts(service):
    topic = await _groceries(service)
    added = await service.add_prompt(topic, "Best snack under $2?", "两块钱以内最好吃的零食？", added_by=7)
    assert added.prompt.zh_hant == "兩塊錢以內最好吃的零食？"
    assert (await service.bank(topic))[-1] == added


async def test_a_room_without_prompts_says_so(service):
    draft = await service.draft_custom(GUILD, "Swifties", "霉粉")
    topic = await service.add(GUILD, draft, 600)
    with pytest.raises(TopicError) as refused:
        await service.take_prompt(topic)
    assert refused.value.key == "topics.error.no_prompts"


async def test_a_scheduled_prompt_posts_once_when_due(service, clock, poster):
    topic = await service.set_schedule(await _groceries(service), 9, "America/New_York")
    assert topic.next_prompt_at == datetime(2025, 1, 15, 14, 0, tzinfo=UTC)
    assert await service.run_due(datetime(2025, 1, 15, 13, 59, tzinfo=UTC)) == []
    due = datetime(2025, 1, 15, 14, 0, 30, tzinfo=UTC)
    [posted] = await service.run_due(due)
    assert posted.posted and len(poster.posts) == 1
    assert await service.run_due(due) == []
    assert (await service.topic(topic.id)).next_prompt_at == datetime(2025, 1, 16, 14, 0, tzinfo=UTC)


async def test_a_restarted_service_does_not_post_the_same_slot_again(service, database, poster):
    topic = await service.set_schedule(await _groceries(service), 9, "America/New_York")
    due = topic.next_prompt_at + timedelta(seconds=5)
    await service.run_due(due)
    restarted = TopicService(database, clock=lambda: due, poster=poster)
    assert await restarted.run_due(due) == []
    assert len(poster.posts) == 1


async def test_two_instances_reading_the_same_due_slot_post_it_once(service, database, poster):
    topic = await service.set_schedule(await _groceries(service), 9, "America/New_York")
    due = topic.next_prompt_at + timedelta(seconds=5)
    other = TopicService(database, clock=lambda: due, poster=poster)
    # Both read the room while the slot is still pending, then both try to claim it.
    first = await service._run_slot(topic, due)
    second = await other._run_slot(topic, due)
    assert first is not None and second is None
    assert len(poster.posts) == 1


async def test_a_slot_found_hours_late_is_skipped_not_posted(service, poster):
    topic = await service.set_schedule(await _groceries(service), 9, "America/New_York")
    much_later = topic.next_prompt_at + timedelta(hours=10)
    [skipped] = await service.run_due(much_later)
    assert not skipped.posted and poster.posts == []
    assert (await service.topic(topic.id)).next_prompt_at > much_later


async def test_a_prompt_that_could_not_be_posted_stays_in_the_round(database, clock):
    failing = TopicService(database, clock=clock, poster=RecordingPoster(succeed=False))
    topic = await _groceries(failing)
    result = await failing.post_prompt(topic)
    assert not result.posted
    _round, used = await failing.current_round(topic)
    assert used == set()


async def test_clearing_the_schedule_stops_prompts(service, poster):
    topic = await service.set_schedule(await _groceries(service), 9, "UTC")
    await service.clear_schedule(topic)
    assert await service.run_due(START + timedelta(days=3)) == []


async def test_archiving_stops_the_schedule(service, poster):
    topic = await service.set_schedule(await _groceries(service), 9, "UTC")
    await service.archive(topic)
    assert await service.run_due(START + timedelta(days=3)) == []


async def test_activity_counts_this_weeks_messages_and_the_last_one(service, clock):
    topic = await _groceries(service)
    await service.record_message(topic, START - timedelta(days=10))
    await service.record_message(topic, START - timedelta(days=1))
    await service.record_message(topic, START)
    activity = (await service.activity(GUILD))[topic.id]
    assert activity.messages_this_week == 2
    assert activity.last_message_at == START


async def test_topic_for_channel_follows_new_rooms(service):
    assert await service.topic_for_channel(500) is None
    topic = await _groceries(service, channel_id=500)
    assert await service.topic_for_channel(500) == topic


async def test_run_due_leaves_other_shards_servers_alone(service, database, poster):
    topic = await service.set_schedule(await _groceries(service), 9, "UTC")
    due = topic.next_prompt_at + timedelta(seconds=5)
    assert await service.run_due(due, guild_ids={GUILD + 1}) == []
    [posted] = await service.run_due(due, guild_ids={GUILD})
    assert posted.posted
