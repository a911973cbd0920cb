"""A restart while copies wait out a 429 storm: what was not posted is re-read from channel history
on start (the catch-up mark never passed it), once, in order."""

from __future__ import annotations

from tests.bridge.conftest import Harness
from tests.faults import scenarios
from tests.faults.conftest import TIME_SCALE, assert_nothing_lost, reported


async def test_copies_waiting_at_shutdown_arrive_after_the_restart(harness: Harness) -> None:
    outcome = reported(await scenarios.restart_while_waiting(harness, TIME_SCALE))
    assert_nothing_lost(outcome)
    late = [view for view in harness.double.view(harness.chinese) if view.by_webhook and "m25 " in view.content]
    assert late and "⏱" in late[0].content


async def test_a_restart_gives_each_destination_exactly_what_it_missed(harness: Harness) -> None:
    simplified, traditional = await scenarios.restart_while_one_destination_waits(harness, TIME_SCALE)
    for outcome in (reported(simplified), reported(traditional)):
        assert_nothing_lost(outcome)
