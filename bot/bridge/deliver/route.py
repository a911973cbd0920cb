"""Where a destination's work goes: into its lane in this process, or handed over to the process
that posts there.

One process posts into every destination (`LocalRoute`). One process among several (`ShardRoute`:
SHARD_IDS a part of SHARD_COUNT, REDIS_URL set) posts only into the servers of its own shards:
everything meant for a channel of another process's server is handed over (bot/bridge/handover.py)
where it would otherwise enter that channel's lane: new copies (with their late mark), edits,
deletes and filled-in translations. The engine asks its route at each of those points; what is
handed to this process the engine plans as if the original had been seen here (`RelayEngine.accept`),
into this process's channels only, and the route acknowledges it once done: a new copy once it is
posted and recorded, an edit or delete once its lane got past it. An entry read again after a
restart (or taken over from a process that died) is marked uncertain, so its copy is first looked
for among the destination's newest posts and not posted twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Hashable, Iterable

from bot.bridge.handover import DELETE, EDIT, FILL_IN, NEW, Entry, Handover, original_to_dict
from bot.bridge.lanes import nothing
from bot.bridge.models import Bridge, BridgeChannel, OriginalMessage

log = logging.getLogger(__name__)

# Work the bridge cog queues into a partner channel's lane and waits for (opening a partner thread,
# mirroring its state): it runs here even for another process's channel (a REST call on a thread
# reaches any server), since the lane there is not this process's to wait on.
RUN_HERE_FOR_ANY_CHANNEL = ("open thread ", "open post ", "thread state ")


class LocalRoute:
    """One process: every destination's work enters its lane here; nothing is handed over."""

    handover: Handover | None = None

    def __init__(self) -> None:
        # (original id, destination channel id) -> snowflake floor: copies to look for before posting.
        self.uncertain: dict[tuple[int, int], int] = {}

    def lanes(self, lanes):
        return lanes

    def marks(self, marks):
        return marks

    def hands_over_copy(self, original: OriginalMessage, channel: BridgeChannel, *, late: bool) -> bool:
        return False

    async def hand_over_edit(self, original: OriginalMessage) -> None:
        return None

    async def hand_over_delete(self, original_message_ids: list[int], channel_id: int | None) -> None:
        return None

    def fill_ins_here(self, prepared: list) -> list:
        return prepared

    def done(self, items: Iterable, channel_id: int) -> None:
        return None

    async def close(self) -> None:
        return None


