"""The SQLite database cannot grow (SQLITE_FULL, "database or disk is full"): relays go on, one
clear line says the disk is full and what to do, nothing is lost, and writing resumes by itself
once there is space again.

The fault is SQLite's own: `PRAGMA max_page_count` caps the file at its current size on the
bot's connections, so a write that needs a new page fails exactly as on a full disk.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3

import pytest
import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_coalesced_lines
from bot.bridge.deliver.pacing import PacingLimits, WindowLimit
from bot.bridge.remember.bridge_tables import relayed_messages
from tests.bridge.conftest import Harness

NUMBER = re.compile(r"\bm(\d+) ")
UNPACED = PacingLimits(per_webhook=WindowLimit(1000, 1.0), per_channel=WindowLimit(1000, 1.0), burst=1000)
FILLER = "a long message that needs room in the translation cache and the copy map " * 20


def relayed_numbers(harness: Harness) -> list[int]:
    return [int(n) for view in harness.double.view(harness.chinese) if view.by_webhook for n in NUMBER.findall(view.content)]


def originals(harness: Harness) -> list:
    return [message for message in harness.double.messages_in(harness.english) if not message.webhook_id]


class PageCap:
    """Sets `PRAGMA max_page_count` on each connection the bot takes from its pools: the async
    engine's and the batched writer's (copy map, combined-post lines, translation cache)."""

    def __init__(self, bot) -> None:
        self.pages: int | None = None
        sa.event.listen(bot.db.engine.sync_engine.pool, "checkout", self._apply)
        sa.event.listen(bot.db.sqlite_writer.engine.pool, "checkout", self._apply)

    def _apply(self, dbapi_connection, _record, _proxy) -> None:
        if self.pages is not None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA max_page_count={self.pages}")
            cursor.close()

    def set(self, pages: int) -> None:
        self.pages = pages


def page_count(path: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA page_count").fetchone()[0]


async def test_a_full_disk_loses_nothing_says_so_once_and_recovers_when_space_returns(
    harness: Harness, caplog: pytest.LogCaptureFixture,
) -> None:
    double = harness.double
    path = harness.database_url.split("///", 1)[1]
    caplog.set_level(logging.INFO)
    async with harness.running() as bot:
        bot.db.retry_delays = (0.1, 0.2, 0.5)
        bot.bridge_relay.engine.set_pacing(UNPACED)  # long copies go out one by one: no waiting for Discord's pace
        cap = PageCap(bot)
        await harness.link()
        await double.post(harness.alice, harness.english, "m0 before")
        await double.wait_for(lambda: relayed_numbers(harness) == [0], timeout=10)
        await bot.bridge_relay.engine.store.flush()

        cap.set(page_count(path))
        for number in range(1, 21):
            await double.post(harness.alice, harness.english, f"m{number} {FILLER}")
        await double.wait_for(lambda: len(relayed_numbers(harness)) == 21, timeout=20)
        storage_lines = lambda: [r.getMessage() for r in caplog.records if r.name == "bot.storage" and r.levelno >= logging.WARNING]  # noqa: E731
        await double.wait_for(lambda: storage_lines(), timeout=10)
        [full] = storage_lines()
        assert "disk is full" in full and "free space" in full and "database or disk is full" in full, full
        # Still relaying while nothing can be written, and the copy map waits in memory.
        await double.post(harness.alice, harness.english, "m21 still relayed")
        await double.wait_for(lambda: 21 in relayed_numbers(harness), timeout=10)
        assert bot.bridge_relay.engine.store._writes.pending + bot.get_cog("BridgeCog").combined_posts._writes.pending > 0

        cap.set(1_073_741_823)  # space again
        await double.wait_for(lambda: len(storage_lines()) == 2, timeout=15)
        assert "available again" in storage_lines()[1]
        await bot.bridge_relay.engine.drain(10)
        numbers = relayed_numbers(harness)
        lost, doubled = len(set(range(22)) - set(numbers)), len(numbers) - len(set(numbers))
        out_of_order = sum(1 for a, b in zip(numbers, numbers[1:]) if b < a)
        tracebacks = [r.getMessage() for r in caplog.records if r.name.startswith(("bot", "cogs")) and r.exc_info]
        print(f"\nSQLite full for {len(numbers) - 1} relays: lost={lost} doubled={doubled} out-of-order={out_of_order} "
              f"storage log lines={len(storage_lines())} tracebacks={len(tracebacks)}")
        assert (lost, doubled, out_of_order) == (0, 0, 0), numbers
        assert not tracebacks, tracebacks

    with contextlib.closing(sqlite3.connect(path)) as connection:
        mapped = {row[0] for table in (relayed_messages.name, bridge_coalesced_lines.name)
                  for row in connection.execute(f"SELECT original_message_id FROM {table}")}
    assert mapped == {message.id for message in originals(harness)}
    async with harness.running():
        await double.edit(originals(harness)[5], "m5 edited after the disk was full")
        await double.wait_for(lambda: any("m5 edited after" in v.content for v in double.view(harness.chinese)), timeout=10)
