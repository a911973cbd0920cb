"""Which originals went out inside which combined post, so edits and deletes still reach them.

`relayed_messages` maps one copy message to one original; a combined post carries several, so
its lines live here, in order, with the text each line showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_coalesced_lines as lines_table
from bot.storage import Database
from bot.storage.buffer import WriteBuffer


@dataclass(frozen=True, slots=True)
class CombinedPostLine:
    original_message_id: int
    copy_channel_id: int
    copy_message_id: int
    webhook_id: int
    position: int
    author_name: str
    text: str
    footer: str
    needs_translation: bool = False  # went out untranslated: a provider was down
    original_channel_id: int | None = None


class CombinedPosts:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Written as the post goes out; while the database is unavailable kept and retried in the
        # background (the post is not held up), and always written before lines are read or changed.
        self._writes: WriteBuffer[dict] = WriteBuffer(db, batches=self._line_rows, doing="writing combined-post lines")
        self._insert_line = db.insert_new(lines_table, ["original_message_id", "copy_channel_id"])

    async def record(self, lines: list[CombinedPostLine]) -> None:
        now = datetime.now(UTC)
        await self._writes.write_now([_values(line, now) for line in lines])

    async def flush(self) -> None:
        """Write what was recorded and is still waiting to be written."""
        await self._writes.flush()

    async def close(self) -> None:
        await self._writes.close()

    def _line_rows(self, rows: list[dict]):
        return [(self._insert_line, rows)]

    async def _read(self, statement) -> list[CombinedPostLine]:
        await self._writes.flush()

        async def read() -> list[CombinedPostLine]:
            async with self._db.connect() as connection:
                return [_line(row) for row in await connection.execute(statement)]

        return await self._db.retrying(read, doing="reading combined-post lines")

    async def _change(self, statement):
        await self._writes.flush()

        async def change():
            async with self._db.begin() as connection:
                return await connection.execute(statement)

        return await self._db.retrying(change, doing="updating combined-post lines")

    async def lines_of_originals(self, original_message_ids: list[int]) -> list[CombinedPostLine]:
        if not original_message_ids:
            return []
        return await self._read(sa.select(lines_table).where(lines_table.c.original_message_id.in_(original_message_ids)))

    async def lines_of_post(self, copy_message_id: int) -> list[CombinedPostLine]:
        return await self._read(
            sa.select(lines_table).where(lines_table.c.copy_message_id == copy_message_id).order_by(lines_table.c.position)
        )

    async def update_text(self, original_message_id: int, copy_channel_id: int, text: str, *, needs_translation: bool = False) -> None:
        await self._change(
            sa.update(lines_table)
            .where(lines_table.c.original_message_id == original_message_id, lines_table.c.copy_channel_id == copy_channel_id)
            .values(text=text, needs_translation=needs_translation)
        )

    async def untranslated(self, *, since: datetime, after_original_id: int, limit: int) -> list[CombinedPostLine]:
        """Lines still showing their original untranslated, by original id after `after_original_id`."""
        return await self._read(
            sa.select(lines_table)
            .where(
                lines_table.c.needs_translation.is_(True), lines_table.c.created_at >= since,
                lines_table.c.original_message_id > after_original_id, lines_table.c.original_channel_id.is_not(None),
            )
            .order_by(lines_table.c.original_message_id)
            .limit(limit)
        )

    async def forget(self, original_message_id: int, copy_channel_id: int) -> None:
        await self._change(
            sa.delete(lines_table).where(
                lines_table.c.original_message_id == original_message_id, lines_table.c.copy_channel_id == copy_channel_id
            )
        )

    async def prune(self, older_than_days: int) -> int:
        cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
        result = await self._change(sa.delete(lines_table).where(lines_table.c.created_at < cutoff))
        return result.rowcount or 0


def _values(line: CombinedPostLine, now: datetime) -> dict:
    return {
        "original_message_id": line.original_message_id, "copy_channel_id": line.copy_channel_id,
        "copy_message_id": line.copy_message_id, "webhook_id": line.webhook_id, "position": line.position,
        "author_name": line.author_name[:100], "text": line.text, "footer": line.footer, "created_at": now,
        "needs_translation": line.needs_translation, "original_channel_id": line.original_channel_id,
    }


def _line(row) -> CombinedPostLine:
    return CombinedPostLine(
        row.original_message_id, row.copy_channel_id, row.copy_message_id, row.webhook_id, row.position,
        row.author_name, row.text, row.footer, bool(row.needs_translation), row.original_channel_id,
    )
