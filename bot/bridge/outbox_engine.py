"""The relay engine with paced delivery: outboxes, combined posts, opt-outs, late copies.

`RelayEngine` (bot/bridge/engine.py) plans, translates and orders copies per destination lane;
this subclass hands each ready copy to the destination's `Outbox` instead of posting it at
once, so posting is paced to Discord's limits, coalesced under surges and paused (not failed)
when the bot loses a permission. Edits and deletes wait for the copies accepted before them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.bridge.catch_up import HighWaterMarks, snowflake_time_ms
from bot.bridge.deliver.coalescing import COMBINED_USERNAME, CombinedLine, can_be_combined, render_combined
from bot.bridge.remember.combined_posts import CombinedPostLine, CombinedPosts
from bot.bridge.deliver.webhook_calls import DeliveringSender
from bot.bridge.compose import subtext, webhook_username
from bot.bridge.models import CopyRecord, Destination, OriginalMessage
from bot.bridge.optout import OptOuts
from bot.bridge.deliver.outbox import DEFAULT_MAX_ITEMS
from bot.bridge.deliver.outbox import Outbox, OutboxItem, PauseDestination
from bot.bridge.deliver.pacing import Pacer, PacingLimits, SharedBlock
from bot.bridge.plan import plan_copies
from bot.bridge.engine import (
    CopyGone,
    DeliveryError,
    DestinationForbidden,
    DestinationGone,
    PreparedCopy,
    RelayEngine,
    SentMessage,
    Waiting,
)
from bot.bridge.stats import RelayDays
from bot.bridge.deliver.retries import RetryPolicy
from bot.pipeline.detect import detect_language
from bot.storage.outages import describe, is_transient

log = logging.getLogger(__name__)

SEEN_LIMIT = 20_000
REFILL_RETRY_SECONDS = 5.0
HISTORY_PAGE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """Originals of one source channel after some id, oldest first, as the cog read them."""

    originals: list[OriginalMessage]
    last_read_id: int | None  # the newest message read, relayable or not
    exhausted: bool  # fewer than asked for: the channel's history ends here


# (source channel id, after message id, at most this many) -> the next page of its history.
ReadHistory = Callable[[int, int, int], Awaitable[HistoryPage]]


class OutboxRelayEngine(RelayEngine):
    def __init__(
        self, store, translator, sender, labels, problems, *, combined_posts: CombinedPosts, optouts: OptOuts,
        relay_days: RelayDays, high_water: HighWaterMarks, late_marker: str, pacing: PacingLimits | None = None,
        clock: Callable[[], float] = time.monotonic, wall_clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        outbox_max_items: int = DEFAULT_MAX_ITEMS, retry_policy: RetryPolicy | None = None, **options,
    ) -> None:
        self.pacing = pacing or PacingLimits()
        self.outbox_max_items = outbox_max_items
        # Set by the cog: without it a full outbox keeps growing in memory rather than let go.
        self.read_history: ReadHistory | None = None
        self._refills: dict[int, asyncio.Task[None]] = {}
        self._refill_copies: set[tuple[int, int]] = set()  # (original id, destination) being re-read
        self.clock = clock
        self.wall_clock_ms = wall_clock_ms
        self._pacers: dict[int, Pacer] = {}
        self.outboxes: dict[int, Outbox] = {}
        # Discord's global rate limit stops every destination at once.
        self.global_block = SharedBlock(clock=clock)
        self.delivery = DeliveringSender(sender, self.pacer_for, self.global_block, policy=retry_policy, wall_clock_ms=wall_clock_ms)
        super().__init__(store, translator, self.delivery, labels, problems, **options)
        self.combined_posts = combined_posts
        self.optouts = optouts
        self.relay_days = relay_days
        self.high_water = high_water
        self.late_marker = late_marker
        self._late: set[int] = set()
        self._rerenders_queued: set[int] = set()  # combined posts (copy message ids) to re-render
        self._held: dict[int, list[OriginalMessage]] = {}
        # Originals this process already queued: catch-up must not relay them a second time.
        self._seen: OrderedDict[int, None] = OrderedDict()
        # Told the lags (ms from the original's post to its copy's) of each delivery (the metrics' histogram).
        self.on_lags: Callable[[list[int]], None] | None = None

    # -- pacing and outboxes ---------------------------------------------------------------

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

    # -- copies let go by a full outbox are re-read from channel history -------------------

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

            self.pipelines.submit(channel_id, _nothing, mark, label=f"refill mark {channel_id}")
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

    def set_pacing(self, limits: PacingLimits) -> None:
        self.pacing = limits
        for pacer in self._pacers.values():
            pacer.limits = limits

    def backlog(self, channel_id: int) -> int:
        outbox = self.outboxes.get(channel_id)
        return super().backlog(channel_id) + (outbox.backlog if outbox else 0)

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

    def resume(self, channel_id: int) -> bool:
        outbox = self.outboxes.get(channel_id)
        if outbox is None or not outbox.paused:
            return False
        self.stats.forbidden.pop(channel_id, None)
        outbox.resume()
        return True

    async def drain(self, timeout: float) -> bool:
        deadline = self.clock() + timeout
        if not await super().drain(timeout):
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
        refills = list(self._refills.values())
        for task in refills:
            task.cancel()
        await asyncio.gather(*refills, return_exceptions=True)
        for outbox in self.outboxes.values():
            await outbox.close()
        await super().close()
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

    # -- new messages: opt-outs, holding during catch-up, late marks -----------------------

    def relay(self, original: OriginalMessage, bridge=None, *, source_channel_id: int | None = None) -> int:
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
        return super().relay(original, bridge, source_channel_id=source_channel_id)

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

    def relay_markers(self) -> list[str]:
        return [*super().relay_markers(), self.late_marker.removeprefix("-# ")]

    def _footer(self, original: OriginalMessage, plan) -> str:
        footer = super()._footer(original, plan)
        if original.message_id in self._late:
            return "\n".join(part for part in (footer, self.late_marker) if part)
        return footer

    async def _plan_edit(self, original: OriginalMessage) -> int:
        if self.optouts.is_opted_out(original.author_id):
            return 0
        touched = 0
        combined = await self.combined_posts.lines_of_originals([original.message_id])
        bridge = self.store.bridge_of_cached(original.channel_id)
        if combined and bridge is not None:
            plans = {plan.channel.channel_id: plan for plan in plan_copies(bridge, original.channel_id, detect_language(original.content))}
            for line in combined:
                plan = plans.get(line.copy_channel_id)
                if plan is None:
                    self.pipelines.submit(line.copy_channel_id, _nothing, self._deleter(line.copy_channel_id, [original.message_id]))
                else:
                    self.pipelines.submit(line.copy_channel_id, lambda plan=plan: self._prepare(original, plan), self._deliver_edit)
                touched += 1
        return touched + await super()._plan_edit(original)

    async def delete(self, original_message_ids: list[int], channel_id: int | None = None) -> int:
        touched = await super().delete(original_message_ids, channel_id)
        combined = await self.combined_posts.lines_of_originals(list(original_message_ids))
        records = await self.store.copies_of_many(list(original_message_ids))
        already = {record.copy_channel_id for record in records}
        for target in {line.copy_channel_id for line in combined} - already:
            self.pipelines.submit(target, _nothing, self._deleter(target, list(original_message_ids)))
            touched += 1
        return touched

    # -- delivering through the outbox -----------------------------------------------------

    async def _deliver_new(self, prepared: PreparedCopy) -> None:
        original, plan = prepared.original, prepared.plan
        channel_id = plan.channel.channel_id
        # Still "in flight" until posted, so an edit or delete meanwhile follows it (see RelayEngine.edit).
        self._in_flight[original.message_id] = self._in_flight.get(original.message_id, 0) + 1
        body = _without_footer(prepared.contents[0], self.footer_of(prepared)) if prepared.contents else ""
        combinable = can_be_combined(body, len(prepared.contents)) and not plan.under_original
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
        seen: list[str] = []
        for item in items:
            for line in item.footer.splitlines():
                if line not in seen:
                    seen.append(line)
        return subtext(*(line.removeprefix("-# ") for line in seen))

    async def post_single(self, item: OutboxItem) -> None:
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

    def _done_in_flight(self, message_id: int) -> None:
        left = self._in_flight.get(message_id, 1) - 1
        if left <= 0:
            self._in_flight.pop(message_id, None)
        else:
            self._in_flight[message_id] = left

    # -- edits and deletes wait for the outbox, and reach combined posts -------------------

    async def _deliver_edit(self, prepared: PreparedCopy) -> None:
        channel_id = prepared.plan.channel.channel_id
        outbox = self.outboxes.get(channel_id)
        if outbox is not None:
            await outbox.wait_until_posted()
        lines = [line for line in await self.combined_posts.lines_of_originals([prepared.original.message_id])
                 if line.copy_channel_id == channel_id]
        if not lines:
            await super()._deliver_edit(prepared)
            return
        [line] = lines
        text = _without_footer(prepared.contents[0] if prepared.contents else "", self.footer_of(prepared))
        if text == line.text and line.needs_translation == (not prepared.translated):
            return
        await self.combined_posts.update_text(line.original_message_id, channel_id, text, needs_translation=not prepared.translated)
        self._rerender_soon(Destination.of(prepared.plan.channel), line)

    async def prepare_fill_in(self, original: OriginalMessage) -> list[PreparedCopy] | None:
        if self.optouts.is_opted_out(original.author_id):
            return []
        return await super().prepare_fill_in(original)

    async def channels_awaiting_translation(self, original_message_id: int) -> set[int]:
        lines = await self.combined_posts.lines_of_originals([original_message_id])
        return await super().channels_awaiting_translation(original_message_id) | {
            line.copy_channel_id for line in lines if line.needs_translation
        }

    def _deleter(self, channel_id: int, original_ids: list[int]):
        delete_singles = super()._deleter(channel_id, original_ids)

        async def delete(result: object) -> None:
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
            await delete_singles(result)

        return delete

    def _rerender_soon(self, destination: Destination, changed: CombinedPostLine) -> None:
        """Re-render the combined post after the work already queued in its channel, once for all
        the lines changed meanwhile (a fill-in pass changes every line of a burst)."""
        if changed.copy_message_id in self._rerenders_queued:
            return  # the queued one reads the lines as they are then
        self._rerenders_queued.add(changed.copy_message_id)

        async def rerender(_: object) -> None:
            self._rerenders_queued.discard(changed.copy_message_id)
            await self._rerender(destination, changed)

        self.pipelines.submit(destination.channel_id, _nothing, rerender, label=f"re-render {changed.copy_message_id}")

    async def _rerender(self, destination: Destination, changed: CombinedPostLine) -> None:
        """Edit a combined post to its current lines, or delete it when none is left."""
        remaining = await self.combined_posts.lines_of_post(changed.copy_message_id)
        try:
            if not remaining:
                await self.sender.delete(destination, changed.webhook_id, changed.copy_message_id)
                return
            footer = changed.footer
            if not any(line.needs_translation for line in remaining):
                footer = self._footer_once_translated(footer, destination.channel_id)
            content = render_combined([CombinedLine(line.author_name, line.text) for line in remaining], footer)
            await self.sender.edit(destination, changed.webhook_id, changed.copy_message_id, content)
        except CopyGone:
            pass
        except DeliveryError as error:
            await self._delivery_failed(destination, error)


    def _footer_once_translated(self, footer: str, channel_id: int) -> str:
        """A combined post's footer once no line in it is untranslated: no notice, the label instead."""
        notice, label = self.labels.translation_unavailable, self.labels.machine_translation
        parts = footer.removeprefix("-# ")
        if notice not in parts:
            return footer
        parts = parts.replace(" · " + notice, "").replace(notice + " · ", "").replace(notice, "")
        channel = self.space_of(channel_id)
        if label not in parts and (channel is None or channel.show_label):
            parts = " · ".join(part for part in (parts, label) if part)
        return subtext(parts)


def _waiting_in(channel_id: int) -> tuple[str, int]:
    """The high-water holder for copies waiting in the outbox of `channel_id`."""
    return ("waiting", channel_id)


def _without_footer(content: str, footer: str) -> str:
    if footer and content.endswith("\n" + footer):
        return content[: -len(footer) - 1]
    if footer and content == footer:
        return ""
    return content


async def _nothing() -> None:
    return None
