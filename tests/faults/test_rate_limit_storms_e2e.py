"""429 storms on webhook executes: every copy waits in order and arrives once, at Discord's pace."""

from __future__ import annotations

import pytest

from tests.bridge.conftest import Harness
from tests.faults import scenarios
from tests.faults.conftest import TIME_SCALE, assert_nothing_lost, reported


@pytest.mark.parametrize("scope", ["user", "shared", "global"])
async def test_a_429_storm_loses_no_message_and_does_not_hammer_discord(harness: Harness, scope: str) -> None:
    outcome = reported(await scenarios.rate_limit_storm(harness, TIME_SCALE, scope=scope))
    assert_nothing_lost(outcome)
    # No retry storm: at most one attempt per Retry-After (1 s) while the storm (20 s) lasts.
    assert 1 <= outcome.tally.rate_limited <= 21
    # What piled up was combined once Discord took posts again.
    assert any(view.author == "Qiao · 多人" for view in harness.double.view(harness.chinese))
