"""StoredFillIns without Discord: bounded passes, deleted originals, providers still down."""

from __future__ import annotations

from datetime import timedelta

from bot.bridge.combined_posts import CombinedPostLine
from bot.bridge.fill_ins import StoredFillIns
from bot.bridge.models import CopyRecord, OriginalMessage


class FakeStore:
    def __init__(self, originals: list[int]) -> None:
        self.records = [CopyRecord(o, 10, 1, 5, 1000 + o, 20, 9, 0, "zh-Hans", "h", True) for o in originals]

    async def untranslated_copies(self, *, since, after_original_id, limit):
        return [r for r in self.records if r.original_message_id > after_original_id][:limit]


class FakeCombinedPosts:
    def __init__(self, lines: list[CombinedPostLine]) -> None:
        self.lines = lines

    async def untranslated(self, *, since, after_original_id, limit):
        return [line for line in self.lines if line.original_message_id > after_original_id][:limit]


class FakeEngine:
    def __init__(self, store, combined_posts, *, providers_up: bool = True) -> None:
        self.store, self.combined_posts, self.providers_up = store, combined_posts, providers_up
        self.filled: list[int] = []

    async def fill_in_untranslated(self, original: OriginalMessage) -> bool:
        if not self.providers_up:
            return False
        self.filled.append(original.message_id)
        return True


def original(channel_id: int, message_id: int) -> OriginalMessage:
    return OriginalMessage(message_id=message_id, channel_id=channel_id, guild_id=1, author_id=5,
                           author_name="A", avatar_url=None, content="hello")


def sweep(engine, deleted=frozenset(), per_pass=3) -> StoredFillIns:
    async def fetch(channel_id: int, message_id: int):
        return None if message_id in deleted else original(channel_id, message_id)

    return StoredFillIns(engine, fetch, retention=lambda: timedelta(days=30), per_pass=per_pass)


async def test_a_pass_is_bounded_and_the_next_one_continues_after_it_then_starts_over() -> None:
    engine = FakeEngine(FakeStore([1, 2, 3, 4, 5]), FakeCombinedPosts([]))
    fill_ins = sweep(engine)
    assert (await fill_ins.run_once()).filled == 3
    assert (await fill_ins.run_once()).filled == 2
    await fill_ins.run_once()
    assert engine.filled == [1, 2, 3, 4, 5, 1, 2, 3]


async def test_lines_of_combined_posts_are_filled_in_with_their_original_channel() -> None:
    line = CombinedPostLine(7, 20, 3000, 9, 0, "A", "text", "", needs_translation=True, original_channel_id=11)
    engine = FakeEngine(FakeStore([2]), FakeCombinedPosts([line]))
    fetched = []

    async def fetch(channel_id: int, message_id: int):
        fetched.append((channel_id, message_id))
        return original(channel_id, message_id)

    await StoredFillIns(engine, fetch, retention=lambda: timedelta(days=30)).run_once()
    assert fetched == [(10, 2), (11, 7)]


async def test_deleted_originals_are_left_alone_and_do_not_hold_up_the_others() -> None:
    engine = FakeEngine(FakeStore([1, 2, 3, 4]), FakeCombinedPosts([]))
    done = await sweep(engine, deleted={1, 2}).run_once()
    assert (done.filled, done.gone) == (1, 2) and engine.filled == [3]


async def test_a_pass_stops_at_the_first_failed_translation_and_retries_the_same_original_later() -> None:
    engine = FakeEngine(FakeStore([1, 2, 3]), FakeCombinedPosts([]), providers_up=False)
    fill_ins = sweep(engine)
    assert (await fill_ins.run_once()).providers_down
    engine.providers_up = True
    await fill_ins.run_once()
    assert engine.filled == [1, 2, 3]
