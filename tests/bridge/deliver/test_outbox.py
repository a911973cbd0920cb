"""The outbox of one destination, without Discord."""

from __future__ import annotations

from bot.bridge.deliver.outbox import Outbox, OutboxItem
from bot.bridge.deliver.pacing import Pacer


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
