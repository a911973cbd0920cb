"""Bridges and the original↔copy map in the database; bridges cached in memory, written through."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.bridge.models import Bridge, BridgeChannel, BridgeKind, ChannelLanguage, CopyRecord, Script
from bot.bridge.remember.bridge_tables import bridge_channels, bridges, relayed_messages
from bot.bridge.remember.thread_pairs import ThreadPairs
from bot.storage import Database
from bot.storage.buffer import WriteBuffer


class BridgeStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._bridges: dict[int, Bridge] = {}
        self._by_channel: dict[int, int] = {}
        self._loaded = False
        self._lock = asyncio.Lock()
        # Copy records are written in batches: one transaction per message would cap relays/s.
        self._writes: WriteBuffer[CopyRecord] = WriteBuffer(db, batches=self._copy_rows, doing="writing the copy map")
        # Repeatable: a retry after a commit whose answer was lost finds its rows there.
        self._insert_copy = db.insert_new(relayed_messages, ["copy_message_id"])
        # Threads paired across the bridge: relayed like channels of their own (bot/bridge/remember/thread_pairs.py).
        self.threads = ThreadPairs(db)

    # -- bridges -------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read every bridge once; afterwards reads come from memory."""
        async with self._db.connect() as connection:
            bridge_rows = (await connection.execute(sa.select(bridges))).all()
            channel_rows = (await connection.execute(sa.select(bridge_channels).order_by(bridge_channels.c.created_at, bridge_channels.c.channel_id))).all()
        channels: dict[int, list[BridgeChannel]] = {}
        for row in channel_rows:
            channels.setdefault(row.bridge_id, []).append(_channel_from_row(row))
        self._bridges = {
            row.id: Bridge(row.id, row.guild_id, row.kind, tuple(channels.get(row.id, ()))) for row in bridge_rows
        }
        self._reindex()
        await self.threads.load()
        self._loaded = True

    async def _ensure_loaded(self) -> None:
        if not self._loaded:
            async with self._lock:
                if not self._loaded:
                    await self.load()

    def _reindex(self) -> None:
        self._by_channel = {
            channel.channel_id: bridge.id for bridge in self._bridges.values() for channel in bridge.channels
        }

    def bridge_of_cached(self, channel_id: int) -> Bridge | None:
        """The bridge a channel belongs to, from memory only (call `load()` first). A paired thread
        gets the bridge of its pairing (its threads, see `ThreadPairs.bridge_of`)."""
        bridge_id = self._by_channel.get(channel_id)
        if bridge_id is not None:
            return self._bridges.get(bridge_id)
        return self.threads.bridge_of(channel_id, self._registered_bridge)

    def _registered_bridge(self, channel_id: int) -> Bridge | None:
        bridge_id = self._by_channel.get(channel_id)
        return self._bridges.get(bridge_id) if bridge_id is not None else None

    async def bridge_of(self, channel_id: int) -> Bridge | None:
        """The bridge a channel was linked into (a paired thread: None, see `bridge_of_cached`)."""
        await self._ensure_loaded()
        return self._registered_bridge(channel_id)

    async def invited_bridge(self, bridge_id: int) -> Bridge | None:
        """The bridge an invite names. Another process may have created it a moment ago (an invite
        made in the other server's process) and told this one only through Redis, which may not have
        arrived yet: a bridge unknown here is read again from the database before it counts as gone."""
        await self._ensure_loaded()
        if bridge_id not in self._bridges:
            async with self._lock:
                if bridge_id not in self._bridges:
                    await self.load()
        return self._bridges.get(bridge_id)

    async def membership(self, channel_id: int, guild_id: int) -> tuple[Bridge, BridgeChannel] | None:
        """The bridge of a channel of server `guild_id` and the channel's entry in it; None when the
        channel is in no bridge or belongs to another server.

        A bridge is filed under the server that created it, but each channel under its own server:
        in a cross-server bridge, the second server's moderators manage their channels here."""
        bridge = await self.bridge_of(channel_id)
        member = bridge.channel(channel_id) if bridge is not None else None
        if member is None or member.guild_id != guild_id:
            return None
        return bridge, member

    async def guild_bridges(self, guild_id: int) -> list[Bridge]:
        await self._ensure_loaded()
        return sorted((b for b in self._bridges.values() if b.guild_id == guild_id), key=lambda b: b.id)

    async def all_bridges(self) -> list[Bridge]:
        await self._ensure_loaded()
        return sorted(self._bridges.values(), key=lambda b: b.id)

    def all_channels(self) -> Iterable[BridgeChannel]:
        """Every channel relayed from: registered channels, then paired threads."""
        yield from self.registered_channels()
        for pairing in self.threads.all_pairings():
            for thread in pairing.threads:
                bridge = self.bridge_of_cached(thread.thread_id)
                member = bridge.channel(thread.thread_id) if bridge is not None else None
                if member is not None:
                    yield member

    def registered_channels(self) -> Iterable[BridgeChannel]:
        for bridge in self._bridges.values():
            yield from bridge.channels

    async def create_bridge(self, guild_id: int, kind: BridgeKind, channels: list[dict]) -> Bridge:
        """Create a bridge with channels given as dicts of BridgeChannel fields (no bridge_id)."""
        await self._ensure_loaded()
        async with self._lock:
            now = datetime.now(UTC)
            async with self._db.begin() as connection:
                result = await connection.execute(
                    sa.insert(bridges).values(guild_id=guild_id, kind=kind, created_at=now).returning(bridges.c.id)
                )
                bridge_id = result.scalar_one()
                members = tuple(BridgeChannel(bridge_id=bridge_id, guild_id=guild_id, **spec) for spec in channels)
                for channel in members:
                    await connection.execute(sa.insert(bridge_channels).values(**_channel_values(channel, now)))
            bridge = Bridge(bridge_id, guild_id, kind, members)
            self._bridges[bridge_id] = bridge
            self._reindex()
            return bridge

    async def add_channel(
        self, bridge_id: int, channel_id: int, language: ChannelLanguage, *, script: Script = "simplified",
        show_label: bool = True, parent_id: int | None = None, guild_id: int | None = None,
    ) -> Bridge:
        """Add a channel to a bridge, filed under its own server `guild_id` (default: the bridge's)."""
        await self._ensure_loaded()
        async with self._lock:
            bridge = self._bridges[bridge_id]
            channel = BridgeChannel(
                channel_id, bridge_id, bridge.guild_id if guild_id is None else guild_id, language, script, show_label, parent_id,
            )
            async with self._db.begin() as connection:
                await connection.execute(sa.insert(bridge_channels).values(**_channel_values(channel, datetime.now(UTC))))
            updated = replace(bridge, channels=bridge.channels + (channel,))
            self._bridges[bridge_id] = updated
            self._reindex()
            return updated

    async def update_channel(self, channel_id: int, **changes: object) -> BridgeChannel:
        await self._ensure_loaded()
        async with self._lock:
            bridge = self._registered_bridge(channel_id)
            if bridge is None:
                raise KeyError(channel_id)
            current = bridge.channel(channel_id)
            updated = replace(current, **changes)
            async with self._db.begin() as connection:
                await connection.execute(
                    sa.update(bridge_channels)
                    .where(bridge_channels.c.channel_id == channel_id)
                    .values(language=updated.language, script=updated.script, show_label=updated.show_label)
                )
            self._bridges[bridge.id] = replace(
                bridge, channels=tuple(updated if c.channel_id == channel_id else c for c in bridge.channels)
            )
            return updated

    async def refile(self, owners: dict[int, int]) -> int:
        """File channels under the server Discord says they belong to (`{channel_id: guild_id}`);
        returns how many were filed wrongly (channels added before each kept its own server)."""
        await self._ensure_loaded()
        async with self._lock:
            wrong = {
                channel.channel_id: owners[channel.channel_id] for channel in self.registered_channels()
                if channel.channel_id in owners and owners[channel.channel_id] != channel.guild_id
            }
            if not wrong:
                return 0
            async with self._db.begin() as connection:
                for channel_id, guild_id in wrong.items():
                    await connection.execute(
                        sa.update(bridge_channels).where(bridge_channels.c.channel_id == channel_id).values(guild_id=guild_id)
                    )
            self._bridges = {
                bridge_id: replace(bridge, channels=tuple(
                    replace(c, guild_id=wrong[c.channel_id]) if c.channel_id in wrong else c for c in bridge.channels
                ))
                for bridge_id, bridge in self._bridges.items()
            }
            return len(wrong)

    async def remove_channel(self, channel_id: int) -> Bridge | None:
        """Take a channel out of its bridge; a bridge left with nothing to bridge is deleted.

        Returns the bridge as it was before, or None when the channel was in none.
        """
        await self._ensure_loaded()
        if self.threads.is_paired(channel_id):
            await self.threads.forget(channel_id)  # a paired thread (deleted): it leaves its pairing
        async with self._lock:
            bridge = self._registered_bridge(channel_id)
            if bridge is None:
                return None
            remaining = tuple(c for c in bridge.channels if c.channel_id != channel_id)
            keep = bridge.kind == "mixed" and bool(remaining) or len(remaining) >= 2
            async with self._db.begin() as connection:
                await connection.execute(sa.delete(bridge_channels).where(bridge_channels.c.channel_id == channel_id))
                if not keep:
                    await connection.execute(sa.delete(bridge_channels).where(bridge_channels.c.bridge_id == bridge.id))
                    await connection.execute(sa.delete(bridges).where(bridges.c.id == bridge.id))
            if keep:
                self._bridges[bridge.id] = replace(bridge, channels=remaining)
            else:
                del self._bridges[bridge.id]
            self._reindex()
        # Its threads leave their pairings (their partners stay as they are).
        await self.threads.forget_parent(channel_id)
        return bridge

    # -- original <-> copy map -------------------------------------------------------------

    async def record_copies(self, records: list[CopyRecord]) -> None:
        """Remember copies; written within moments (kept and retried while the database is
        unavailable), and before any map lookup."""
        self._writes.add(records)

    async def flush(self) -> None:
        await self._writes.flush()

    async def close(self) -> None:
        await self._writes.close()

    def _copy_rows(self, records: list[CopyRecord]):
        now = datetime.now(UTC)
        return [(self._insert_copy, [dict(_record_values(record), created_at=now) for record in records])]

    async def _read(self, statement, doing: str) -> list:
        """Rows of `statement`, after the pending copies are written; waits out an unavailable database."""
        await self.flush()

        async def read() -> list:
            async with self._db.connect() as connection:
                return (await connection.execute(statement)).all()

        return await self._db.retrying(read, doing=doing)

    async def _write(self, doing: str, *statements):
        """Run `statements` (each a tuple of execute() arguments) in one transaction, after the
        pending copies are written, repeated while the database is unavailable; returns the last result."""
        await self.flush()

        async def write():
            result = None
            async with self._db.begin() as connection:
                for arguments in statements:
                    result = await connection.execute(*arguments)
            return result

        return await self._db.retrying(write, doing=doing)

    async def copies_of(self, original_message_id: int) -> list[CopyRecord]:
        rows = await self._read(
            sa.select(relayed_messages)
            .where(relayed_messages.c.original_message_id == original_message_id)
            .order_by(relayed_messages.c.copy_channel_id, relayed_messages.c.part),
            "reading the copy map",
        )
        return [_record_from_row(row) for row in rows]

    async def copies_of_many(self, original_message_ids: list[int]) -> list[CopyRecord]:
        if not original_message_ids:
            return []
        rows = await self._read(
            sa.select(relayed_messages)
            .where(relayed_messages.c.original_message_id.in_(original_message_ids))
            .order_by(relayed_messages.c.copy_channel_id, relayed_messages.c.part),
            "reading the copy map",
        )
        return [_record_from_row(row) for row in rows]

    async def untranslated_copies(self, *, since: datetime, after_original_id: int, limit: int) -> list[CopyRecord]:
        """Copies still showing their original untranslated, by original id after `after_original_id`."""
        rows = await self._read(
            sa.select(relayed_messages)
            .where(
                relayed_messages.c.needs_translation.is_(True), relayed_messages.c.created_at >= since,
                relayed_messages.c.original_message_id > after_original_id,
            )
            .order_by(relayed_messages.c.original_message_id, relayed_messages.c.copy_channel_id, relayed_messages.c.part)
            .limit(limit),
            "reading the copy map",
        )
        return [_record_from_row(row) for row in rows]

    async def copy(self, copy_message_id: int) -> CopyRecord | None:
        rows = await self._read(
            sa.select(relayed_messages).where(relayed_messages.c.copy_message_id == copy_message_id), "reading the copy map"
        )
        return _record_from_row(rows[0]) if rows else None

    async def replace_copies(self, original_message_id: int, copy_channel_id: int, records: list[CopyRecord]) -> None:
        """After an edit: the copies in one channel are now exactly `records`."""
        now = datetime.now(UTC)
        statements = [(sa.delete(relayed_messages).where(
            relayed_messages.c.original_message_id == original_message_id,
            relayed_messages.c.copy_channel_id == copy_channel_id,
        ),)]
        if records:
            statements.append((sa.insert(relayed_messages), [dict(_record_values(r), created_at=now) for r in records]))
        await self._write("updating the copy map", *statements)

    async def forget_originals(self, original_message_ids: list[int]) -> None:
        if not original_message_ids:
            return
        await self._write("updating the copy map", (
            sa.delete(relayed_messages).where(relayed_messages.c.original_message_id.in_(original_message_ids)),
        ))

    async def forget_copies(self, copy_message_ids: list[int]) -> None:
        if not copy_message_ids:
            return
        await self._write("updating the copy map", (
            sa.delete(relayed_messages).where(relayed_messages.c.copy_message_id.in_(copy_message_ids)),
        ))

    async def forget_channel_copies(self, channel_id: int) -> None:
        await self._write("updating the copy map", (sa.delete(relayed_messages).where(relayed_messages.c.copy_channel_id == channel_id),))

    async def prune(self, older_than_days: int, *, now: datetime | None = None) -> int:
        cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
        result = await self._write("pruning the copy map", (sa.delete(relayed_messages).where(relayed_messages.c.created_at < cutoff),))
        return result.rowcount or 0


