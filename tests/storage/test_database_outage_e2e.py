"""PostgreSQL goes away (every connection cut, new ones reset) while messages keep coming:
nothing is lost, doubled or reordered, the copy map is complete afterwards, the log says so in
two lines, and the bot recovers by itself."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_coalesced_lines
from bot.bridge.remember.bridge_tables import relayed_messages
from bot.storage import Database
from tests.bridge.conftest import Harness
from tests.storage.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres
NUMBER = re.compile(r"\bm(\d+) ")
OUTAGE_SECONDS = 3.0  # stands for the 30 s of a restart or failover; the same code paths either way


def relayed_numbers(harness: Harness) -> list[int]:
    return [int(n) for view in harness.double.view(harness.chinese) if view.by_webhook for n in NUMBER.findall(view.content)]


def originals(harness: Harness) -> list:
    return [message for message in harness.double.messages_in(harness.english) if not message.webhook_id]


async def mapped_originals(url: str) -> set[int]:
    """Originals the copy map knows a copy of: single copies, and lines of combined posts."""
    database = await Database.open(url, migrate=False)
    try:
        async with database.connect() as connection:
            singles = (await connection.execute(sa.select(relayed_messages.c.original_message_id))).scalars().all()
            lines = (await connection.execute(sa.select(bridge_coalesced_lines.c.original_message_id))).scalars().all()
        return {*singles, *lines}
    finally:
        await database.close()


async def test_a_database_outage_loses_nothing_and_the_bot_recovers_by_itself(
    postgres_harness: Harness, postgres_proxy: TcpProxy, caplog: pytest.LogCaptureFixture,
) -> None:
    harness, double = postgres_harness, postgres_harness.double
    caplog.set_level(logging.INFO)
    async with harness.running() as bot:
        bot.db.retry_delays = (0.1, 0.2, 0.5)
        await harness.link()
        for number in range(5):
            await double.post(harness.alice, harness.english, f"m{number} before")
        await double.wait_for(lambda: len(relayed_numbers(harness)) == 5, timeout=10)

        postgres_proxy.cut()
        loop = asyncio.get_running_loop()
        back_at = loop.time() + OUTAGE_SECONDS
        await double.edit(originals(harness)[1], "m1 edited during the outage")
        number = 5
        while loop.time() < back_at:
            await double.post(harness.alice, harness.english, f"m{number} during")
            number += 1
            await asyncio.sleep(0.1)
        postgres_proxy.restore()
        during = number - 5
        for number in range(number, number + 5):
            await double.post(harness.alice, harness.english, f"m{number} after")
        total = number + 1

        await double.wait_for(lambda: len(relayed_numbers(harness)) >= total, timeout=30)
        await double.wait_for(lambda: any("m1 edited during the outage" in v.content for v in double.view(harness.chinese)), timeout=10)
        await bot.bridge_relay.engine.drain(10)
        numbers = relayed_numbers(harness)
        lost = len(set(range(total)) - set(numbers))
        doubled = len(numbers) - len(set(numbers))
        out_of_order = sum(1 for a, b in zip(numbers, numbers[1:]) if b < a)
        storage_lines = [r.getMessage() for r in caplog.records if r.name == "bot.storage" and r.levelno >= logging.WARNING]
        tracebacks = [r for r in caplog.records if r.name.startswith(("bot", "cogs")) and r.exc_info]
        print(f"\ndatabase outage {OUTAGE_SECONDS:.0f} s, {total} messages ({during} during): lost={lost} doubled={doubled} "
              f"out-of-order={out_of_order}; proxy: {postgres_proxy.counters}; storage log lines={len(storage_lines)}; "
              f"tracebacks={len(tracebacks)}")
        assert postgres_proxy.counters.refused > 0  # the outage was real: the bot tried and was refused
        assert (lost, doubled, out_of_order) == (0, 0, 0), numbers
        assert len(storage_lines) == 2, storage_lines
        assert "unavailable" in storage_lines[0] and "available again" in storage_lines[1]
        assert not tracebacks, [r.getMessage() for r in tracebacks]
        copies = len([v for v in double.view(harness.chinese) if v.by_webhook])

    # Every copy made during the outage is in the copy map: a new process edits it in place.
    assert await mapped_originals(harness.database_url) == {message.id for message in originals(harness)}
    async with harness.running():
        await double.edit(originals(harness)[10], "m10 edited after a restart")
        await double.wait_for(lambda: any("m10 edited after a restart" in v.content for v in double.view(harness.chinese)), timeout=10)
        assert len([v for v in double.view(harness.chinese) if v.by_webhook]) == copies
