"""Lossless relaying under Discord's rate limits, and catch-up after downtime."""

from __future__ import annotations

import asyncio
import logging
import re

from bot.bridge.deliver.pacing import PacingLimits, WindowLimit
from tests.bridge.conftest import Harness
from tests.bridge.conftest import copies_in

TIME_SCALE = 0.05
NUMBER = re.compile(r"\bm(\d+)\b")


def numbers_in(harness: Harness, channel) -> list[int]:
    return [int(found) for view in copies_in(harness, channel) for found in NUMBER.findall(view.content)]


async def test_surge_under_rate_limits_arrives_complete_in_order_coalesced_then_single_again(harness: Harness) -> None:
    double = harness.double
    double.ratelimiter.config.enabled = True
    double.ratelimiter.config.time_scale = TIME_SCALE
    async with harness.running() as bot:
        bot.bridge_relay.engine.set_pacing(PacingLimits().scaled(TIME_SCALE))
        await harness.link()
        total = 120
        for number in range(total):
            await double.post(harness.alice, harness.english, f"m{number} hello")
            await asyncio.sleep(1 / 60)  # 3 messages/s, 20x faster like the limits
        await double.wait_for(lambda: len(numbers_in(harness, harness.chinese)) >= total, timeout=30)
        assert numbers_in(harness, harness.chinese) == list(range(total)), [v.content for v in copies_in(harness, harness.chinese)][:4]
        surge_posts = copies_in(harness, harness.chinese)
        combined = [view for view in surge_posts if view.author == "Qiao · 多人"]
        assert combined and len(surge_posts) < total
        assert combined[0].content.startswith("**Ally**: 〔译〕m")
        webhook_posts = len(harness.webhook_posts())
        assert len(double.rate_limit_hits) <= webhook_posts / 100

        await asyncio.sleep(60 * TIME_SCALE)
        for number in range(total, total + 3):
            await double.post(harness.alice, harness.english, f"m{number} calm")
            await double.wait_for(lambda n=number: n in numbers_in(harness, harness.chinese), timeout=10)
        after = copies_in(harness, harness.chinese)[-3:]
        assert [view.author for view in after] == ["Ally"] * 3


async def test_edit_and_delete_reach_an_original_inside_a_combined_post(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        # Limits so tight that the second and third message must share a post.
        bot.bridge_relay.engine.set_pacing(
            PacingLimits(per_webhook=WindowLimit(1, 1.0), per_channel=WindowLimit(30, 60.0), burst=1, target_lag=0.5)
        )
        await harness.link()
        first = await double.post(harness.alice, harness.english, "m0 first")
        # The first copy goes out alone only if it is ready before the others: posted together, all
        # three may be translated together (one batched cache read) and rightly share one post.
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0], timeout=10)
        second = await double.post(harness.alice, harness.english, "m1 second")
        third = await double.post(harness.wang, harness.english, "m2 third")
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0, 1, 2], timeout=10)
        [combined] = [view for view in copies_in(harness, harness.chinese) if view.author == "Qiao · 多人"]
        assert "**Ally**: 〔译〕m1 second" in combined.content and "**王伟**: 〔译〕m2 third" in combined.content
        await double.edit(second, "m1 second, edited")
        await double.wait_for(lambda: "edited" in double.view(harness.chinese)[-1].content)
        await double.delete(third)
        await double.wait_for(lambda: "m2" not in double.view(harness.chinese)[-1].content)
        assert "**Ally**: 〔译〕m1 second, edited" in double.view(harness.chinese)[-1].content
        await double.delete(second)
        await double.wait_for(lambda: combined.id not in [view.id for view in double.view(harness.chinese)])
        assert first.id


