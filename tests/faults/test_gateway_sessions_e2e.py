"""Gateway faults: a session Discord will not resume loses no message (catch-up from history);
a resumed one gets the missed events replayed and relays nothing twice."""

from __future__ import annotations

import asyncio

import pytest

from tests.bridge.conftest import Harness
from tests.faults.conftest import count, now, post_numbered, scale_bot, settle


async def _gap_while_disconnected(harness: Harness, code: int | None, *, invalidate: bool | None) -> None:
    """Drop the gateway and keep it down while 20 messages are posted in the gap."""
    gateway = harness.double.gateway
    gateway.refuse_connections()
    await harness.double.drop_gateway(code, invalidate=invalidate)
    await post_numbered(harness, range(10, 30), per_second=20, text="in the gap")
    gateway.accept_connections()


@pytest.mark.parametrize(("code", "invalidate", "label"), [
    (None, True, "socket dropped, RESUME answered Invalid Session"),
    (4009, None, "closed 4009 session timed out"),
    (4007, None, "closed 4007 invalid seq"),
])
async def test_a_session_discord_will_not_resume_catches_up_the_gap(
    harness: Harness, code: int | None, invalidate: bool | None, label: str,
) -> None:
    double = harness.double
    async with harness.running() as bot:
        scale_bot(bot)
        await harness.link()
        since = now()
        await post_numbered(harness, range(10), per_second=3, text="before")
        await settle(harness, bot, harness.chinese, 10)
        identifies = double.gateway.identifies
        await _gap_while_disconnected(harness, code, invalidate=invalidate)
        await double.wait_for(lambda: double.gateway.identifies > identifies, timeout=20)
        assert double.gateway.invalid_sessions >= 1
        await post_numbered(harness, range(30, 40), per_second=3, text="after")
        await settle(harness, bot, harness.chinese, 40)
        figures = count(harness, f"gateway {label}: 20 posted in the gap", range(40), harness.chinese, since)
    assert (figures.lost, figures.doubled, figures.out_of_order) == (0, 0, 0)


async def test_invalid_session_sent_mid_traffic_loses_nothing(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        scale_bot(bot)
        await harness.link()
        since = now()
        identifies = double.gateway.identifies
        sender = asyncio.create_task(post_numbered(harness, range(40), per_second=10, text="busy"))
        await asyncio.sleep(0.5)
        await double.gateway.invalid_session(resumable=False)
        await sender
        await double.wait_for(lambda: double.gateway.identifies > identifies, timeout=20)
        await settle(harness, bot, harness.chinese, 40)
        figures = count(harness, "gateway Invalid Session (op 9) mid-traffic", range(40), harness.chinese, since)
    assert (figures.lost, figures.doubled, figures.out_of_order) == (0, 0, 0)


async def test_a_resumed_session_replays_the_gap_without_doubles(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        scale_bot(bot)
        await harness.link()
        since = now()
        resumes = double.gateway.resumes
        await _gap_while_disconnected(harness, 4000, invalidate=False)
        await double.wait_for(lambda: double.gateway.resumes > resumes, timeout=20)
        await settle(harness, bot, harness.chinese, 20)
        figures = count(harness, "gateway closed 4000, resumed", range(10, 30), harness.chinese, since)
    assert (figures.lost, figures.doubled, figures.out_of_order) == (0, 0, 0)
    assert double.gateway.invalid_sessions == 0