def _channel_values(channel: BridgeChannel, now: datetime) -> dict:
    return {
        "channel_id": channel.channel_id,
        "bridge_id": channel.bridge_id,
        "guild_id": channel.guild_id,
        "language": channel.language,
        "script": channel.script,
        "show_label": channel.show_label,
        "parent_id": channel.parent_id,
        "created_at": now,
    }


def _channel_from_row(row) -> BridgeChannel:
    return BridgeChannel(
        channel_id=row.channel_id,
        bridge_id=row.bridge_id,
        guild_id=row.guild_id,
        language=row.language,
        script=row.script,
        show_label=bool(row.show_label),
        parent_id=row.parent_id,
    )


def _record_values(record: CopyRecord) -> dict:
    return {
        "copy_message_id": record.copy_message_id,
        "copy_channel_id": record.copy_channel_id,
        "webhook_id": record.webhook_id,
        "original_message_id": record.original_message_id,
        "original_channel_id": record.original_channel_id,
        "guild_id": record.guild_id,
        "author_id": record.author_id,
        "part": record.part,
        "target_language": record.target_language,
        "source_hash": record.source_hash,
        "needs_translation": record.needs_translation,
    }


def _record_from_row(row) -> CopyRecord:
    return CopyRecord(
        original_message_id=row.original_message_id,
        original_channel_id=row.original_channel_id,
        guild_id=row.guild_id,
        author_id=row.author_id,
        copy_message_id=row.copy_message_id,
        copy_channel_id=row.copy_channel_id,
        webhook_id=row.webhook_id,
        part=row.part,
        target_language=row.target_language,
        source_hash=row.source_hash,
        needs_translation=bool(row.needs_translation),
    )
