"""429 storms on webhook executes: every copy waits in order and arrives once, at Discord's pace."""

from __future__ import annotations

import pytest

from tests.bridge.conftest import Harness
from tests.faults.conftest import TIME_SCALE, count, now, post_numbered, scale_bot, settle

STORM_SECONDS = 20 * TIME_SCALE
RETRY_AFTER = 1.0 * TIME_SCALE


@pytest.mark.parametrize("scope", ["user", "shared", "global"])
async def test_a_429_storm_loses_no_message_and_does_not_hammer_discord(harness: Harness, scope: str) -> None:
    double = harness.double
    async with harness.running() as bot:
        scale_bot(bot)
        await harness.link()
        since = now()
        double.faults.rate_limit("POST /webhooks/*/*", retry_after=RETRY_AFTER, scope=scope, for_seconds=STORM_SECONDS)
        await post_numbered(harness, range(60), per_second=3)
        await settle(harness, bot, harness.chinese, 60)
        figures = count(harness, f"429 storm ({scope}) {STORM_SECONDS / TIME_SCALE:g} s, Retry-After 1", range(60),
                        harness.chinese, since)
    assert (figures.lost, figures.doubled, figures.out_of_order) == (0, 0, 0)
    assert figures.webhook_peak <= 5 and figures.requests_peak <= 50
    # No retry storm: at most one attempt per Retry-After while the storm lasts.
    assert 1 <= figures.rate_limited <= STORM_SECONDS / RETRY_AFTER + 1
    # What piled up was combined once Discord took posts again.
    assert any(view.author == "Qiao · 多人" for view in double.view(harness.chinese))
