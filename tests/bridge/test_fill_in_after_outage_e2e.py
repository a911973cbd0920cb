"""Copies a provider outage left untranslated — a burst combined into one post included — are
filled in within one pass once the provider answers again, without waiting for a restart."""

from __future__ import annotations

import asyncio
import re

from bot.bridge.deliver.pacing import PacingLimits, WindowLimit
from tests.bridge.conftest import Harness
from tests.translation.fake_servers import Fault

NOTICE = "translation unavailable"
COMBINED = "Qiao · 多人"
NUMBERED = re.compile(r"\bm(\d+) ")
# Microsoft Translator's 503 (error code 503000: "temporarily unavailable, retry"); a short
# Retry-After keeps the circuit breaker's cool-down to one second in this test.
UNAVAILABLE = Fault(503, {"error": {"code": 503000, "message": "The service is temporarily unavailable. Retry."}},
                    {"Retry-After": "1"})
# One post per second per webhook: a burst of ten queues up and goes out combined.
SLOW_WEBHOOK = PacingLimits(per_webhook=WindowLimit(1, 1.0), per_channel=WindowLimit(30, 60.0), burst=1, target_lag=0.5)


def relayed(harness: Harness) -> list:
    return [view for view in harness.double.view(harness.chinese) if view.by_webhook]


def numbers(harness: Harness) -> list[int]:
    return [int(n) for view in relayed(harness) for n in NUMBERED.findall(view.content)]


def filled_lines(harness: Harness) -> list[int]:
    return [int(n) for view in relayed(harness) for n in re.findall(r"〔译〕m(\d+) ", view.content)]


async def burst_during_outage(harness: Harness, bot, count: int) -> list:
    """`count` messages posted at once while the provider is down; the copies they went out in."""
    bot.bridge_relay.engine.set_pacing(SLOW_WEBHOOK)
    await harness.link()
    harness.translator.fail_always(UNAVAILABLE)
    for number in range(count):
        await harness.double.post(harness.alice, harness.english, f"m{number} is anyone there")
    await harness.double.wait_for(lambda: len(numbers(harness)) == count, timeout=15)
    return relayed(harness)


async def test_a_burst_relayed_combined_during_an_outage_is_filled_in_once_the_provider_is_back(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        during = await burst_during_outage(harness, bot, 10)
        assert any(view.author == COMBINED for view in during) and len(during) < 10
        assert all(NOTICE in view.content for view in during)

        requests_before = len(harness.translator.requests)
        edits_before = len([r for r in double.requests if r.method == "PATCH"])
        harness.translator.recover()
        await double.wait_for(lambda: sorted(filled_lines(harness)) == list(range(10)), timeout=15)
        await double.wait_for(lambda: all(NOTICE not in view.content for view in relayed(harness)), timeout=5)
        after = relayed(harness)
        # Edited in place: the same posts, no new ones; nothing lost, doubled or reordered.
        assert [view.id for view in after] == [view.id for view in during]
        assert numbers(harness) == list(range(10))
        assert all(view.edited for view in after)
        # Each original was sent to the provider once after it recovered (the cache serves the rest).
        texts = [text for request in harness.translator.requests[requests_before:]
                 for text in (item["Text"] for item in request.json())]
        counts = {number: sum(f"m{number} " in text for text in texts) for number in range(10)}
        edits = len([r for r in double.requests if r.method == "PATCH"]) - edits_before
        print(f"\nfill-in after outage, burst of 10: translation requests during outage={requests_before} "
              f"after recovery={len(texts)} message edits={edits} posts={len(after)} "
              f"filled={len(filled_lines(harness))} lost={10 - len(set(numbers(harness)))} "
              f"doubled={len(numbers(harness)) - len(set(numbers(harness)))}")
        assert counts == dict.fromkeys(range(10), 1), counts
        assert edits == len(after)  # the lines of one combined post are edited in together


async def test_the_outage_burst_is_filled_in_by_a_single_pass_after_recovery(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        cog = bot.get_cog("BridgeCog")
        await burst_during_outage(harness, bot, 30)
        # The loop stops: the pass run below is the one that finds them.
        cog._fill_in_task.cancel()
        await asyncio.gather(cog._fill_in_task, return_exceptions=True)
        cog.stored_fill_ins.per_pass = 4  # thirty originals: several pages, all in one pass
        harness.translator.recover()
        [breaker] = bot.translation.chain.breakers.values()
        await double.wait_for(lambda: breaker.retry_in() == 0, timeout=5)  # the Retry-After second
        done = await cog.stored_fill_ins.run_until_caught_up()
        assert (done.filled, done.gone, done.providers_down) == (30, 0, False)
        await double.wait_for(lambda: sorted(filled_lines(harness)) == list(range(30)), timeout=15)
        assert numbers(harness) == list(range(30))
