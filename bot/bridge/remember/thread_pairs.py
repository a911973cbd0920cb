"""Thread pairs: a thread in a bridged channel and the partner threads Qiao opened for it.

A pairing is stored (table `bridge_thread_pairs`, one row per thread, the pairing named by the
thread it started from) and kept in memory, written through. The engine sees a paired thread as a
bridge channel of its own: `ThreadPairs.bridge_of(thread_id, parent_bridge_of)` builds a `Bridge`
whose channels are the pairing's threads, each speaking its parent channel's language, script and
label, posted into through the parent's webhook with `thread_id`. A thread in a mixed channel is a
pairing of one thread (translations under each message, in the thread).

Discord-free: the cog (`cogs/bridge/threads.py`) opens the partner threads and calls `pair`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.bridge.models import Bridge, BridgeChannel
from bot.storage import Database
from bot.storage.schema import metadata

bridge_thread_pairs = sa.Table(
    "bridge_thread_pairs",
    metadata,
    sa.Column("thread_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("pairing_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("parent_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    # The thread's name as last seen or set: a rename is told from a THREAD_UPDATE by it.
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class PairedThread:
    thread_id: int
    parent_id: int
    guild_id: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class ThreadPairing:
    """Threads relayed into each other. `id` is the thread the pairing started from."""

    id: int
    threads: tuple[PairedThread, ...]
    created_at: datetime

    def thread(self, thread_id: int) -> PairedThread | None:
        return next((thread for thread in self.threads if thread.thread_id == thread_id), None)

    def partners(self, thread_id: int) -> tuple[PairedThread, ...]:
        return tuple(thread for thread in self.threads if thread.thread_id != thread_id)


# A channel id -> its bridge (registered channels only).
ParentBridge = Callable[[int], "Bridge | None"]


class ThreadPairs:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._pairings: dict[int, ThreadPairing] = {}
        self._by_thread: dict[int, int] = {}
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        async with self._db.connect() as connection:
            rows = (await connection.execute(
                sa.select(bridge_thread_pairs).order_by(bridge_thread_pairs.c.pairing_id, bridge_thread_pairs.c.created_at,
                                                        bridge_thread_pairs.c.thread_id)
            )).all()
        pairings: dict[int, ThreadPairing] = {}
        for row in rows:
            thread = PairedThread(row.thread_id, row.parent_id, row.guild_id, row.name)
            existing = pairings.get(row.pairing_id)
            if existing is None:
                pairings[row.pairing_id] = ThreadPairing(row.pairing_id, (thread,), _aware(row.created_at))
            else:
                pairings[row.pairing_id] = replace(existing, threads=existing.threads + (thread,))
        self._pairings = pairings
        self._reindex()

    def _reindex(self) -> None:
        self._by_thread = {thread.thread_id: pairing.id for pairing in self._pairings.values() for thread in pairing.threads}

    # -- reading (memory only) ---------------------------------------------------------------

    def pairing_of(self, thread_id: int) -> ThreadPairing | None:
        pairing_id = self._by_thread.get(thread_id)
        return self._pairings.get(pairing_id) if pairing_id is not None else None

    def is_paired(self, thread_id: int) -> bool:
        return thread_id in self._by_thread

    def all_pairings(self) -> Iterable[ThreadPairing]:
        return list(self._pairings.values())

    def bridge_of(self, thread_id: int, parent_bridge_of: ParentBridge) -> Bridge | None:
        """The bridge the engine relays a paired thread through: the pairing's threads whose parent
        is still bridged, each with its parent's language, script and label. None when the thread
        is in no pairing, or nothing is left to relay into."""
        pairing = self.pairing_of(thread_id)
        if pairing is None:
            return None
        source_bridge = parent_bridge_of(pairing.thread(thread_id).parent_id)
        if source_bridge is None:
            return None
        channels: list[BridgeChannel] = []
        for thread in pairing.threads:
            bridge = parent_bridge_of(thread.parent_id)
            member = bridge.channel(thread.parent_id) if bridge is not None else None
            if member is None or bridge.id != source_bridge.id:
                continue
            channels.append(BridgeChannel(
                thread.thread_id, bridge.id, thread.guild_id, member.language, member.script, member.show_label,
                parent_id=thread.parent_id,
            ))
        if source_bridge.kind == "mixed":
            channels = [channel for channel in channels if channel.channel_id == thread_id]
        elif len(channels) < 2:
            return None
        return Bridge(source_bridge.id, source_bridge.guild_id, source_bridge.kind, tuple(channels))

    # -- writing (write-through) -------------------------------------------------------------

    async def pair(self, source: PairedThread, partners: Iterable[PairedThread] = ()) -> ThreadPairing:
        """Pair `source` with `partners` (none: a thread of a mixed channel). Adding partners to a
        pairing that exists keeps it; a thread already paired elsewhere stays there."""
        async with self._lock:
            now = datetime.now(UTC)
            existing = self.pairing_of(source.thread_id)
            pairing = existing or ThreadPairing(source.thread_id, (), now)
            new = [thread for thread in (source, *partners)
                   if not self.is_paired(thread.thread_id) and pairing.thread(thread.thread_id) is None]
            if new:
                async with self._db.begin() as connection:
                    await connection.execute(self._db.insert_new(bridge_thread_pairs, ["thread_id"]), [
                        {"thread_id": thread.thread_id, "pairing_id": pairing.id, "parent_id": thread.parent_id,
                         "guild_id": thread.guild_id, "name": thread.name[:100], "created_at": now}
                        for thread in new
                    ])
                pairing = replace(pairing, threads=pairing.threads + tuple(new))
                self._pairings[pairing.id] = pairing
                self._reindex()
            return pairing

    async def renamed(self, thread_id: int, name: str) -> None:
        """Remember a thread's current name."""
        async with self._lock:
            pairing = self.pairing_of(thread_id)
            if pairing is None or pairing.thread(thread_id).name == name:
                return
            async with self._db.begin() as connection:
                await connection.execute(
                    sa.update(bridge_thread_pairs).where(bridge_thread_pairs.c.thread_id == thread_id).values(name=name[:100])
                )
            threads = tuple(replace(t, name=name[:100]) if t.thread_id == thread_id else t for t in pairing.threads)
            self._pairings[pairing.id] = replace(pairing, threads=threads)

    async def forget(self, thread_id: int) -> ThreadPairing | None:
        """A thread was deleted: it leaves its pairing (the partners stay, with what they hold);
        returns the pairing as it was."""
        async with self._lock:
            pairing = self.pairing_of(thread_id)
            if pairing is None:
                return None
            async with self._db.begin() as connection:
                await connection.execute(sa.delete(bridge_thread_pairs).where(bridge_thread_pairs.c.thread_id == thread_id))
            remaining = pairing.partners(thread_id)
            if remaining:
                self._pairings[pairing.id] = replace(pairing, threads=remaining)
            else:
                del self._pairings[pairing.id]
            self._reindex()
            return pairing

    async def forget_parent(self, parent_id: int) -> int:
        """A channel left its bridge or was deleted: its threads leave their pairings."""
        threads = [thread.thread_id for pairing in self._pairings.values() for thread in pairing.threads
                   if thread.parent_id == parent_id]
        for thread_id in threads:
            await self.forget(thread_id)
        return len(threads)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
