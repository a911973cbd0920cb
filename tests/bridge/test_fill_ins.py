"""StoredFillIns without Discord: bounded passes, deleted originals, providers still down."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.bridge.remember.combined_posts import CombinedPostLine
from bot.bridge.fill_ins import FillInLoop, FillInPass, StoredFillIns
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

    async def prepare_fill_in(self, original: OriginalMessage) -> list[int] | None:
        return [original.message_id] if self.providers_up else None

    def submit_fill_in(self, prepared: list[int]) -> None:
        self.filled += prepared


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


async def test_catching_up_goes_through_every_page_in_one_pass() -> None:
    engine = FakeEngine(FakeStore([1, 2, 3, 4, 5, 6, 7]), FakeCombinedPosts([]))
    done = await sweep(engine, per_pass=3).run_until_caught_up()
    assert (done.filled, done.providers_down) == (7, False) and engine.filled == [1, 2, 3, 4, 5, 6, 7]


async def test_a_page_ends_where_a_source_that_filled_its_limit_stops_vouching() -> None:
    # Original 10 has eight untranslated copies (four channels, two parts each): they fill the copy
    # query (4 x per_pass rows) alone, so it says nothing yet about original 20; the combined-post
    # line of original 30 must not make the pass jump over 20.
    store = FakeStore([])
    store.records = [CopyRecord(10, 10, 1, 5, 1000 + n, 20 + n // 2, 9, n % 2, "zh-Hans", "h", True) for n in range(8)]
    store.records.append(CopyRecord(20, 10, 1, 5, 2000, 20, 9, 0, "zh-Hans", "h", True))
    line = CombinedPostLine(30, 20, 3000, 9, 0, "A", "text", "", needs_translation=True, original_channel_id=11)
    engine = FakeEngine(store, FakeCombinedPosts([line]))
    done = await sweep(engine, per_pass=2).run_until_caught_up()
    assert engine.filled == [10, 20, 30] and done.filled == 3


async def test_catching_up_stops_while_providers_fail_and_resumes_where_it_stopped() -> None:
    engine = FakeEngine(FakeStore([1, 2, 3, 4, 5]), FakeCombinedPosts([]))
    fill_ins = sweep(engine, per_pass=2)
    await fill_ins.run_once()
    engine.providers_up = False
    assert (await fill_ins.run_until_caught_up()).providers_down
    engine.providers_up = True
    await fill_ins.run_until_caught_up()
    assert engine.filled == [1, 2, 3, 4, 5]


class CountingFillIns:
    """StoredFillIns stand-in: counts passes; providers fail while `down`."""

    def __init__(self) -> None:
        self.passes = 0
        self.down = False
        self.passed = asyncio.Event()

    async def run_until_caught_up(self) -> FillInPass:
        self.passes += 1
        self.passed.set()
        return FillInPass(providers_down=self.down)


async def next_pass(fill_ins: CountingFillIns, timeout: float = 2.0) -> None:
    fill_ins.passed.clear()
    async with asyncio.timeout(timeout):
        await fill_ins.passed.wait()


async def test_the_loop_passes_soon_after_a_copy_goes_out_untranslated_then_backs_off_while_providers_fail() -> None:
    fill_ins = CountingFillIns()
    loop = FillInLoop(fill_ins, interval=3600, retry_delays=(0.05, 0.1, 3600))
    task = asyncio.create_task(loop.run())
    try:
        await next_pass(fill_ins)  # the first pass, at start
        fill_ins.down = True
        loop.copies_left_untranslated()
        await next_pass(fill_ins)  # after the first back-off delay, not the hour
        await next_pass(fill_ins)  # providers still down: the back-off delays again, from the first
        await next_pass(fill_ins)  # the second
        with pytest.raises(TimeoutError):
            await next_pass(fill_ins, timeout=0.3)  # the third delay is an hour
        loop.copies_left_untranslated()  # already retrying: changes nothing
        with pytest.raises(TimeoutError):
            await next_pass(fill_ins, timeout=0.3)
        fill_ins.down = False
        loop.translations_work_again()
        await next_pass(fill_ins)  # at once
        assert fill_ins.passes == 5
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_the_loop_stops_when_cancelled_even_as_it_is_woken() -> None:
    fill_ins = CountingFillIns()
    loop = FillInLoop(fill_ins, interval=3600)
    task = asyncio.create_task(loop.run())
    await next_pass(fill_ins)
    loop.copies_left_untranslated()
    task.cancel()
    await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 2)
    assert task.cancelled()
