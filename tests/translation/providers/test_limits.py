"""The per-provider request gate: requests in flight, pacing, and refusing a wait that is too long."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.translation.providers.limits import GateBusy, RequestGate, RequestLimits


async def test_in_flight_never_exceeds_the_limit() -> None:
    gate = RequestGate(RequestLimits(in_flight=2))

    async def request() -> None:
        async with gate:
            await asyncio.sleep(0.01)

    await asyncio.gather(*(request() for _ in range(10)))
    assert gate.most_in_flight == 2 and gate.in_flight == 0


async def test_paced_requests_start_apart() -> None:
    gate = RequestGate(RequestLimits(in_flight=5, per_second=20))
    loop = asyncio.get_running_loop()
    starts: list[float] = []

    async def request() -> None:
        async with gate:
            starts.append(loop.time())

    await asyncio.gather(*(request() for _ in range(4)))
    # The k-th start comes k × 1/20 s after the first at the earliest (plus the gate's 5 % margin):
    # no window holds more starts than the rate allows, whatever the wake-up jitter of each one.
    assert all(start - starts[0] >= k * 0.05 for k, start in enumerate(starts)), starts


async def test_a_wait_for_a_slot_longer_than_max_wait_is_refused_and_frees_nothing() -> None:
    gate = RequestGate(RequestLimits(in_flight=1), max_wait=0.05)
    async with gate:
        with pytest.raises(GateBusy, match="slots stayed taken"):
            async with gate:
                pass
    async with gate:  # the slot is free again
        assert gate.in_flight == 1


async def test_a_start_paced_beyond_max_wait_is_refused_without_losing_the_slot() -> None:
    gate = RequestGate(RequestLimits(in_flight=3, per_second=1), max_wait=0.5)
    async with gate:
        pass
    with pytest.raises(GateBusy, match="would start"):
        async with gate:
            pass
    assert gate.in_flight == 0


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError):
        RequestLimits(in_flight=0)
    with pytest.raises(ValueError):
        RequestLimits(per_second=0)


async def test_a_stalled_event_loop_does_not_let_paced_requests_start_together() -> None:
    # While requests wait their turn the loop is blocked for longer than several intervals (a busy
    # machine): on waking, they must still start one interval apart, not all at once.
    gate = RequestGate(RequestLimits(in_flight=5, per_second=20))
    loop = asyncio.get_running_loop()
    starts: list[float] = []

    async def request() -> None:
        async with gate:
            starts.append(loop.time())

    requests = [asyncio.create_task(request()) for _ in range(5)]
    await asyncio.sleep(0.01)  # the first has started, the others wait
    time.sleep(0.3)  # the loop stalls for six intervals
    await asyncio.gather(*requests)
    assert all(later - earlier >= 0.05 for earlier, later in zip(starts, starts[1:])), starts
