"""The fault suite: the real bot (discord.py client + bridge cog) against the Discord double with
faults injected, on the bridge harness (tests/bridge/conftest.py).

Durations are scaled by `TIME_SCALE` everywhere at once — the double's rate-limit windows, the
faults' lengths and `retry_after`, the bot's pacing and retry policy — so a 20 s storm takes 2 s
and behaves the same; bench/faults.py runs the same scenarios at real durations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.bridge.pacing import PacingLimits
from bot.bridge.retries import RetryPolicy
from tests.bridge.conftest import Harness, translator  # noqa: F401  (fixture re-exported)
from tests.bridge.conftest import harness as bridge_harness  # noqa: F401
from tests.faults.tally import Tally, numbers_in_copies, tally

TIME_SCALE = 0.1


@pytest.fixture
async def harness(bridge_harness: Harness) -> AsyncIterator[Harness]:  # noqa: F811
    double = bridge_harness.double
    double.ratelimiter.config.enabled = True
    double.ratelimiter.config.time_scale = TIME_SCALE
    yield bridge_harness


def scale_bot(bot, scale: float = TIME_SCALE) -> None:
    engine = bot.bridge_relay.engine
    engine.set_pacing(PacingLimits().scaled(scale))
    engine.delivery.policy = RetryPolicy().scaled(scale)


async def post_numbered(harness: Harness, numbers: range, *, per_second: float, channel=None, text: str = "hello") -> list:
    """People post `m<N> <text>` at `per_second` (in scaled time)."""
    posted = []
    for number in numbers:
        posted.append(await harness.double.post(harness.alice, channel or harness.english, f"m{number} {text}"))
        await asyncio.sleep(TIME_SCALE / per_second)
    return posted


async def settle(harness: Harness, bot, channel, expected: int, *, timeout: float = 30.0) -> None:
    """Wait until `expected` numbers arrived and the bridge has nothing left to post."""
    try:
        await harness.double.wait_for(lambda: len(numbers_in_copies(harness.double, channel)) >= expected, timeout=timeout)
    except TimeoutError:
        engine = bot.bridge_relay.engine
        raise AssertionError(f"only these arrived: {numbers_in_copies(harness.double, channel)}; "
                             f"held back: {engine._held}, waiting: {engine.pipelines.total_backlog}") from None
    assert await bot.bridge_relay.engine.drain(timeout)


def count(harness: Harness, scenario: str, expected: range, channel, since: float) -> Tally:
    figures = tally(scenario, expected, numbers_in_copies(harness.double, channel), harness.double.requests,
                    time_scale=TIME_SCALE, since=since)
    print(figures.line())
    return figures


def now() -> float:
    return time.time()
