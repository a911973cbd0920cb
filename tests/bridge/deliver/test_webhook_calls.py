"""The bridge's delivery wrapper: retries transient failures at a bounded pace and never doubles."""

from __future__ import annotations

import random

import pytest

from bot.bridge.catch_up import DISCORD_EPOCH_MS
from bot.bridge.deliver.webhook_calls import DeliveringSender
from bot.bridge.models import Destination
from bot.bridge.deliver.pacing import Pacer, PacingLimits, SharedBlock
from bot.bridge.deliver.webhook import DestinationForbidden, SentMessage, TransientDeliveryError


NOW_MS = 1_700_000_000_000
# Snowflakes of posts made "now" (the wall clock the sender is given).
NOW_SNOWFLAKE = (NOW_MS - DISCORD_EPOCH_MS) << 22


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


class ScriptedSender:
    """Answers each send with the next scripted outcome (an exception or None for success)."""

    def __init__(self, outcomes, posted_anyway: bool = False) -> None:
        self.outcomes = list(outcomes)
        self.sends: list[tuple[float, str]] = []
        self.searches: list[int] = []
        self.posted_anyway = posted_anyway
        self.clock: FakeClock | None = None

    async def send(self, destination, content, *, username, avatar_url) -> SentMessage:
        self.sends.append((self.clock(), content))
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return SentMessage(NOW_SNOWFLAKE + len(self.sends), 77)

    async def find_posted(self, destination, content, *, after_message_id: int) -> SentMessage | None:
        self.searches.append(after_message_id)
        return SentMessage(4242, 77) if self.posted_anyway else None

    async def edit(self, destination, webhook_id, message_id, content) -> None:
        self.sends.append((self.clock(), "edit"))
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome


def delivering(inner: ScriptedSender) -> tuple[DeliveringSender, FakeClock, dict[int, Pacer]]:
    clock = FakeClock()
    inner.clock = clock
    shared = SharedBlock(clock=clock)
    pacers: dict[int, Pacer] = {}

    def pacer_for(channel_id: int) -> Pacer:
        return pacers.setdefault(channel_id, Pacer(PacingLimits(), clock=clock, shared=shared))

    sender = DeliveringSender(inner, pacer_for, shared, sleep=clock.sleep, wall_clock_ms=lambda: NOW_MS,
                              rng=random.Random(1))
    return sender, clock, pacers


DESTINATION = Destination(1, 2)


async def test_rate_limited_posts_are_retried_no_sooner_than_discord_asked_until_they_go_through() -> None:
    storm = [TransientDeliveryError("429", retry_after=1.0) for _ in range(6)]
    inner = ScriptedSender(storm)
    sender, clock, _ = delivering(inner)
    sent = await sender.send(DESTINATION, "hello", username="Ana", avatar_url=None)
    assert sent.message_id == NOW_SNOWFLAKE + 7
    times = [at for at, _ in inner.sends]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert len(times) == 7 and all(gap >= 1.0 for gap in gaps)
    assert gaps[-1] >= 8.0  # backing off grows past the hint while the storm lasts
    assert sender.counters.rate_limited == 6


async def test_a_global_limit_holds_every_destination_back() -> None:
    inner = ScriptedSender([TransientDeliveryError("429 global", retry_after=2.0, is_global=True)])
    sender, clock, pacers = delivering(inner)
    await sender.send(DESTINATION, "one", username="Ana", avatar_url=None)
    failed_at, retried_at = inner.sends[0][0], inner.sends[1][0]
    assert retried_at - failed_at >= 2.0
    # Just after the global 429, another channel's pacer would also have waited.
    clock.now = failed_at + 0.1
    assert Pacer(PacingLimits(), clock=clock, shared=sender.shared).delay() >= 1.9
    assert Pacer(PacingLimits(), clock=clock).delay() == 0.0


async def test_a_limit_of_one_webhook_holds_back_only_its_destination() -> None:
    inner = ScriptedSender([TransientDeliveryError("429 user", retry_after=2.0)])
    sender, clock, pacers = delivering(inner)
    await sender.send(DESTINATION, "one", username="Ana", avatar_url=None)
    assert sender.shared.delay() == 0.0 and sender.shared.until == 0.0


async def test_an_uncertain_post_that_went_through_is_not_posted_again() -> None:
    inner = ScriptedSender([TransientDeliveryError("reset", uncertain=True)], posted_anyway=True)
    sender, _, _ = delivering(inner)
    sent = await sender.send(DESTINATION, "hello", username="Ana", avatar_url=None)
    assert sent.message_id == 4242
    assert len(inner.sends) == 1 and len(inner.searches) == 1
    assert sender.counters.found_after_uncertain == 1


async def test_an_uncertain_post_that_did_not_go_through_is_posted_once_more() -> None:
    inner = ScriptedSender([TransientDeliveryError("timeout", uncertain=True)], posted_anyway=False)
    sender, _, _ = delivering(inner)
    await sender.send(DESTINATION, "hello", username="Ana", avatar_url=None)
    assert [content for _, content in inner.sends] == ["hello", "hello"] and len(inner.searches) == 1


async def test_the_search_for_an_uncertain_post_starts_after_the_last_copy_known_there() -> None:
    inner = ScriptedSender([None, TransientDeliveryError("reset", uncertain=True)])
    sender, _, _ = delivering(inner)
    first = await sender.send(DESTINATION, "one", username="Ana", avatar_url=None)
    await sender.send(DESTINATION, "two", username="Ana", avatar_url=None)
    assert inner.searches == [first.message_id]


async def test_permanent_refusals_are_raised_at_once() -> None:
    inner = ScriptedSender([DestinationForbidden("403 50013")])
    sender, _, _ = delivering(inner)
    with pytest.raises(DestinationForbidden):
        await sender.send(DESTINATION, "hello", username="Ana", avatar_url=None)
    assert len(inner.sends) == 1


async def test_edits_are_retried_through_server_errors() -> None:
    inner = ScriptedSender([TransientDeliveryError("502"), TransientDeliveryError("503")])
    sender, clock, _ = delivering(inner)
    await sender.edit(DESTINATION, 77, 5001, "new text")
    times = [at for at, _ in inner.sends]
    assert len(times) == 3 and times[1] - times[0] >= 1.0 and times[2] - times[1] >= 2.0
