"""The relay engine: one path for every message, from the cog's snapshot to posted, edited and deleted copies.

1. receive    `relay`, `relay_into`, `relay_late`, `edit`, `delete`: opt-outs are checked first, a
              message is queued once, live messages wait while a catch-up reads history (`hold`).
2. plan       `bot/bridge/plan.py`: which channels get a copy, in which language.
3. translate  `bot/bridge/translate.py` `copy_words` (with the glossary and slang notes), prepared
              concurrently per destination in `bot/bridge/lanes.py` and handed over in order.
4. compose    `bot/bridge/compose.py` `CopyComposer`: reply context, attachments, footer labels,
              late mark, splits.
5. deliver    `deliver/route.py` chooses this process's lane or a hand-over to the process that
              posts there; the destination's `Outbox` (`deliver/outbox.py`) posts copies paced to
              Discord's limits (`deliver/pacing.py`), combined under surges (`deliver/coalescing.py`),
              retried until Discord takes them (`deliver/webhook_calls.py`), paused while a permission
              is missing.
6. remember   the message map (`remember/store.py`), combined posts' lines
              (`remember/combined_posts.py`), high-water marks (`catch_up.py`), counters (`stats.py`).

Edits and deletes follow the copies (single or lines of a combined post) after the copies
accepted before them. Fill-ins (a translation an outage left out) edit copies in place; catch-up
relays messages missed while away, marked late; a full outbox lets copies go and re-reads them
from history (refill). All are paths through the same stages. One process among several (given a
`Handover`) posts only into its own servers: its route (`deliver/route.py`) hands copies, edits,
deletes and fill-ins for the others' channels over where they would enter the lane, and `accept`
takes what was handed to this process through the same stages. Discord-free: Discord is reached
through a `Sender` (`deliver/webhook.py`) and moderators are told through a `ProblemReporter`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.bridge.catch_up import DISCORD_EPOCH_MS, HighWaterMarks, ReadHistory, snowflake_time_ms
from bot.bridge.compose import CopyComposer, Labels, webhook_username, without_footer
from bot.bridge.deliver.coalescing import COMBINED_USERNAME, CombinedLine, can_be_combined, render_combined
from bot.bridge.deliver.outbox import DEFAULT_MAX_ITEMS, Outbox, OutboxItem, PauseDestination
from bot.bridge.deliver.pacing import Pacer, PacingLimits, SharedBlock
from bot.bridge.deliver.retries import RetryPolicy
from bot.bridge.deliver.route import LocalRoute, ShardRoute
from bot.bridge.deliver.webhook import (
    CopyGone,
    DeliveryError,
    DestinationForbidden,
    DestinationGone,
    Sender,
    SentMessage,
)
from bot.bridge.deliver.webhook_calls import CLOCK_SKEW_MS, DeliveringSender
from bot.bridge.handover import DELETE, EDIT, FILL_IN, NEW, Entry, Handover, original_from_dict
from bot.bridge.lanes import OrderedPipelines, nothing
from bot.bridge.models import Bridge, BridgeChannel, CopyRecord, Destination, OriginalMessage
from bot.bridge.optout import OptOuts
from bot.bridge.plan import CopyPlan, plan_copies
from bot.bridge.remember.combined_posts import CombinedPostLine, CombinedPosts
from bot.bridge.remember.store import BridgeStore
from bot.bridge.stats import RelayDays
from bot.bridge.translate import TextTranslator, copy_words
from bot.pipeline.detect import detect_language
from bot.storage.outages import describe, is_transient

log = logging.getLogger(__name__)

# Back-off between attempts to fill in a translation that failed (seconds).
DEFAULT_FILL_IN_DELAYS: tuple[float, ...] = (5, 15, 30, 60, 120, 300, 600, 900)
# How many recently edited originals remember the text their copies are being edited to.
QUEUED_EDIT_MEMORY = 4096
# How many originals this process queued are remembered, so catch-up never relays them twice.
SEEN_LIMIT = 20_000
KEPT_ALONE_LIMIT = 4096
REFILL_RETRY_SECONDS = 5.0
HISTORY_PAGE_LIMIT = 100


class ProblemReporter(Protocol):
    async def forbidden(self, destination: Destination, error: DeliveryError) -> None: ...

    async def channel_gone(self, destination: Destination) -> None: ...


@dataclass(slots=True)
class _EditTurn:
    lock: asyncio.Lock
    waiting: int = 0


@dataclass(slots=True)
class PreparedCopy:
    original: OriginalMessage
    plan: CopyPlan
    contents: list[str]
    translated: bool
    source_hash: str


@dataclass(frozen=True, slots=True)
class Waiting:
    """What is not posted yet: jobs still being translated or ordered in the channel lanes (new
    copies, edits, deletes), copies queued to be posted, of which in paused channels."""

    preparing: int = 0
    queued: int = 0
    paused: int = 0

    @property
    def total(self) -> int:
        return self.preparing + self.queued

    def describe(self) -> str:
        parts = [f"{self.preparing} being translated or ordered", f"{self.queued} queued to post"]
        if self.paused:
            parts.append(f"{self.paused} of them in paused channels")
        return ", ".join(parts)


@dataclass(slots=True)
class RelayStats:
    relayed: int = 0
    copies_posted: int = 0
    edits: int = 0
    deletes: int = 0
    translation_failures: int = 0
    fill_ins: int = 0
    forbidden: dict[int, str] = field(default_factory=dict)  # channel id -> error text


def source_hash(original: OriginalMessage) -> str:
    digest = hashlib.sha256(original.content.encode())
    for attachment in original.attachments:
        digest.update(b"\0" + attachment.url.encode())
    for sticker in original.stickers:
        digest.update(b"\1" + str(sticker.id).encode())
    return digest.hexdigest()[:32]


class RelayEngine:
    def __init__(
        self,
        store: BridgeStore,
        translator: TextTranslator,
        sender: Sender,
        labels: Labels,
        problems: ProblemReporter,
        *,
        combined_posts: CombinedPosts,
        optouts: OptOuts,
        relay_days: RelayDays,
        high_water: HighWaterMarks,
        late_marker: str,
        pacing: PacingLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        outbox_max_items: int = DEFAULT_MAX_ITEMS,
        retry_policy: RetryPolicy | None = None,
        fill_in_delays: Sequence[float] = DEFAULT_FILL_IN_DELAYS,
        on_translated: Callable[[OriginalMessage, str], None] | None = None,
        handover: Handover | None = None,
    ) -> None:
        # Told about every successful translation (the guidance cog reads the translated text).
        self.on_translated = on_translated
        self.store = store
        self.translator = translator
        self.composer = CopyComposer(labels, late_marker, store, translator)
        self.problems = problems
        self.combined_posts = combined_posts
        self.optouts = optouts
        self.relay_days = relay_days
        # One process among several: copies for other processes' servers are handed over to them.
        self.handover = handover
        self.route = LocalRoute() if handover is None else ShardRoute(handover, store, combined_posts, self.space_of)
        self.high_water = self.route.marks(high_water)
        self.fill_in_delays = tuple(fill_in_delays)
        self.pipelines = self.route.lanes(OrderedPipelines())
        self.stats = RelayStats()
        self.clock = clock
        self.wall_clock_ms = wall_clock_ms
        # Delivery: one pacer and one outbox per destination; Discord's global rate limit stops
        # every destination at once. Every webhook call goes through `self.delivery`.
        self.pacing = pacing or PacingLimits()
        self.outbox_max_items = outbox_max_items
        self._pacers: dict[int, Pacer] = {}
        self.outboxes: dict[int, Outbox] = {}
        self.global_block = SharedBlock(clock=clock)
        self.delivery = DeliveringSender(sender, self.pacer_for, self.global_block, policy=retry_policy, wall_clock_ms=wall_clock_ms)
        self.sender = self.delivery
        # Set by the cog: without it a full outbox keeps growing in memory rather than let go.
        self.read_history: ReadHistory | None = None
        self._refills: dict[int, asyncio.Task[None]] = {}
        self._refill_copies: set[tuple[int, int]] = set()  # (original id, destination) being re-read
        self._in_flight: dict[int, int] = {}  # original id -> copies not yet posted
        self._kept_alone: OrderedDict[int, None] = OrderedDict()  # originals threads were started on
        self._fill_ins: set[asyncio.Task[None]] = set()
        self._pending_fill_ins: dict[int, int] = {}  # channel id -> copies waiting for a translation
        # Unregistered mixed spaces (cat-tax threads) by channel id, so their copies follow edits.
        self._unregistered_spaces: dict[int, BridgeChannel] = {}
        # Original id -> hash of the text of its latest edit sent down the lanes (oldest first).
        self._queued_edit_hashes: dict[int, str] = {}
        self._edit_turns: dict[int, _EditTurn] = {}  # original id -> its edits being planned, in order
        self._late: set[int] = set()  # originals relayed after downtime, marked late
        self._rerenders_queued: set[int] = set()  # combined posts (copy message ids) to re-render
        self._held: dict[int, list[OriginalMessage]] = {}  # channel id -> live messages held during catch-up
        # Originals this process already queued: catch-up must not relay them a second time.
        self._seen: OrderedDict[int, None] = OrderedDict()
        # Slang notes (`bot.learning.notes.SlangNotes`), set by the bridge cog; None: no notes.
        self.slang_notes = None
        # Told when a copy went out untranslated, and when a translation succeeds again while such
        # copies wait (the cog's fill-in loop listens; see bot/bridge/fill_ins.py).
        self.on_left_untranslated: Callable[[], None] = _ignore
        self.on_translations_back: Callable[[], None] = _ignore
        self._untranslated_waiting = False
        # Told the lags (ms from the original's post to its copy's) of each delivery (the metrics' histogram).
        self.on_lags: Callable[[list[int]], None] | None = None

    # -- 1. receive: new messages ------------------------------------------------------------

    def relay(self, original: OriginalMessage, bridge: Bridge | None = None, *, source_channel_id: int | None = None) -> int:
        """Queue the copies of a new message; returns how many copies were queued."""
        # Checked here, before anything is prepared: an opted-out message never reaches a provider.
        if self.optouts.is_opted_out(original.author_id):
            return 0
        if bridge is None and original.message_id in self._seen:
            # Already queued (e.g. by a catch-up that read it from history first): never twice.
            return 0
        held = self._held.get(original.channel_id)
        if held is not None and bridge is None:
            held.append(original)
            return 0
        self._remember(original.message_id)
        bridge = bridge or self.store.bridge_of_cached(original.channel_id)
        if bridge is None or original.is_empty:
            return 0
        source = source_channel_id or original.channel_id
        plans = plan_copies(bridge, source, detect_language(original.content))
        for plan in plans:
            self._submit_copy(original, plan)
        if plans:
            self.stats.relayed += 1
        return len(plans)

    def relay_into(self, original: OriginalMessage, channel: BridgeChannel) -> int:
        """Queue copies as if `original` were posted in `channel` (e.g. an unregistered mixed thread)."""
        bridge = Bridge(channel.bridge_id, channel.guild_id, "mixed" if channel.language == "mixed" else "linked", (channel,))
        self._unregistered_spaces[channel.channel_id] = channel
        return self.relay(original, bridge, source_channel_id=channel.channel_id)

    def space_of(self, channel_id: int) -> BridgeChannel | None:
        """The bridge channel, or unregistered mixed space, that copies are posted into."""
        bridge = self.store.bridge_of_cached(channel_id)
        if bridge is not None:
            return bridge.channel(channel_id)
        return self._unregistered_spaces.get(channel_id)

    def keep_alone(self, message_id: int) -> None:
        """Copies of this original go out each in a post of its own, never combined: a thread was
        started on it, and its partner thread opens on the copy."""
        self._kept_alone[message_id] = None
        while len(self._kept_alone) > KEPT_ALONE_LIMIT:
            self._kept_alone.popitem(last=False)
        for outbox in self.outboxes.values():
            outbox.keep_alone(message_id)

    def in_flight(self, message_id: int) -> bool:
        """Whether copies of this original are queued and not all posted yet."""
        return message_id in self._in_flight

    def relays_into(self, channel_id: int) -> bool:
        """Whether copies were posted into this unregistered space (a cat-tax thread) since start."""
        return channel_id in self._unregistered_spaces

    def _remember(self, message_id: int) -> None:
        self._seen[message_id] = None
        while len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)

    def already_queued(self, message_ids: set[int]) -> set[int]:
        return {message_id for message_id in message_ids if message_id in self._seen}

    def hold(self, channel_id: int) -> None:
        """Keep live messages of a channel back while its catch-up is read, so order holds."""
        self._held.setdefault(channel_id, [])

    def release(self, channel_id: int, *, skip: set[int] = frozenset()) -> int:
        held = self._held.pop(channel_id, [])
        return sum(self.relay(original) for original in held if original.message_id not in skip)

    def release_only(self, channel_id: int, message_ids: set[int]) -> int:
        """Release the held messages among `message_ids`; the channel's others stay held."""
        held = self._held.pop(channel_id, [])
        going = [original for original in held if original.message_id in message_ids]
        relayed = sum(self.relay(original) for original in going)
        self._held[channel_id] = [original for original in held if original.message_id not in message_ids]
        return relayed

    def held_ids(self, channel_id: int) -> set[int]:
        return {original.message_id for original in self._held.get(channel_id, [])}

    def relay_late(self, original: OriginalMessage, *, done_in: set[int] = frozenset()) -> int:
        """Queue the copies of a message missed while away, marked late, except into the
        channels in `done_in` (those already have their copy)."""
        if original.message_id in self._seen:
            return 0
        self._remember(original.message_id)
        bridge = self.store.bridge_of_cached(original.channel_id)
        if bridge is None or original.is_empty or self.optouts.is_opted_out(original.author_id):
            return 0
        plans = [plan for plan in plan_copies(bridge, original.channel_id, detect_language(original.content))
                 if plan.channel.channel_id not in done_in]
        if plans:
            self._late.add(original.message_id)
            self.stats.relayed += 1
        for plan in plans:
            self._submit_copy(original, plan)
        return len(plans)

    # -- 1. receive: edits and deletes --------------------------------------------------------

    async def edit(self, original: OriginalMessage) -> int:
        """Mirror an edit to the copies (handed over for other processes' channels); returns how
        many channels were touched."""
        await self.route.hand_over_edit(original)
        return await self._edit_here(original)

    async def _edit_here(self, original: OriginalMessage) -> int:
        """Mirror an edit to the copies this process posts into.

        Edits of one message are planned one at a time, in the order they arrived: each gateway
        event runs in its own task, and planning reads the copy map, so two quick edits could
        otherwise reach the lanes in the wrong order and leave the copy on the older text.
        """
        turn = self._edit_turns.get(original.message_id)
        if turn is None:
            turn = self._edit_turns[original.message_id] = _EditTurn(asyncio.Lock())
        turn.waiting += 1
        try:
            async with turn.lock:
                return await self._plan_edit(original)
        finally:
            turn.waiting -= 1
            if not turn.waiting:
                del self._edit_turns[original.message_id]

    async def _plan_edit(self, original: OriginalMessage) -> int:
        if self.optouts.is_opted_out(original.author_id):
            return 0
        return await self._plan_combined_line_edits(original) + await self._plan_copy_edits(original)

    async def _plan_combined_line_edits(self, original: OriginalMessage) -> int:
        """Lines of combined posts that carry `original`: edited (or removed) in place."""
        touched = 0
        combined = await self.combined_posts.lines_of_originals([original.message_id])
        bridge = self.store.bridge_of_cached(original.channel_id)
        if combined and bridge is not None:
            plans = {plan.channel.channel_id: plan for plan in plan_copies(bridge, original.channel_id, detect_language(original.content))}
            for line in combined:
                plan = plans.get(line.copy_channel_id)
                if plan is None:
                    self.pipelines.submit(line.copy_channel_id, nothing, self._deleter(line.copy_channel_id, [original.message_id]))
                else:
                    self.pipelines.submit(line.copy_channel_id, lambda plan=plan: self._prepare(original, plan), self._deliver_edit)
                touched += 1
        return touched

    async def _plan_copy_edits(self, original: OriginalMessage) -> int:
        bridge = self.store.bridge_of_cached(original.channel_id)
        records = await self.store.copies_of(original.message_id)
        if not records and original.message_id not in self._in_flight:
            return 0
        new_hash = source_hash(original)
        # An edit still queued in a lane is what the copies will show next, so an edit back to the
        # stored text (two quick edits) is compared with it, not with the copy map.
        queued = self._queued_edit_hashes.get(original.message_id)
        if queued is not None:
            if queued == new_hash:
                return 0
        elif records and all(record.source_hash == new_hash for record in records):
            return 0
        by_channel: dict[int, CopyPlan] = {}
        detection = detect_language(original.content)
        if bridge is not None:
            by_channel = {plan.channel.channel_id: plan for plan in plan_copies(bridge, original.channel_id, detection)}
        else:
            for record in records:
                space = self._unregistered_spaces.get(record.copy_channel_id)
                if space is None:
                    continue
                adhoc = Bridge(space.bridge_id, space.guild_id, "mixed", (space,))
                by_channel.update((plan.channel.channel_id, plan) for plan in plan_copies(adhoc, space.channel_id, detection))
            if records and not by_channel:
                # Copies from an unregistered space we no longer know (e.g. after a restart): a
                # stale translation is better than deleting it.
                return 0
        channels = {record.copy_channel_id for record in records} | (
            set(by_channel) if original.message_id in self._in_flight else set()
        )
        self._remember_queued_edit(original.message_id, new_hash)
        for channel_id in channels:
            plan = by_channel.get(channel_id)
            if plan is None:
                self.pipelines.submit(channel_id, nothing, self._deleter(channel_id, [original.message_id]),
                                      label=f"edit-delete {original.message_id}")
                continue
            self.pipelines.submit(
                channel_id, lambda plan=plan: self._prepare(original, plan), self._deliver_edit,
                label=f"edit {original.message_id}",
            )
        self.stats.edits += 1
        return len(channels)

    def _remember_queued_edit(self, message_id: int, edit_hash: str) -> None:
        hashes = self._queued_edit_hashes
        hashes.pop(message_id, None)
        hashes[message_id] = edit_hash
        if len(hashes) > QUEUED_EDIT_MEMORY:
            del hashes[next(iter(hashes))]  # the oldest: its edit has long been delivered

    async def delete(self, original_message_ids: list[int], channel_id: int | None = None) -> int:
        """Delete the copies (and lines of combined posts) of originals that were deleted (handed
        over for other processes' channels); returns how many lanes were touched."""
        await self.route.hand_over_delete(original_message_ids, channel_id)
        return await self._delete_here(original_message_ids, channel_id)

    async def _delete_here(self, original_message_ids: list[int], channel_id: int | None = None) -> int:
        records = await self.store.copies_of_many(original_message_ids)
        channels = {record.copy_channel_id for record in records}
        if channel_id is not None and any(mid in self._in_flight for mid in original_message_ids):
            bridge = self.store.bridge_of_cached(channel_id)
            if bridge is not None:
                channels |= {channel.channel_id for channel in bridge.channels}
        for target in channels:
            self.pipelines.submit(target, nothing, self._deleter(target, list(original_message_ids)),
                                  label=f"delete {original_message_ids[:3]}")
        if channels:
            self.stats.deletes += 1
        touched = len(channels)
        combined = await self.combined_posts.lines_of_originals(list(original_message_ids))
        already = {record.copy_channel_id for record in records}
        for target in {line.copy_channel_id for line in combined} - already:
            self.pipelines.submit(target, nothing, self._deleter(target, list(original_message_ids)))
            touched += 1
        return touched

    # -- 1. receive: work another process handed over (one process among several) -------------

    async def accept(self, entry: Entry) -> None:
        """Plan a hand-over into this process's channels; the route acknowledges it once done."""
        route: ShardRoute = self.route
        if entry.kind == NEW:
            await self._accept_new(entry)
        elif entry.kind == EDIT:
            original = original_from_dict(entry.data["original"])
            await self._known_bridge(original.channel_id)
            await self._edit_here(original)
            route.ack_after_lanes(entry, route.channels_here(self.store.bridge_of_cached(original.channel_id)))
        elif entry.kind == DELETE:
            channel_id = entry.data.get("channel_id")
            if channel_id is not None:
                await self._known_bridge(channel_id)
            ids = [int(message_id) for message_id in entry.data["ids"]]
            await self._delete_here(ids, channel_id)
            records = await self.store.copies_of_many(ids)
            bridge = self.store.bridge_of_cached(channel_id) if channel_id is not None else None
            channels = route.channels_here(bridge) | {
                r.copy_channel_id for r in records if route.is_local_channel(r.copy_channel_id)}
            route.ack_after_lanes(entry, channels)
        elif entry.kind == FILL_IN:
            original = original_from_dict(entry.data["original"])
            await self._known_bridge(original.channel_id)
            prepared = await self.prepare_fill_in(original)
            if prepared is None:
                return  # providers still fail here: left pending, claimed and tried again later
            self._submit_fill_ins_here(prepared)
            route.ack_after_lanes(entry, {copy.plan.channel.channel_id for copy in prepared})
        else:
            log.warning("handover: unknown entry kind %r; dropped", entry.kind)
            route.ack_soon(entry)

    async def _accept_new(self, entry: Entry) -> None:
        route: ShardRoute = self.route
        original = original_from_dict(entry.data["original"])
        channel_id = int(entry.data["channel_id"])
        bridge = await self._known_bridge(original.channel_id)
        plan = None
        if bridge is not None and not original.is_empty:
            plans = plan_copies(bridge, original.channel_id, detect_language(original.content))
            plan = next((plan for plan in plans if plan.channel.channel_id == channel_id), None)
        if plan is None or self.optouts.is_opted_out(original.author_id):
            route.ack_soon(entry)  # unlinked (or opted out) meanwhile
            return
        since = None
        if entry.redelivered:
            if await self._already_copied(original.message_id, channel_id):
                route.ack_soon(entry)
                return
            since = max(entry.handed_over_ms - CLOCK_SKEW_MS - DISCORD_EPOCH_MS, 0) << 22
        if not route.waiting_for(entry, original.message_id, channel_id, since=since):
            return
        if entry.data.get("late"):
            self._late.add(original.message_id)
        self._submit_copy_here(original, plan)

    async def _known_bridge(self, channel_id: int) -> Bridge | None:
        """The bridge, read again from the database when another process linked it since we loaded."""
        bridge = self.store.bridge_of_cached(channel_id)
        if bridge is None:
            await self.store.load()
            bridge = self.store.bridge_of_cached(channel_id)
        return bridge

    async def _already_copied(self, original_message_id: int, channel_id: int) -> bool:
        records = await self.store.copies_of(original_message_id)
        if any(record.copy_channel_id == channel_id for record in records):
            return True
        lines = await self.combined_posts.lines_of_originals([original_message_id])
        return any(line.copy_channel_id == channel_id for line in lines)

    # -- 2-4. plan, translate, compose: preparing a copy -------------------------------------

    def _submit_copy(self, original: OriginalMessage, plan: CopyPlan) -> None:
        if self.route.hands_over_copy(original, plan.channel, late=original.message_id in self._late):
            return
        self._submit_copy_here(original, plan)

    def _submit_copy_here(self, original: OriginalMessage, plan: CopyPlan) -> None:
        # "In flight" until posted (or let go), so an edit or delete meanwhile follows it.
        self._in_flight[original.message_id] = self._in_flight.get(original.message_id, 0) + 1

        async def prepare() -> PreparedCopy:
            try:
                return await self._prepare(original, plan)
            except Exception:
                # The copy still goes out, untranslated, rather than being dropped.
                log.exception("preparing a copy failed message=%s channel=%s", original.message_id, plan.channel.channel_id)
                return self._untranslated(original, plan, header="")

        self.pipelines.submit(plan.channel.channel_id, prepare, self._deliver_new, label=f"message {original.message_id}")

    async def _prepare(self, original: OriginalMessage, plan: CopyPlan) -> PreparedCopy:
        """Translate (3) and compose (4) one copy; the reply context is looked up meanwhile."""
        reply = None
        if self.composer.has_reply_context(original, plan):
            reply = asyncio.ensure_future(self.composer.reply_context(original, plan, notes=self.slang_notes is not None))
        words = await copy_words(self.translator, self.slang_notes, original, plan)
        if words.translation is not None:
            if self._untranslated_waiting:
                self._untranslated_waiting = False
                self.on_translations_back()
            if self.on_translated is not None:
                self.on_translated(original, words.translation)
        header = await reply if reply is not None else ""
        if not words.ok:
            self.stats.translation_failures += 1
            return self._untranslated(original, plan, header=header)
        contents = self.composer.contents(original, plan, words.text, header=header, late=original.message_id in self._late)
        return PreparedCopy(original, plan, contents, translated=True, source_hash=source_hash(original))

    def _untranslated(self, original: OriginalMessage, plan: CopyPlan, *, header: str) -> PreparedCopy:
        contents = self.composer.untranslated_contents(original, plan, header=header)
        return PreparedCopy(original, plan, contents, translated=not plan.is_translation, source_hash=source_hash(original))

    def footer_of(self, prepared: PreparedCopy) -> str:
        """The footer line `prepared.contents` ends with."""
        original, plan = prepared.original, prepared.plan
        if prepared.translated:
            return self.composer.footer(original, plan, late=original.message_id in self._late)
        return self.composer.untranslated_footer(original, plan)

    # -- 5. deliver: through the destination's outbox ----------------------------------------

    def pacer_for(self, channel_id: int) -> Pacer:
        pacer = self._pacers.get(channel_id)
        if pacer is None:
            pacer = self._pacers[channel_id] = Pacer(self.pacing, clock=self.clock, shared=self.global_block)
        return pacer

    def outbox_for(self, channel_id: int) -> Outbox:
        outbox = self.outboxes.get(channel_id)
        if outbox is None:
            outbox = self.outboxes[channel_id] = Outbox(
                channel_id, self.pacer_for(channel_id), self, clock=self.clock, max_items=self.outbox_max_items,
            )
            if self.read_history is not None:
                outbox.on_spill = self._spilled
        return outbox

    def set_pacing(self, limits: PacingLimits) -> None:
        self.pacing = limits
        for pacer in self._pacers.values():
            pacer.limits = limits

    async def _deliver_new(self, prepared: PreparedCopy) -> None:
        original, plan = prepared.original, prepared.plan
        channel_id = plan.channel.channel_id
        body = without_footer(prepared.contents[0], self.footer_of(prepared)) if prepared.contents else ""
        combinable = (can_be_combined(body, len(prepared.contents)) and not plan.under_original
                      and original.message_id not in self._kept_alone)
        line = CombinedLine(original.author_name, body) if combinable else None
        footer = self.footer_of(prepared) if combinable else ""
        refill = (original.message_id, channel_id) in self._refill_copies
        self._refill_copies.discard((original.message_id, channel_id))
        item = OutboxItem(prepared, self.clock(), combinable, line, footer, original.channel_id, original.message_id)
        if not self.outbox_for(channel_id).put(item, refill=refill):
            # Let go (to be re-read from history), or a live duplicate of a copy re-read already.
            self._late.discard(original.message_id)
            self._done_in_flight(original.message_id)
            return
        # Until it is posted, the source's catch-up mark stays below it: a restart re-reads it.
        self.high_water.hold_below(original.channel_id, _waiting_in(channel_id), original.message_id)

    def combined_footer(self, items: list[OutboxItem]) -> str:
        return self.composer.combined_footer(item.footer for item in items)

    async def post_single(self, item: OutboxItem) -> None:
        if self.route.uncertain and await self._found_posted([item]):
            return
        await self._post_single(item)

    async def _post_single(self, item: OutboxItem) -> None:
        prepared: PreparedCopy = item.payload
        original, plan = prepared.original, prepared.plan
        destination = Destination.of(plan.channel)
        username = webhook_username(original.author_name)
        records: list[CopyRecord] = []
        try:
            for part, content in enumerate(prepared.contents):
                sent = await self.sender.send(destination, content, username=username, avatar_url=original.avatar_url)
                records.append(self._record(prepared, sent, part))
        except DeliveryError as error:
            await self.store.record_copies(records)
            await self._failed(destination, error, [item], posted=bool(records))
            if records:
                self._posted([item], len(records), destination)
            return
        await self.store.record_copies(records)
        self._posted([item], len(records), destination)
        if not prepared.translated:
            self._schedule_fill_in(original, plan)

    async def post_combined(self, items: list[OutboxItem]) -> None:
        if self.route.uncertain:
            found = await self._found_posted(items)
            if found:
                items = [item for item in items if item not in found]
                if len(items) <= 1:
                    if items:
                        await self._post_single(items[0])
                    return
        first: PreparedCopy = items[0].payload
        destination = Destination.of(first.plan.channel)
        footer = self.combined_footer(items)
        content = render_combined([item.line for item in items], footer)
        try:
            sent = await self.sender.send(destination, content, username=COMBINED_USERNAME, avatar_url=None)
        except DeliveryError as error:
            await self._failed(destination, error, items, posted=False)
            return
        await self.combined_posts.record([
            CombinedPostLine(
                item.payload.original.message_id, destination.channel_id, sent.message_id, sent.webhook_id, position,
                item.line.author_name, item.line.text, footer, needs_translation=not item.payload.translated,
                original_channel_id=item.payload.original.channel_id,
            )
            for position, item in enumerate(items)
        ])
        self._posted(items, 1, destination)
        if not all(item.payload.translated for item in items):
            # Lines are filled in by the stored pass (they are no single copy to edit in memory).
            self._left_untranslated()

    def _posted(self, items: list[OutboxItem], posts: int, destination: Destination) -> None:
        now_ms = self.wall_clock_ms()
        lags = []
        guilds = {destination.guild_id}
        for item in items:
            original = item.payload.original
            lags.append(max(now_ms - snowflake_time_ms(original.message_id), 0))
            guilds.add(original.guild_id)
            self.high_water.advance(original.channel_id, original.message_id)
            self._late.discard(original.message_id)
            self._done_in_flight(original.message_id)
        self.stats.copies_posted += posts
        self.stats.forbidden.pop(destination.channel_id, None)
        self.relay_days.relayed(guilds, len(items), posts, lags)
        self._hold_for_waiting(destination.channel_id, items)
        if self.on_lags is not None:
            self.on_lags(lags)
        self.route.done(items, destination.channel_id)

    async def _found_posted(self, items: list[OutboxItem]) -> list[OutboxItem]:
        """Items handed over again after a restart whose copy is already in the destination:
        recorded as posted, so the copy is not posted twice."""
        found: list[OutboxItem] = []
        for item in items:
            prepared: PreparedCopy = item.payload
            key = (prepared.original.message_id, prepared.plan.channel.channel_id)
            since = self.route.uncertain.pop(key, None)
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

    def _hold_for_waiting(self, channel_id: int, done: list[OutboxItem]) -> None:
        """After `done` left the outbox of `channel_id`, hold each source's mark below its oldest
        copy still waiting there (or release it)."""
        outbox = self.outboxes.get(channel_id)
        finished = {item.message_id for item in done}
        for source in {item.source_channel_id for item in done}:
            self.high_water.release(source, _waiting_in(channel_id))
            oldest = outbox.oldest_waiting(source, excluding=finished) if outbox is not None else None
            if oldest is not None:
                self.high_water.hold_below(source, _waiting_in(channel_id), oldest)

    async def _failed(self, destination: Destination, error: DeliveryError, items: list[OutboxItem], *, posted: bool) -> None:
        await self._delivery_failed(destination, error)
        guilds = {destination.guild_id} | {item.payload.original.guild_id for item in items}
        self.relay_days.failed(guilds, len(items))
        if isinstance(error, DestinationForbidden) and not posted:
            raise PauseDestination(str(error))
        if isinstance(error, DestinationGone):
            outbox = self.outboxes.pop(destination.channel_id, None)
            if outbox is not None:
                await outbox.drop_all()
            self.high_water.release_everywhere(_waiting_in(destination.channel_id))
        else:
            self._hold_for_waiting(destination.channel_id, items)
        for item in items:
            self._done_in_flight(item.payload.original.message_id)
        self.route.done(items, destination.channel_id)  # failed for good (PauseDestination: kept, raised above)

    def _done_in_flight(self, message_id: int) -> None:
        left = self._in_flight.get(message_id, 1) - 1
        if left <= 0:
            self._in_flight.pop(message_id, None)
        else:
            self._in_flight[message_id] = left

    def _left_untranslated(self) -> None:
        """Copies went out untranslated: fill-ins should start trying, and hear when translating works."""
        self._untranslated_waiting = True
        self.on_left_untranslated()

    async def _delivery_failed(self, destination: Destination, error: DeliveryError) -> None:
        if isinstance(error, DestinationGone):
            log.warning("bridge channel gone guild=%s channel=%s", destination.guild_id, destination.channel_id)
            await self.problems.channel_gone(destination)
        elif isinstance(error, DestinationForbidden):
            self.stats.forbidden[destination.channel_id] = str(error)
            log.warning("bridge forbidden guild=%s channel=%s: %s", destination.guild_id, destination.channel_id, error)
            await self.problems.forbidden(destination, error)
        else:
            log.warning("bridge delivery failed guild=%s channel=%s: %s", destination.guild_id, destination.channel_id, error)

    # -- 5. deliver: edits and deletes wait for the outbox, and reach combined posts -----------

    async def _deliver_edit(self, prepared: PreparedCopy) -> None:
        channel_id = prepared.plan.channel.channel_id
        outbox = self.outboxes.get(channel_id)
        if outbox is not None:
            await outbox.wait_until_posted()
        lines = [line for line in await self.combined_posts.lines_of_originals([prepared.original.message_id])
                 if line.copy_channel_id == channel_id]
        if not lines:
            await self._edit_copies(prepared)
            return
        [line] = lines
        text = without_footer(prepared.contents[0] if prepared.contents else "", self.footer_of(prepared))
        if text == line.text and line.needs_translation == (not prepared.translated):
            return
        await self.combined_posts.update_text(line.original_message_id, channel_id, text, needs_translation=not prepared.translated)
        self._rerender_soon(Destination.of(prepared.plan.channel), line)

    async def _edit_copies(self, prepared: PreparedCopy) -> None:
        """Edit the single copies of an original in one channel in place (a longer text posts more
        parts, a shorter one deletes the surplus)."""
        original, plan = prepared.original, prepared.plan
        channel_id = plan.channel.channel_id
        existing = [r for r in await self.store.copies_of(original.message_id) if r.copy_channel_id == channel_id]
        if not existing:
            return
        destination = Destination.of(plan.channel)
        username = webhook_username(original.author_name)
        records: list[CopyRecord] = []
        try:
            for part, content in enumerate(prepared.contents):
                if part < len(existing):
                    old = existing[part]
                    try:
                        await self.sender.edit(destination, old.webhook_id, old.copy_message_id, content)
                    except CopyGone:
                        continue
                    records.append(self._record(prepared, SentMessage(old.copy_message_id, old.webhook_id), part))
                else:
                    sent = await self.sender.send(destination, content, username=username, avatar_url=original.avatar_url)
                    records.append(self._record(prepared, sent, part))
            for surplus in existing[len(prepared.contents):]:
                try:
                    await self.sender.delete(destination, surplus.webhook_id, surplus.copy_message_id)
                except CopyGone:
                    pass
        except DeliveryError as error:
            await self._delivery_failed(destination, error)
            return
        await self.store.replace_copies(original.message_id, channel_id, records)
        if not prepared.translated:
            self._schedule_fill_in(original, plan)

    def _deleter(self, channel_id: int, original_ids: list[int]):
        async def delete(_: object) -> None:
            outbox = self.outboxes.get(channel_id)
            if outbox is not None:
                await outbox.wait_until_posted()
            for line in await self.combined_posts.lines_of_originals(list(original_ids)):
                if line.copy_channel_id != channel_id:
                    continue
                await self.combined_posts.forget(line.original_message_id, channel_id)
                member = self.space_of(channel_id)
                destination = Destination.of(member) if member else Destination(0, channel_id)
                await self._rerender(destination, line)
            await self._delete_copies(channel_id, original_ids)

        return delete

    async def _delete_copies(self, channel_id: int, original_ids: list[int]) -> None:
        records = [r for r in await self.store.copies_of_many(original_ids) if r.copy_channel_id == channel_id]
        if not records:
            return
        channel = self.space_of(channel_id)
        destination = Destination.of(channel) if channel else Destination(records[0].guild_id, channel_id)
        for record in records:
            try:
                await self.sender.delete(destination, record.webhook_id, record.copy_message_id)
            except CopyGone:
                pass
            except DeliveryError as error:
                await self._delivery_failed(destination, error)
                break
        await self.store.forget_copies([record.copy_message_id for record in records])

    def _rerender_soon(self, destination: Destination, changed: CombinedPostLine) -> None:
        """Re-render the combined post after the work already queued in its channel, once for all
        the lines changed meanwhile (a fill-in pass changes every line of a burst)."""
        if changed.copy_message_id in self._rerenders_queued:
            return  # the queued one reads the lines as they are then
        self._rerenders_queued.add(changed.copy_message_id)

        async def rerender(_: object) -> None:
            self._rerenders_queued.discard(changed.copy_message_id)
            await self._rerender(destination, changed)

        self.pipelines.submit(destination.channel_id, nothing, rerender, label=f"re-render {changed.copy_message_id}")

    async def _rerender(self, destination: Destination, changed: CombinedPostLine) -> None:
        """Edit a combined post to its current lines, or delete it when none is left."""
        remaining = await self.combined_posts.lines_of_post(changed.copy_message_id)
        try:
            if not remaining:
                await self.sender.delete(destination, changed.webhook_id, changed.copy_message_id)
                return
            footer = changed.footer
            if not any(line.needs_translation for line in remaining):
                channel = self.space_of(destination.channel_id)
                footer = self.composer.footer_once_translated(footer, show_label=channel is None or channel.show_label)
            content = render_combined([CombinedLine(line.author_name, line.text) for line in remaining], footer)
            await self.sender.edit(destination, changed.webhook_id, changed.copy_message_id, content)
        except CopyGone:
            pass
        except DeliveryError as error:
            await self._delivery_failed(destination, error)

    # -- 6. remember ---------------------------------------------------------------------------

    def _record(self, prepared: PreparedCopy, sent: SentMessage, part: int) -> CopyRecord:
        original = prepared.original
        return CopyRecord(
            original_message_id=original.message_id,
            original_channel_id=original.channel_id,
            guild_id=original.guild_id,
            author_id=original.author_id,
            copy_message_id=sent.message_id,
            copy_channel_id=prepared.plan.channel.channel_id,
            webhook_id=sent.webhook_id,
            part=part,
            target_language=prepared.plan.translate_to,
            source_hash=prepared.source_hash,
            needs_translation=not prepared.translated,
        )

    # -- fill-ins: translations an outage left out ---------------------------------------------

    async def prepare_fill_in(self, original: OriginalMessage) -> list[PreparedCopy] | None:
        """The translated copies of `original` (its current content) for the channels where its copy
        went out untranslated, e.g. before a restart; None when a provider still fails.
        `submit_fill_in` then edits them in place, in each channel's order."""
        if self.optouts.is_opted_out(original.author_id):
            return []
        bridge = self.store.bridge_of_cached(original.channel_id)
        if bridge is None:
            return []
        waiting = await self.channels_awaiting_translation(original.message_id)
        plans = [plan for plan in plan_copies(bridge, original.channel_id, detect_language(original.content))
                 if plan.channel.channel_id in waiting]
        prepared: list[PreparedCopy] = []
        for plan in plans:
            copy = await self._prepare(original, plan)
            if not copy.translated:
                return None
            prepared.append(copy)
        return prepared

    def submit_fill_in(self, prepared: list[PreparedCopy]) -> None:
        """Edit the filled-in copies in place, each in its channel's order (handed over for other
        processes' channels)."""
        self._submit_fill_ins_here(self.route.fill_ins_here(prepared))

    def _submit_fill_ins_here(self, prepared: list[PreparedCopy]) -> None:
        for copy in prepared:
            original, channel_id = copy.original, copy.plan.channel.channel_id

            async def deliver(ready: PreparedCopy, original: OriginalMessage = original, channel_id: int = channel_id) -> None:
                # A live edit or fill-in may have got there first.
                if channel_id in await self.channels_awaiting_translation(original.message_id):
                    await self._deliver_edit(ready)
                    self.stats.fill_ins += 1

            self.pipelines.submit(channel_id, _ready(copy), deliver, label=f"stored fill-in {original.message_id}")

    async def channels_awaiting_translation(self, original_message_id: int) -> set[int]:
        lines = await self.combined_posts.lines_of_originals([original_message_id])
        return {record.copy_channel_id for record in await self.store.copies_of(original_message_id) if record.needs_translation} | {
            line.copy_channel_id for line in lines if line.needs_translation
        }

    def _schedule_fill_in(self, original: OriginalMessage, plan: CopyPlan) -> None:
        self._left_untranslated()
        channel_id = plan.channel.channel_id
        self._pending_fill_ins[channel_id] = self._pending_fill_ins.get(channel_id, 0) + 1
        task = asyncio.create_task(self._fill_in(original, plan), name=f"bridge-fill-in-{original.message_id}")
        self._fill_ins.add(task)
        task.add_done_callback(self._fill_in_done)

    def _fill_in_done(self, task: asyncio.Task[None]) -> None:
        self._fill_ins.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("filling in a translation failed", exc_info=task.exception())

    async def _fill_in(self, original: OriginalMessage, plan: CopyPlan) -> None:
        channel_id = plan.channel.channel_id
        try:
            for delay in self.fill_in_delays:
                await asyncio.sleep(delay)
                prepared = await self._prepare(original, plan)
                if not prepared.translated:
                    continue
                expected = source_hash(original)

                async def deliver(ready: PreparedCopy) -> None:
                    current = [r for r in await self.store.copies_of(original.message_id) if r.copy_channel_id == channel_id]
                    # An edit since then carries newer text and its own fill-in: leave it be.
                    if current and all(r.source_hash == expected and r.needs_translation for r in current):
                        await self._deliver_edit(ready)
                        self.stats.fill_ins += 1

                self.pipelines.submit(channel_id, _ready(prepared), deliver, label=f"fill-in {original.message_id}")
                return
            log.warning("gave up translating message=%s channel=%s", original.message_id, channel_id)
        finally:
            left = self._pending_fill_ins.get(channel_id, 1) - 1
            if left <= 0:
                self._pending_fill_ins.pop(channel_id, None)
            else:
                self._pending_fill_ins[channel_id] = left

    # -- refill: copies let go by a full outbox are re-read from channel history --------------

    def _spilled(self, outbox: Outbox, item: OutboxItem) -> None:
        first, _ = outbox.spilled[item.source_channel_id]
        self.high_water.hold_below(item.source_channel_id, outbox.key, first)
        task = self._refills.get(outbox.key)
        if task is None or task.done():
            self._refills[outbox.key] = asyncio.create_task(self._refill(outbox), name=f"bridge-refill-{outbox.key}")

    async def _refill(self, outbox: Outbox) -> None:
        channel_id = outbox.key
        # A page fits in the drained outbox; 100 is what one Discord history request returns.
        page_size = max(min(outbox.max_items, HISTORY_PAGE_LIMIT), 1)
        cursors: dict[int, int] = {}
        while outbox.spilling and self.outboxes.get(channel_id) is outbox:
            await outbox.wait_until_resumed()
            await outbox.wait_until_posted()
            spilled = dict(outbox.spilled)
            for source, (first, _) in spilled.items():
                cursors.setdefault(source, first - 1)
            try:
                pages = {source: await self.read_history(source, cursors[source], page_size) for source in spilled}
            except Exception:
                log.exception("bridge: re-reading history for channel=%s failed; retrying", channel_id)
                await asyncio.sleep(REFILL_RETRY_SECONDS)
                continue
            # Sources merge by id; a full page only vouches for ids up to its last one.
            full = [page.last_read_id for page in pages.values() if not page.exhausted and page.last_read_id]
            cutoff = min(full) if full else None
            chosen: list[OriginalMessage] = []
            for source, page in pages.items():
                reached = spilled[source][1] if page.exhausted else (page.last_read_id or cursors[source])
                if page.last_read_id:
                    reached = max(reached, page.last_read_id)
                cursors[source] = min(reached, cutoff) if cutoff is not None else reached
                chosen += [original for original in page.originals if cutoff is None or original.message_id <= cutoff]
            for original in sorted(chosen, key=lambda original: original.message_id):
                self._relay_refill(original, channel_id)
            handed_over = asyncio.get_running_loop().create_future()

            async def mark(_: object, cursors=dict(cursors), handed_over=handed_over) -> None:
                handed_over.set_result(outbox.refilled(cursors))

            self.pipelines.submit(channel_id, nothing, mark, label=f"refill mark {channel_id}")
            await handed_over
        await outbox.wait_until_posted()
        for source in cursors:
            self.high_water.release(source, channel_id)

    def _relay_refill(self, original: OriginalMessage, channel_id: int) -> None:
        bridge = self.store.bridge_of_cached(original.channel_id)
        if bridge is None or original.is_empty or self.optouts.is_opted_out(original.author_id):
            return
        for plan in plan_copies(bridge, original.channel_id, detect_language(original.content)):
            if plan.channel.channel_id == channel_id:
                self._refill_copies.add((original.message_id, channel_id))
                self._submit_copy(original, plan)

    # -- what is waiting, pausing, shutting down ----------------------------------------------

    def backlog(self, channel_id: int) -> int:
        outbox = self.outboxes.get(channel_id)
        return self.pipelines.backlog(channel_id) + (outbox.backlog if outbox else 0)

    def waiting(self) -> Waiting:
        outboxes = list(self.outboxes.values())
        return Waiting(
            preparing=self.pipelines.total_backlog, queued=sum(outbox.backlog for outbox in outboxes),
            paused=sum(outbox.backlog for outbox in outboxes if outbox.paused),
        )

    def lag(self, channel_id: int) -> float:
        outbox = self.outboxes.get(channel_id)
        return outbox.lag() if outbox else 0.0

    def paused_channels(self) -> list[int]:
        return [key for key, outbox in self.outboxes.items() if outbox.paused]

    def pause(self, channel_id: int) -> bool:
        """Hold copies for a destination the bot can no longer post into (a permission was seen to
        go before a post failed); `resume` lets them go in order. False: it was paused already."""
        outbox = self.outbox_for(channel_id)
        if outbox.paused:
            return False
        outbox.pause()
        return True

    def resume(self, channel_id: int) -> bool:
        outbox = self.outboxes.get(channel_id)
        if outbox is None or not outbox.paused:
            return False
        self.stats.forbidden.pop(channel_id, None)
        outbox.resume()
        return True

    def pending_translations(self, channel_id: int) -> int:
        return self._pending_fill_ins.get(channel_id, 0)

    async def drain(self, timeout: float) -> bool:
        deadline = self.clock() + timeout
        if not await self.pipelines.drain(timeout):
            return False
        for outbox in list(self.outboxes.values()):
            if outbox.paused:
                continue
            remaining = deadline - self.clock()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(outbox.wait_until_posted(), remaining)
            except TimeoutError:
                return False
        return True

    async def close(self) -> None:
        await self.route.close()  # hand-overs acknowledged while the copy map can still be written
        refills = list(self._refills.values())
        for task in refills:
            task.cancel()
        await asyncio.gather(*refills, return_exceptions=True)
        for outbox in self.outboxes.values():
            await outbox.close()
        for task in list(self._fill_ins):
            task.cancel()
        await asyncio.gather(*self._fill_ins, return_exceptions=True)
        await self.pipelines.cancel()
        await self.store.close()
        await self.combined_posts.close()
        try:
            await self.flush_counters()
        except Exception as error:
            if not is_transient(error):
                raise
            log.warning("bridge: relay counters and catch-up marks not written at shutdown: %s", describe(error))

    async def flush_counters(self) -> None:
        await self.relay_days.flush()
        await self.high_water.flush()


def _waiting_in(channel_id: int) -> tuple[str, int]:
    """The high-water holder for copies waiting in the outbox of `channel_id`."""
    return ("waiting", channel_id)


def _ignore() -> None:
    return None


def _ready(value):
    async def prepared():
        return value

    return prepared

