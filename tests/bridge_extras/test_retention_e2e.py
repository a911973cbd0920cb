"""The message-map retention (MESSAGE_MAP_RETENTION_DAYS) applies to every per-message bridge table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.bridge.extras_tables import bridge_coalesced_lines
from bot.bridge.pacing import PacingLimits, WindowLimit
from bot.bridge.tables import relayed_messages
from tests.bridge.conftest import Harness
from tests.bridge_extras.test_surge_and_catch_up_e2e import numbers_in


async def test_the_prune_task_removes_old_lines_of_combined_posts_with_the_message_map(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        bot.bridge_relay.engine.set_pacing(
            PacingLimits(per_webhook=WindowLimit(1, 1.0), per_channel=WindowLimit(30, 60.0), burst=1, target_lag=0.5)
        )
        await harness.link()
        await double.post(harness.alice, harness.english, "m0 first")
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0], timeout=10)
        await double.post(harness.alice, harness.english, "m1 second")
        await double.post(harness.alice, harness.english, "m2 third")
        await double.wait_for(lambda: numbers_in(harness, harness.chinese) == [0, 1, 2], timeout=10)
        await bot.bridge_relay.store.flush()
        days = bot.settings.message_map_retention_days
        old = datetime.now(UTC) - timedelta(days=days + 1)
        async with bot.db.begin() as connection:
            await connection.execute(sa.update(bridge_coalesced_lines).values(created_at=old))
            await connection.execute(sa.update(relayed_messages).values(created_at=old))

        removed = await bot.get_cog("BridgeCog").prune_old_rows()

        async with bot.db.connect() as connection:
            lines = (await connection.execute(sa.select(sa.func.count()).select_from(bridge_coalesced_lines))).scalar()
            copies = (await connection.execute(sa.select(sa.func.count()).select_from(relayed_messages))).scalar()
        assert (removed, lines, copies) == (3, 0, 0)
