"""The message-map retention (MESSAGE_MAP_RETENTION_DAYS) applies to every per-message bridge table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.bridge.remember.combined_posts import CombinedPostLine
from bot.bridge.remember.feature_tables import bridge_coalesced_lines
from bot.bridge.remember.bridge_tables import relayed_messages
from tests.bridge.conftest import Harness


async def test_the_prune_task_removes_old_lines_of_combined_posts_with_the_message_map(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        await harness.link()
        original = await double.post(harness.alice, harness.english, "m0 first")
        [copy] = await harness.copies(harness.chinese)
        await bot.get_cog("BridgeCog").combined_posts.record([
            CombinedPostLine(original.id, harness.chinese.id, copy.id, copy.webhook_id, 0, "Ally", "m0", ""),
        ])
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
        assert (removed, lines, copies) == (2, 0, 0)
