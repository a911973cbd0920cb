"""What the shutdown log says is still waiting is what really waits to be posted."""

from __future__ import annotations

import logging
import re

import pytest

from bot.bridge.deliver.pacing import PacingLimits, WindowLimit
from tests.bridge.conftest import Harness

# One post per webhook per hour: after the first post every copy waits in the outbox.
STUCK = PacingLimits(per_webhook=WindowLimit(1, 3600.0), per_channel=WindowLimit(1, 3600.0), burst=1, target_lag=3600.0)


def posted(harness: Harness) -> list[str]:
    return [n for view in harness.double.view(harness.chinese) if view.by_webhook for n in re.findall(r"\bm(\d+) ", view.content)]


async def test_the_shutdown_log_counts_copies_queued_to_post_not_only_translations(
    harness: Harness, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="cogs.bridge.cog")
    async with harness.running() as bot:
        bot.bridge_drain_seconds = 0.5
        engine = bot.bridge_relay.engine
        engine.set_pacing(STUCK)
        await harness.link()
        for number in range(31):
            await harness.double.post(harness.alice, harness.english, f"m{number} waiting")
        await harness.copies(harness.chinese, 1)
        # Settled: nothing left in the lanes, and the first post answered (while its answer is on the
        # way, a copy Discord already shows is still in the outbox and would be counted twice).
        await harness.double.wait_for(
            lambda: engine.waiting().preparing == 0 and engine.waiting().queued + len(posted(harness)) == 31, timeout=10,
        )
        waiting = 31 - len(posted(harness))
        assert waiting >= 25 and engine.waiting().preparing == 0
    [line] = [record.getMessage() for record in caplog.records if "still waiting" in record.getMessage()]
    assert re.search(rf"\b{waiting} copies still waiting\b", line) and f"{waiting} queued to post" in line, line


async def test_nothing_waiting_at_shutdown_logs_nothing(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cogs.bridge.cog")
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "all posted")
        await harness.copies(harness.chinese, 1)
    assert not [record for record in caplog.records if "still waiting" in record.getMessage()]