class ShardRoute:
    """One process among several: local where this process owns the destination's server, handed
    over by shard everywhere else."""

    def __init__(self, handover: Handover, store, combined_posts, space_of: Callable[[int], BridgeChannel | None]) -> None:
        self.handover = handover
        self.store = store
        self.combined_posts = combined_posts
        self.space_of = space_of
        self.uncertain: dict[tuple[int, int], int] = {}
        # (original id, destination channel id) -> the hand-over to acknowledge once it is posted.
        self._entries: dict[tuple[int, int], Entry] = {}
        self._acks: set[asyncio.Task[None]] = set()
        self._lanes = None
        self._marks = None

    # -- what is whose --------------------------------------------------------------------------

    def here(self, guild_id: int) -> bool:
        return self.handover.owns(guild_id)

    def is_local_channel(self, channel_id: int) -> bool:
        space = self.space_of(channel_id)
        return space is None or self.handover.owns(space.guild_id)

    def channels_here(self, bridge: Bridge | None) -> set[int]:
        if bridge is None:
            return set()
        return {channel.channel_id for channel in bridge.channels if self.handover.owns(channel.guild_id)}

    def lanes(self, lanes) -> LanesHere:
        self._lanes = LanesHere(lanes, self.is_local_channel)
        return self._lanes

    def marks(self, marks) -> MarksHere:
        # Catch-up marks only of this process's own source channels (the others' processes keep theirs).
        self._marks = MarksHere(marks, self.is_local_channel)
        return self._marks

    def _remote_shards(self, bridge: Bridge | None, extra_channels: Iterable[int] = ()) -> set[tuple[int, int]]:
        """(shard, a guild id of it) for every other process's shard with a channel in `bridge`."""
        guilds = {channel.guild_id for channel in bridge.channels} if bridge is not None else set()
        for channel_id in extra_channels:
            space = self.space_of(channel_id)
            if space is not None:
                guilds.add(space.guild_id)
        shards: dict[int, int] = {}
        for guild_id in guilds:
            if not self.handover.owns(guild_id):
                shards.setdefault(self.handover.shard_of(guild_id), guild_id)
        return {(shard, guild_id) for shard, guild_id in shards.items()}

    # -- handing over -------------------------------------------------------------------------------

    def hands_over_copy(self, original: OriginalMessage, channel: BridgeChannel, *, late: bool) -> bool:
        """Hand a new copy over when another process posts into `channel`; False: it is posted here."""
        if self.handover.owns(channel.guild_id):
            return False
        channel_id = channel.channel_id
        holder: Hashable = ("handed over", original.message_id, channel_id)
        # Until the hand-over is in Redis, a restart's catch-up must read this original again.
        self._marks.hold_below(original.channel_id, holder, original.message_id)

        def sent() -> None:
            self._marks.release(original.channel_id, holder)
            self._marks.advance(original.channel_id, original.message_id)

        self.handover.send(
            NEW, channel.guild_id, {"original": original_to_dict(original), "channel_id": channel_id, "late": late},
            once=f"{original.message_id}:{channel_id}", on_sent=sent,
        )
        return True

    async def hand_over_edit(self, original: OriginalMessage) -> None:
        records = await self.store.copies_of(original.message_id)
        bridge = self.store.bridge_of_cached(original.channel_id)
        for _shard, guild_id in self._remote_shards(bridge, [record.copy_channel_id for record in records]):
            self.handover.send(EDIT, guild_id, {"original": original_to_dict(original)})

    async def hand_over_delete(self, original_message_ids: list[int], channel_id: int | None) -> None:
        records = await self.store.copies_of_many(list(original_message_ids))
        bridge = self.store.bridge_of_cached(channel_id) if channel_id is not None else None
        for _shard, guild_id in self._remote_shards(bridge, [record.copy_channel_id for record in records]):
            self.handover.send(DELETE, guild_id, {"ids": list(original_message_ids), "channel_id": channel_id})

    def fill_ins_here(self, prepared: list) -> list:
        """Hand filled-in translations over (once per original and shard); the ones posted here."""
        handed: set[tuple[int, int]] = set()  # (original id, shard)
        for copy in prepared:
            guild_id = copy.plan.channel.guild_id
            if self.handover.owns(guild_id):
                continue
            key = (copy.original.message_id, self.handover.shard_of(guild_id))
            if key not in handed:
                handed.add(key)
                self.handover.send(FILL_IN, guild_id, {"original": original_to_dict(copy.original)})
        return [copy for copy in prepared if self.handover.owns(copy.plan.channel.guild_id)]

    # -- what was handed to this process ------------------------------------------------------------

    def waiting_for(self, entry: Entry, original_message_id: int, channel_id: int, *, since: int | None) -> bool:
        """Acknowledge `entry` once the copy is posted; `since`: a snowflake after which an earlier
        post of it may be found. False: the same copy was handed over twice (a claim racing a
        restart), once is enough."""
        key = (original_message_id, channel_id)
        if since is not None:
            self.uncertain[key] = since
        if key in self._entries:
            self.ack_soon(entry)
            return False
        self._entries[key] = entry
        return True

    # -- acknowledging ----------------------------------------------------------------------------

    def done(self, items: Iterable, channel_id: int) -> None:
        """Outbox items left the outbox of `channel_id` (posted, or failed for good)."""
        for item in items:
            key = (item.payload.original.message_id, channel_id)
            self.uncertain.pop(key, None)
            entry = self._entries.pop(key, None)
            if entry is not None:
                self.ack_soon(entry)

    def ack_after_lanes(self, entry: Entry, channel_ids: Collection[int]) -> None:
        """Acknowledge once every lane in `channel_ids` got past what was queued in it so far."""
        if not channel_ids:
            self.ack_soon(entry)
            return
        left = set(channel_ids)

        async def passed(_: object, channel_id: int) -> None:
            left.discard(channel_id)
            if not left:
                self.ack_soon(entry)

        for channel_id in channel_ids:
            self._lanes.submit(channel_id, nothing, lambda result, channel_id=channel_id: passed(result, channel_id),
                               label=f"handover ack {entry.entry_id}")

    def ack_soon(self, entry: Entry) -> None:
        task = asyncio.create_task(self._ack(entry), name=f"handover-ack-{entry.entry_id}")
        self._acks.add(task)
        task.add_done_callback(self._acks.discard)

    async def _ack(self, entry: Entry) -> None:
        # What the work recorded is in the database before the entry is let go.
        try:
            await self.store.flush()
            await self.combined_posts.flush()
        except Exception as error:
            log.warning("handover: entry %s done but its records are not written yet (%s); acknowledged later",
                        entry.entry_id, error)
            return  # left pending: read again after a restart, where the copy is found posted
        await self.handover.ack(entry)

    async def close(self) -> None:
        if self._acks:  # while the copy map can still be written
            await asyncio.gather(*list(self._acks), return_exceptions=True)


class LanesHere:
    """The engine's lanes, minus other processes' channels (whose work was handed over instead)."""

    def __init__(self, lanes, is_local) -> None:
        self._lanes = lanes
        self._is_local = is_local

    def submit(self, key, prepare, deliver, *, label: str = "") -> None:
        if isinstance(key, int) and not self._is_local(key) and not label.startswith(RUN_HERE_FOR_ANY_CHANNEL):
            log.debug("not queueing %s for channel=%s: another process posts there", label, key)
            return
        self._lanes.submit(key, prepare, deliver, label=label)

    def __getattr__(self, name: str):
        return getattr(self._lanes, name)


class MarksHere:
    """The catch-up marks, moved only for this process's own source channels."""

    def __init__(self, marks, is_local) -> None:
        self._marks = marks
        self._is_local = is_local

    def advance(self, channel_id: int, message_id: int) -> None:
        if self._is_local(channel_id):
            self._marks.advance(channel_id, message_id)

    def hold_below(self, channel_id: int, holder: Hashable, message_id: int) -> None:
        if self._is_local(channel_id):
            self._marks.hold_below(channel_id, holder, message_id)

    def __getattr__(self, name: str):
        return getattr(self._marks, name)
