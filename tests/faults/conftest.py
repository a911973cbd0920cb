"""The fault suite: the scenarios of tests/faults/scenarios.py on the bridge harness
(tests/bridge/conftest.py), scaled down by `TIME_SCALE` (a 20 s storm takes 2 s and behaves the
same); bench/faults.py runs them at real durations. Each test prints its counts (`-s` shows them)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bridge.conftest import Harness, translator  # noqa: F401  (fixture re-exported)
from tests.bridge.conftest import harness as bridge_harness  # noqa: F401
from tests.faults.scenarios import Outcome

TIME_SCALE = 0.1


@pytest.fixture
async def harness(bridge_harness: Harness) -> AsyncIterator[Harness]:  # noqa: F811
    yield bridge_harness


def reported(outcome: Outcome) -> Outcome:
    print(outcome.tally.line())
    return outcome


def assert_nothing_lost(outcome: Outcome) -> None:
    figures = outcome.tally
    assert (figures.lost, figures.doubled, figures.out_of_order) == (0, 0, 0), figures.line()
    assert figures.arrived == figures.sent, figures.line()
    # Discord's limits: 5 executes per webhook per 2 s, 50 requests per second.
    assert figures.webhook_peak <= 5 and figures.requests_peak <= 50, figures.line()
