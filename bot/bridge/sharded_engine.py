"""The relay engine of one process among several: it posts only into the servers of its own shards.

Everything meant for a channel of another process's server is handed over (bot/bridge/handover.py)
where it would otherwise enter that channel's lane: new copies (with their late mark), edits,
deletes and filled-in translations. What is handed to this process is planned here as if the
original had been seen here, into this process's channels only, and acknowledged once done: a new
copy once it is posted and recorded, an edit or delete once its lane got past it. An entry read
again after a restart (or taken over from a process that died) is first looked for: in the copy
map, then among the destination's newest posts, so a copy whose post went out just before the
crash is not posted twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from dataclasses import asdict

from bot.bridge.catch_up import DISCORD_EPOCH_MS
from bot.bridge.deliver.webhook_calls import CLOCK_SKEW_MS
from bot.bridge.handover import Entry, Handover
from bot.bridge.models import Attachment, Destination, OriginalMessage, RepliedMessage, Sticker
from bot.bridge.deliver.outbox import OutboxItem
from bot.bridge.deliver.webhook import DeliveryError, SentMessage
from bot.bridge.engine import PreparedCopy, RelayEngine, _nothing
from bot.bridge.plan import CopyPlan, plan_copies
from bot.pipeline.detect import detect_language

log = logging.getLogger(__name__)

NEW, EDIT, DELETE, FILL_IN = "new", "edit", "delete", "fill_in"


class ShardedRelayEngine(RelayEngine):
    def __init__(self, *args, handover: Handover, **options) -> None:
        super().__init__(*args, **options)
        self.handover = handover
        self.pipelines = _LocalLanes(self.pipelines, self.is_local_channel)
        # Catch-up marks only of this process's own source channels (the others' processes keep theirs).
        self.high_water = _LocalMarks(self.high_water, self.is_local_channel)
        # (original id, destination channel id) -> the hand-over to acknowledge once it is posted.
        self._entries: dict[tuple[int, int], Entry] = {}
        # (original id, destination channel id) -> snowflake floor: look for an earlier post first.
        self._uncertain: dict[tuple[int, int], int] = {}
        self._acks: set[asyncio.Task[None]] = set()

    # -- what is whose --------------------------------------------------------------------------

    def is_local_channel(self, channel_id: int) -> bool:
        space = self.space_of(channel_id)
        return space is None or self.handover.owns(space.guild_id)

    def _remote_shards(self, bridge, extra_channels=()) -> set[tuple[int, int]]:
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

    def _submit_copy(self, original: OriginalMessage, plan: CopyPlan) -> None:
        if self.handover.owns(plan.channel.guild_id):
            super()._submit_copy(original, plan)
            return
        channel_id = plan.channel.channel_id
        holder: Hashable = ("handed over", original.message_id, channel_id)
        # Until the hand-over is in Redis, a restart's catch-up must read this original again.
        self.high_water.hold_below(original.channel_id, holder, original.message_id)

        def sent() -> None:
            self.high_water.release(original.channel_id, holder)
            self.high_water.advance(original.channel_id, original.message_id)

        self.handover.send(
            NEW, plan.channel.guild_id,
            {"original": original_to_dict(original), "channel_id": channel_id, "late": original.message_id in self._late},
            once=f"{original.message_id}:{channel_id}", on_sent=sent,
        )

    async def edit(self, original: OriginalMessage) -> int:
        records = await self.store.copies_of(original.message_id)
        bridge = self.store.bridge_of_cached(original.channel_id)
        for _shard, guild_id in self._remote_shards(bridge, [record.copy_channel_id for record in records]):
            self.handover.send(EDIT, guild_id, {"original": original_to_dict(original)})
        return await super().edit(original)

    async def delete(self, original_message_ids: list[int], channel_id: int | None = None) -> int:
        records = await self.store.copies_of_many(list(original_message_ids))
        bridge = self.store.bridge_of_cached(channel_id) if channel_id is not None else None
        for _shard, guild_id in self._remote_shards(bridge, [record.copy_channel_id for record in records]):
            self.handover.send(DELETE, guild_id, {"ids": list(original_message_ids), "channel_id": channel_id})
        return await super().delete(original_message_ids, channel_id)

    def submit_fill_in(self, prepared: list[PreparedCopy]) -> None:
        handed: set[tuple[int, int]] = set()  # (original id, shard)
        for copy in prepared:
            guild_id = copy.plan.channel.guild_id
            if self.handover.owns(guild_id):
                continue
            key = (copy.original.message_id, self.handover.shard_of(guild_id))
            if key not in handed:
                handed.add(key)
                self.handover.send(FILL_IN, guild_id, {"original": original_to_dict(copy.original)})
        super().submit_fill_in([copy for copy in prepared if self.handover.owns(copy.plan.channel.guild_id)])

    # -- what was handed to this process ------------------------------------------------------------

    async def accept(self, entry: Entry) -> None:
        """Plan a hand-over into this process's channels; it is acknowledged once done."""
        if entry.kind == NEW:
            await self._accept_new(entry)
        elif entry.kind == EDIT:
            original = original_from_dict(entry.data["original"])
            await self._known_bridge(original.channel_id)
            await super().edit(original)
            self._ack_after_lanes(entry, self._local_channels(original.channel_id))
        elif entry.kind == DELETE:
            channel_id = entry.data.get("channel_id")
            if channel_id is not None:
                await self._known_bridge(channel_id)
            ids = [int(message_id) for message_id in entry.data["ids"]]
            await super().delete(ids, channel_id)
            records = await self.store.copies_of_many(ids)
            channels = self._local_channels(channel_id) | {r.copy_channel_id for r in records if self.is_local_channel(r.copy_channel_id)}
            self._ack_after_lanes(entry, channels)
        elif entry.kind == FILL_IN:
            original = original_from_dict(entry.data["original"])
            await self._known_bridge(original.channel_id)
            prepared = await self.prepare_fill_in(original)
            if prepared is None:
                return  # providers still fail here: left pending, claimed and tried again later
            super().submit_fill_in(prepared)
            self._ack_after_lanes(entry, {copy.plan.channel.channel_id for copy in prepared})
        else:
            log.warning("handover: unknown entry kind %r; dropped", entry.kind)
            self._ack_soon(entry)

    async def _accept_new(self, entry: Entry) -> None:
        original = original_from_dict(entry.data["original"])
        channel_id = int(entry.data["channel_id"])
        bridge = await self._known_bridge(original.channel_id)
        plan = None
        if bridge is not None and not original.is_empty:
            plans = plan_copies(bridge, original.channel_id, detect_language(original.content))
            plan = next((plan for plan in plans if plan.channel.channel_id == channel_id), None)
        if plan is None or self.optouts.is_opted_out(original.author_id):
            self._ack_soon(entry)  # unlinked (or opted out) meanwhile
            return
        key = (original.message_id, channel_id)
        if entry.redelivered:
            if await self._already_copied(original.message_id, channel_id):
                self._ack_soon(entry)
                return
            at = max(entry.handed_over_ms - CLOCK_SKEW_MS - DISCORD_EPOCH_MS, 0) << 22
            self._uncertain[key] = at
        if key in self._entries:  # the same copy handed over twice (a claim racing a restart): once is enough
            self._ack_soon(entry)
            return
        self._entries[key] = entry
        if entry.data.get("late"):
            self._late.add(original.message_id)
        super()._submit_copy(original, plan)

    async def _known_bridge(self, channel_id: int):
        """The bridge, read again from the database when another process linked it since we loaded."""
        bridge = self.store.bridge_of_cached(channel_id)
        if bridge is None:
            await self.store.load()
            bridge = self.store.bridge_of_cached(channel_id)
        return bridge

    def _local_channels(self, source_channel_id: int | None) -> set[int]:
        bridge = self.store.bridge_of_cached(source_channel_id) if source_channel_id is not None else None
        if bridge is None:
            return set()
        return {channel.channel_id for channel in bridge.channels if self.handover.owns(channel.guild_id)}

    async def _already_copied(self, original_message_id: int, channel_id: int) -> bool:
        records = await self.store.copies_of(original_message_id)
        if any(record.copy_channel_id == channel_id for record in records):
            return True
        lines = await self.combined_posts.lines_of_originals([original_message_id])
        return any(line.copy_channel_id == channel_id for line in lines)

    # -- posting what may have gone out already -------------------------------------------------

    async def post_single(self, item: OutboxItem) -> None:
        if await self._found_posted([item]):
            return
        await super().post_single(item)

    async def post_combined(self, items: list[OutboxItem]) -> None:
        found = await self._found_posted(items)
        rest = [item for item in items if item not in found]
        if len(rest) == 1:
            await super().post_single(rest[0])
        elif rest:
            await super().post_combined(rest)

    async def _found_posted(self, items: list[OutboxItem]) -> list[OutboxItem]:
        """Items read again after a restart whose copy is already in the destination: recorded as posted."""
        found: list[OutboxItem] = []
        for item in items:
            prepared: PreparedCopy = item.payload
            key = (prepared.original.message_id, prepared.plan.channel.channel_id)
            since = self._uncertain.pop(key, None)
            if since is None:
                continue
            destination = Destination.of(prepared.plan.channel)
            line = item.line.render() if item.line is not None else None
            try:
                sent = await self.sender.find_posted(
                    destination, prepared.contents[0] if prepared.contents else "", after_message_id=since, line=line,
                )
            except DeliveryError as error:
                log.warning("handover: cannot look for an earlier post in channel=%s (%s); posting", destination.channel_id, error)
                continue
            if sent is None:
                continue
            log.info("handover: copy of message=%s was posted in channel=%s before the restart", key[0], key[1])
            if sent.webhook_id:
                await self.store.record_copies([self._record(prepared, SentMessage(sent.message_id, sent.webhook_id), 0)])
            self._posted([item], 0, destination)
            found.append(item)
        return found

    # -- acknowledging ----------------------------------------------------------------------------

    def _posted(self, items: list[OutboxItem], posts: int, destination: Destination) -> None:
        super()._posted(items, posts, destination)
        self._ack_items(items, destination.channel_id)

    async def _failed(self, destination: Destination, error: DeliveryError, items: list[OutboxItem], *, posted: bool) -> None:
        await super()._failed(destination, error, items, posted=posted)  # PauseDestination: kept, not acknowledged
        self._ack_items(items, destination.channel_id)

    def _ack_items(self, items: list[OutboxItem], channel_id: int) -> None:
        for item in items:
            key = (item.payload.original.message_id, channel_id)
            self._uncertain.pop(key, None)
            entry = self._entries.pop(key, None)
            if entry is not None:
                self._ack_soon(entry)

    def _ack_after_lanes(self, entry: Entry, channel_ids: set[int]) -> None:
        """Acknowledge once every lane in `channel_ids` got past what was queued in it so far."""
        if not channel_ids:
            self._ack_soon(entry)
            return
        left = set(channel_ids)

        async def passed(_: object, channel_id: int) -> None:
            left.discard(channel_id)
            if not left:
                self._ack_soon(entry)

        for channel_id in channel_ids:
            self.pipelines.submit(channel_id, _nothing, lambda result, channel_id=channel_id: passed(result, channel_id),
                                  label=f"handover ack {entry.entry_id}")

    def _ack_soon(self, entry: Entry) -> None:
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
        await super().close()


# Work the bridge cog queues into a partner channel's lane and waits for (opening a partner thread,
# mirroring its state): it runs here even for another process's channel (a REST call on a thread
# reaches any server), since the lane there is not this process's to wait on.
RUN_HERE_FOR_ANY_CHANNEL = ("open thread ", "open post ", "thread state ")


class _LocalLanes:
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


class _LocalMarks:
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


def original_to_dict(original: OriginalMessage) -> dict:
    return asdict(original)


def original_from_dict(data: dict) -> OriginalMessage:
    replied = data.get("reply_to")
    return OriginalMessage(
        **{
            **data,
            "attachments": tuple(Attachment(**attachment) for attachment in data.get("attachments", ())),
            "stickers": tuple(Sticker(**sticker) for sticker in data.get("stickers", ())),
            "reply_to": RepliedMessage(**replied) if replied else None,
        }
    )