async def test_messages_posted_while_the_bot_was_away_are_relayed_late_in_order_and_only_once(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        await double.post(harness.alice, harness.english, "m0 before the outage")
        await harness.copies(harness.chinese)
    for number in range(1, 4):
        await double.post(harness.alice, harness.english, f"m{number} while away")
    async with harness.running():
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0, 1, 2, 3], timeout=10)
        late = copies_in(harness, harness.chinese)[1:]
        assert all("⏱ sent while Qiao was offline" in view.content for view in late)
        assert "⏱" not in copies_in(harness, harness.chinese)[0].content
        await double.post(harness.alice, harness.english, "m4 live again")
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0, 1, 2, 3, 4], timeout=10)
        assert "⏱" not in copies_in(harness, harness.chinese)[-1].content
    async with harness.running():
        await asyncio.sleep(0.5)
        assert numbers_in(harness, harness.chinese) == [0, 1, 2, 3, 4]


async def test_catch_up_reads_the_history_only_of_channels_with_messages_after_their_mark(harness: Harness, caplog) -> None:
    """One history request per bridged channel at every start kept the live messages of a bot in
    thousands of servers waiting for minutes; channels where Discord says nothing is newer than
    the mark are not read."""
    double = harness.double
    quiet = [(double.create_channel(harness.guild, f"quiet-en-{i}"), double.create_channel(harness.guild, f"quiet-zh-{i}"))
             for i in range(3)]
    async with harness.running():
        await harness.link()
        for english, chinese in quiet:
            await harness.link(english, chinese)
        await double.post(harness.alice, harness.english, "m0 before the outage")
        await harness.copies(harness.chinese)
    for number in (1, 2):
        await double.post(harness.alice, harness.english, f"m{number} while away")
    double.requests.clear()
    caplog.set_level(logging.INFO, logger="cogs.bridge")
    async with harness.running():
        await double.wait_for(lambda: any("relayed 2 messages posted while the bot was away" in record.getMessage()
                                          for record in caplog.records), timeout=10)
        read = {int(request.path.split("/")[2]) for request in double.requests_to("GET", "/channels/*/messages")}
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0, 1, 2], timeout=10)
        await double.post(harness.alice, quiet[-1][0], "m3 live in a quiet channel")
        await double.wait_for(lambda: numbers_in(harness, quiet[-1][1]) == [3], timeout=10)
    assert harness.english.id in read
    assert read.isdisjoint({channel.id for pair in quiet for channel in pair})


async def test_a_server_that_arrives_after_ready_is_caught_up_too(harness: Harness, caplog) -> None:
    """The bot is ready without waiting for a server Discord reports late (an outage, or more
    than the ready timeout after the others): that server's channels catch up when it arrives."""
    double = harness.double
    async with harness.running():
        await harness.link()
        await double.post(harness.alice, harness.english, "m0 before the outage")
        await harness.copies(harness.chinese)
    for number in (1, 2):
        await double.post(harness.alice, harness.english, f"m{number} while away")
    double.gateway.withhold_guild(harness.guild.id)
    caplog.set_level(logging.DEBUG, logger="cogs.bridge")
    async with harness.running() as bot:
        await double.wait_for(lambda: any("caught up after the bot was away" in record.getMessage()
                                          for record in caplog.records), timeout=10)
        assert bot.get_guild(harness.guild.id).unavailable and bot.get_channel(harness.english.id) is None  # ready without it
        double.gateway.make_guild_available(harness.guild.id)
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0, 1, 2], timeout=10)
        assert all("⏱" in view.content for view in copies_in(harness, harness.chinese)[1:])
        await double.post(harness.alice, harness.english, "m3 live")
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0, 1, 2, 3], timeout=10)


async def test_catch_up_skips_opted_out_authors(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        handle = await double.invoke_slash(harness.wang, "bridge optout", channel=harness.english)
        await handle.wait_response()
    await double.post(harness.wang, harness.english, "m0 private")
    await double.post(harness.alice, harness.english, "m1 public")
    async with harness.running():
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [1], timeout=10)
        await asyncio.sleep(0.3)
        assert numbers_in(harness, harness.chinese) == [1]
