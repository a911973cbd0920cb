"""The catch-up mark stays below every copy still waiting, per destination."""

from __future__ import annotations

from bot.bridge.catch_up import HighWaterMarks
from bot.bridge.outbox import Outbox, OutboxItem
from bot.bridge.pacing import Pacer


def test_a_holder_keeps_its_oldest_hold_and_the_mark_stays_below_every_holder() -> None:
    marks = HighWaterMarks(db=None)
    marks.advance(7, 50)
    marks.hold_below(7, ("waiting", 1), 30)
    marks.hold_below(7, ("waiting", 1), 40)  # newer: the older hold stays
    marks.hold_below(7, ("waiting", 2), 20)
    assert marks.get(7) == 19
    marks.hold_below(7, ("waiting", 1), 10)  # an older copy (read back from history) lowers it
    assert marks.get(7) == 9
    marks.release_everywhere(("waiting", 1))
    assert marks.get(7) == 19
    marks.release(7, ("waiting", 2))
    assert marks.get(7) == 50


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
