"""Nothing is dropped: a destination whose backlog reaches the outbox's memory cap lets later copies
go and re-reads them from channel history, in order, once it can post again."""

from __future__ import annotations

from tests.bridge.conftest import Harness
from tests.bridge.test_surge_and_catch_up_e2e import numbers_in


async def test_a_paused_destination_over_its_memory_cap_gets_every_copy_in_order_on_resume(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        engine = bot.bridge_relay.engine
        engine.outbox_max_items = 4
        await harness.link()
        double.set_bot_permissions(harness.chinese, deny=["manage_webhooks"])
        posted = [await double.post(harness.alice, harness.english, f"m{number} waiting") for number in range(12)]
        await double.wait_for(lambda: harness.chinese.id in engine.outboxes and engine.outboxes[harness.chinese.id].counters.spilled == 8)
        outbox = engine.outboxes[harness.chinese.id]
        # The outbox can be full before its first post has failed: permissions come back only once
        # it is paused (a resume signal before that finds nothing paused; the next probe is 60 s away).
        await double.wait_for(lambda: outbox.paused)
        assert outbox.backlog == 4
        # The catch-up mark stays below the copies let go, so a restart re-reads them too.
        assert engine.high_water.get(harness.english.id) < posted[4].id

        double.set_bot_permissions(harness.chinese, allow=["manage_webhooks"])
        await double.wait_for(lambda: len(numbers_in(harness, harness.chinese)) >= 12, timeout=20)
        assert numbers_in(harness, harness.chinese) == list(range(12))
        await double.wait_for(lambda: not outbox.spilling and engine.high_water.get(harness.english.id) == posted[-1].id)

        await double.post(harness.alice, harness.english, "m12 live again")
        await double.wait_for(lambda: 12 in numbers_in(harness, harness.chinese), timeout=10)
        assert numbers_in(harness, harness.chinese) == list(range(13))


async def test_outbox_spills_beyond_its_cap_and_stops_once_the_re_read_caught_up() -> None:
    from bot.bridge.deliver.outbox import Outbox, OutboxItem
    from bot.bridge.deliver.pacing import Pacer

    spills: list[int] = []
    outbox = Outbox(1, Pacer(), poster=None, max_items=3)
    outbox.on_spill = lambda _, item: spills.append(item.message_id)
    outbox.pause()
    kept = [outbox.put(OutboxItem(None, 0.0, False, source_channel_id=7, message_id=number)) for number in range(1, 7)]
    assert kept == [True, True, True, False, False, False] and spills == [4, 5, 6]
    assert outbox.spilled == {7: (4, 6)} and outbox.backlog == 3
    assert outbox.put(OutboxItem(None, 0.0, False, source_channel_id=7, message_id=4), refill=True)
    assert not outbox.refilled({7: 5})  # 6 not re-read yet: live copies keep spilling
    assert not outbox.put(OutboxItem(None, 0.0, False, source_channel_id=7, message_id=7))
    assert outbox.refilled({7: 7})
    assert not outbox.put(OutboxItem(None, 0.0, False, source_channel_id=7, message_id=7))  # re-read already
    assert not outbox.put(OutboxItem(None, 0.0, False, source_channel_id=7, message_id=8))  # still full
    assert outbox.spilled == {7: (8, 8)}
    await outbox.close()


def test_high_water_mark_stays_below_every_hold_until_released() -> None:
    from bot.bridge.catch_up import HighWaterMarks

    marks = HighWaterMarks(db=None)
    marks.advance(7, 10)
    marks.hold_below(7, holder=1, message_id=5)
    marks.advance(7, 20)
    assert marks.get(7) == 4
    marks.release(7, holder=1)
    assert marks.get(7) == 20
