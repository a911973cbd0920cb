"""5xx from Discord and its proxies, dropped sockets and slow answers: nothing lost, nothing doubled."""

from __future__ import annotations

import pytest

from tests.bridge.conftest import Harness
from tests.faults import scenarios
from tests.faults.conftest import TIME_SCALE, assert_nothing_lost, reported


@pytest.mark.parametrize(("statuses", "proxy"), [((502, 503), "cloudflare"), ((503,), "envoy"), ((500, 504), "discord")])
async def test_thirty_seconds_of_server_errors_lose_no_message(harness: Harness, statuses, proxy: str) -> None:
    outcome = reported(await scenarios.server_errors(harness, TIME_SCALE, statuses=statuses, proxy=proxy))
    assert_nothing_lost(outcome)
    # Backing off: a few attempts over 30 s, not one per message per retry.
    assert 1 <= outcome.tally.failed_answers <= 30
    # A 5xx may hide a post that was made: it was looked for before posting again.
    assert outcome.delivery.uncertain >= 1


async def test_sockets_cut_before_the_post_is_made_lose_nothing(harness: Harness) -> None:
    outcome = reported(await scenarios.dropped_sockets(harness, TIME_SCALE, after_processing=False))
    assert_nothing_lost(outcome)
    assert outcome.tally.failed_answers >= 1


async def test_sockets_cut_after_the_post_was_made_double_nothing(harness: Harness) -> None:
    outcome = reported(await scenarios.dropped_sockets(harness, TIME_SCALE, after_processing=True, times=6))
    assert_nothing_lost(outcome)
    # Each of the six posts had been made: found in the channel instead of being posted again.
    assert outcome.delivery.found_after_uncertain == 6


async def test_slow_answers_keep_order_and_lose_nothing(harness: Harness) -> None:
    outcome = reported(await scenarios.slow_answers(harness, TIME_SCALE))
    assert_nothing_lost(outcome)
    assert any(view.author == "Qiao · 多人" for view in harness.double.view(harness.chinese))
