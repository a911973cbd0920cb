"""Relay counters per server and day (for /bridge stats) written by several processes at once."""

from __future__ import annotations

import asyncio
from datetime import date

from bot.bridge.stats import RelayDays
from tests.conftest import DatabaseTarget

DAY = date(2026, 5, 4)


async def test_processes_flushing_the_same_day_at_once_lose_no_counts(database_target: DatabaseTarget) -> None:
    databases = [await database_target.open(), await database_target.open(migrate=False)]
    processes = [RelayDays(db, today=lambda: DAY) for db in databases]
    try:
        for round_number in range(15):
            for number, days in enumerate(processes):
                days.relayed({1, 2}, copies=2, posts=1, lags_ms=[100 * (number + 1), 50])
                days.failed({2})
            await asyncio.gather(*(days.flush() for days in processes))
        one, two = await processes[0].summary(1, 1), await processes[1].summary(2, 1)
    finally:
        for db in databases:
            await db.close()
    assert (one.relays, one.posts, one.failures, one.lag_total_ms, one.lag_max_ms) == (60, 30, 0, 15 * (150 + 250), 200)
    assert (two.relays, two.failures) == (60, 30)
