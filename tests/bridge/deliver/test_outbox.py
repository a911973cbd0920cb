"""The outbox of one destination, without Discord."""

from __future__ import annotations

import asyncio
import random

from bot.bridge.deliver.outbox import Outbox, OutboxItem
from bot.bridge.deliver.pacing import Pacer, PacingLimits, WindowLimit


async def test_the_oldest_waiting_copy_of_a_source_ignores_other_sources_and_finished_copies() -> None:
    outbox = Outbox(1, Pacer(), poster=None)
    outbox.pause()
    for source, message_id in ((7, 12), (8, 5), (7, 15), (7, 11)):
        outbox.put(OutboxItem(None, 0.0, False, source_channel_id=source, message_id=message_id))
    assert outbox.oldest_waiting(7) == 11
    assert outbox.oldest_waiting(7, excluding={11, 12}) == 15
    assert outbox.oldest_waiting(8, excluding={5}) is None
    assert outbox.oldest_waiting(9) is None
    await outbox.close()


async def test_the_oldest_waiting_copy_stays_right_while_copies_of_several_sources_are_posted() -> None:
    rng = random.Random(7)
    puts = [(rng.choice((7, 8, 9)), rng.randint(1, 60)) for _ in range(300)]  # repeats and any order
    waiting = list(puts)
    wrong: list[tuple[int, int | None, int | None]] = []

    class Poster:
        async def post_single(self, item: OutboxItem) -> None:
            waiting.remove((item.source_channel_id, item.message_id))
            for source in (7, 8, 9):
                expected = min((message_id for held, message_id in waiting
                                if held == source and message_id != item.message_id), default=None)
                found = outbox.oldest_waiting(source, excluding={item.message_id})
                if found != expected:
                    wrong.append((source, found, expected))

    unlimited = WindowLimit(1000, 1e-6)
    outbox = Outbox(1, Pacer(PacingLimits(unlimited, unlimited, burst=1000)), poster=Poster())
    outbox.pause()
    for source, message_id in puts[:200]:
        outbox.put(OutboxItem(None, 0.0, False, source_channel_id=source, message_id=message_id))
    outbox.resume()
    for source, message_id in puts[200:]:
        outbox.put(OutboxItem(None, 0.0, False, source_channel_id=source, message_id=message_id))
    await asyncio.wait_for(outbox.wait_until_posted(), 30)
    assert not waiting
    assert wrong == []
    assert all(outbox.oldest_waiting(source) is None for source in (7, 8, 9))
