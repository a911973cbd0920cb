"""Gateway faults: a session Discord will not resume loses no message (catch-up from history);
a resumed one gets the missed events replayed and relays nothing twice."""

from __future__ import annotations

import pytest

from tests.bridge.conftest import Harness
from tests.faults import scenarios
from tests.faults.conftest import TIME_SCALE, assert_nothing_lost, reported


@pytest.mark.parametrize(("code", "invalidate", "label"), [
    (None, True, "socket dropped, RESUME answered Invalid Session"),
    (4009, None, "closed 4009 session timed out"),
    (4007, None, "closed 4007 invalid seq"),
])
async def test_a_session_discord_will_not_resume_catches_up_the_gap(
    harness: Harness, code: int | None, invalidate: bool | None, label: str,
) -> None:
    outcome = reported(await scenarios.lost_session(harness, TIME_SCALE, code=code, invalidate=invalidate, label=label))
    assert_nothing_lost(outcome)
    assert outcome.gateway["invalid_sessions"] >= 1 and outcome.gateway["identifies"] >= 2
    gap = [view for view in harness.double.view(harness.chinese) if view.by_webhook and "in the gap" in view.content]
    assert gap and all("⏱" in view.content for view in gap)


async def test_invalid_session_sent_mid_traffic_loses_nothing(harness: Harness) -> None:
    outcome = reported(await scenarios.invalid_session_mid_traffic(harness, TIME_SCALE))
    assert_nothing_lost(outcome)
    assert outcome.gateway["identifies"] >= 2


async def test_a_resumed_session_replays_the_gap_without_doubles(harness: Harness) -> None:
    outcome = reported(await scenarios.lost_session(harness, TIME_SCALE, code=4000, invalidate=False,
                                                    label="closed 4000, resumed"))
    assert_nothing_lost(outcome)
    assert outcome.gateway["invalid_sessions"] == 0 and outcome.gateway["resumes"] >= 1


async def test_a_catch_up_that_meets_server_errors_reading_history_retries(harness: Harness) -> None:
    outcome = reported(await scenarios.lost_session(harness, TIME_SCALE, history_errors=2,
                                                    label="Invalid Session, then two 503s reading history"))
    assert_nothing_lost(outcome)
    assert len([fault for fault, method, _ in harness.double.faults.triggered if method == "GET"]) == 2
