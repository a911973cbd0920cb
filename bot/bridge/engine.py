"""The relay engine: from an original message to posted, edited and deleted copies.

Discord-free: it talks to Discord through a `Sender` (webhook posts) and tells the cog about
channel problems through a `ProblemReporter`. The cog turns gateway events into
`OriginalMessage` snapshots and calls `relay`, `edit` and `delete`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.bridge.compose import (
    Labels,
    attachment_lines,
    compose,
    reply_line,
    subtext,
    webhook_username,
    without_relay_lines,
)
from bot.bridge.models import (
    Bridge,
    BridgeChannel,
    CopyRecord,
    Destination,
    OriginalMessage,
    jump_url,
)
from bot.bridge.plan import CopyPlan, plan_copies, source_language
from bot.bridge.lanes import OrderedPipelines
from bot.bridge.remember.store import BridgeStore
from bot.bridge.translate import TextTranslator
from bot.pipeline.detect import detect_language
from bot.translation.languages import to_simplified, to_traditional

log = logging.getLogger(__name__)

# Back-off between attempts to fill in a translation that failed (seconds).
DEFAULT_FILL_IN_DELAYS: tuple[float, ...] = (5, 15, 30, 60, 120, 300, 600, 900)
# How many recently edited originals remember the text their copies are being edited to.
QUEUED_EDIT_MEMORY = 4096


class DeliveryError(Exception):
    """Discord refused a webhook call for a reason other than the ones below."""


class DestinationForbidden(DeliveryError):
    """The bot lacks a permission there (Manage Webhooks, Send Messages, View Channel)."""


class DestinationGone(DeliveryError):
    """The channel no longer exists."""


class CopyGone(DeliveryError):
    """The copy was deleted by someone: nothing to edit or delete."""


class TransientDeliveryError(DeliveryError):
    """Discord or the network failed for now (429 of any scope, 5xx, a dropped socket, a timeout):
    the call is to be tried again later, never given up.

    `retry_after`: Discord's own "not before" (seconds), when it said one. `is_global`: the whole
    bot is limited, not this webhook. `uncertain`: the request may have been carried out although
    no answer came back (a reset or timeout after sending, a 5xx from a proxy), so a post must be
    looked for before it is sent again."""

    def __init__(self, message: str, *, retry_after: float | None = None, is_global: bool = False,
                 uncertain: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.is_global = is_global
        self.uncertain = uncertain


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: int
    webhook_id: int
    # Discord said this webhook's bucket is empty for this long (X-RateLimit-Remaining: 0).
    reset_after: float | None = None


class Sender(Protocol):
    async def send(
        self, destination: Destination, content: str, *, username: str, avatar_url: str | None
    ) -> SentMessage: ...

    async def edit(self, destination: Destination, webhook_id: int, message_id: int, content: str) -> None: ...

    async def delete(self, destination: Destination, webhook_id: int, message_id: int) -> None: ...

    async def find_posted(self, destination: Destination, content: str, *, after_message_id: int) -> SentMessage | None:
        """A post of ours with exactly `content`, newer than `after_message_id`, if one exists
        (after an uncertain failure: was the post carried out although no answer came back?)."""
        ...


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
        fill_in_delays: Sequence[float] = DEFAULT_FILL_IN_DELAYS,
        on_translated: Callable[[OriginalMessage, str], None] | None = None,
    ) -> None:
        # Told about every successful translation (the guidance cog reads the translated text).
        self.on_translated = on_translated
        self.store = store
        self.translator = translator
        self.sender = sender
        self.labels = labels
        self.problems = problems
        self.fill_in_delays = tuple(fill_in_delays)
        self.pipelines = OrderedPipelines()
        self.stats = RelayStats()
        self._in_flight: dict[int, int] = {}  # original id -> copies not yet delivered
        self._fill_ins: set[asyncio.Task[None]] = set()
        self._pending_fill_ins: dict[int, int] = {}  # channel id -> copies waiting for a translation
        # Unregistered mixed spaces (cat-tax threads) by channel id, so their copies follow edits.
        self._unregistered_spaces: dict[int, BridgeChannel] = {}
        # Original id -> hash of the text of its latest edit sent down the lanes (oldest first).
        self._queued_edit_hashes: dict[int, str] = {}
        self._edit_turns: dict[int, _EditTurn] = {}  # original id -> its edits being planned, in order
        # Slang notes (`bot.learning.notes.SlangNotes`), set by the bridge cog; None: no notes.
        self.slang_notes = None
        # Told when a copy went out untranslated, and when a translation succeeds again while such
        # copies wait (the cog's fill-in loop listens; see bot/bridge/fill_ins.py).
        self.on_left_untranslated: Callable[[], None] = _ignore
        self.on_translations_back: Callable[[], None] = _ignore
        self._untranslated_waiting = False

    # -- entry points -----------------------------------------------------------------------

    def relay(self, original: OriginalMessage, bridge: Bridge | None = None, *, source_channel_id: int | None = None) -> int:
        """Queue the copies of a new message; returns how many copies were queued."""
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

    def relays_into(self, channel_id: int) -> bool:
        """Whether copies were posted into this unregistered space (a cat-tax thread) since start."""
        return channel_id in self._unregistered_spaces

    async def edit(self, original: OriginalMessage) -> int:
        """Mirror an edit to the copies; returns how many channels were touched.

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
                self.pipelines.submit(channel_id, _nothing, self._deleter(channel_id, [original.message_id]),
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
        """Delete the copies of originals that were deleted; returns how many lanes were touched."""
        records = await self.store.copies_of_many(original_message_ids)
        channels = {record.copy_channel_id for record in records}
        if channel_id is not None and any(mid in self._in_flight for mid in original_message_ids):
            bridge = self.store.bridge_of_cached(channel_id)
            if bridge is not None:
                channels |= {channel.channel_id for channel in bridge.channels}
        for target in channels:
            self.pipelines.submit(target, _nothing, self._deleter(target, list(original_message_ids)),
                                  label=f"delete {original_message_ids[:3]}")
        if channels:
            self.stats.deletes += 1
        return len(channels)

    async def drain(self, timeout: float) -> bool:
        return await self.pipelines.drain(timeout)

    async def close(self) -> None:
        for task in list(self._fill_ins):
            task.cancel()
        await asyncio.gather(*self._fill_ins, return_exceptions=True)
        await self.pipelines.cancel()
        await self.store.close()

    def backlog(self, channel_id: int) -> int:
        return self.pipelines.backlog(channel_id)

    def waiting(self) -> Waiting:
        return Waiting(preparing=self.pipelines.total_backlog)

    def pending_translations(self, channel_id: int) -> int:
        return self._pending_fill_ins.get(channel_id, 0)

    # -- preparing a copy -------------------------------------------------------------------

    def _submit_copy(self, original: OriginalMessage, plan: CopyPlan) -> None:
        self._in_flight[original.message_id] = self._in_flight.get(original.message_id, 0) + 1

        async def deliver(prepared: PreparedCopy) -> None:
            try:
                await self._deliver_new(prepared)
            finally:
                left = self._in_flight.get(original.message_id, 1) - 1
                if left <= 0:
                    self._in_flight.pop(original.message_id, None)
                else:
                    self._in_flight[original.message_id] = left

        async def prepare() -> PreparedCopy:
            try:
                return await self._prepare(original, plan)
            except Exception:
                # The copy still goes out, untranslated, rather than being dropped.
                log.exception("preparing a copy failed message=%s channel=%s", original.message_id, plan.channel.channel_id)
                return self._untranslated(original, plan, header="")

        self.pipelines.submit(plan.channel.channel_id, prepare, deliver, label=f"message {original.message_id}")

    async def _prepare(self, original: OriginalMessage, plan: CopyPlan) -> PreparedCopy:
        header_task = None
        if (original.reply_to is not None or original.reply_to_id) and not plan.under_original:
            header_task = asyncio.ensure_future(self._reply_header(original, plan))
        body = original.content
        translated = True
        if plan.translate_to is not None and body.strip():
            notes = self.slang_notes.annotate(
                body, plan.translate_to, plan.channel.channel_id, original.guild_id) if self.slang_notes else None
            keep = {"keep": notes.terms} if notes else {}  # slang stays as written; the note explains it
            result = await self.translator.translate(body, plan.source_language, plan.translate_to, original.guild_id, **keep)
            translated = result.ok
            body = result.text
            if translated and self._untranslated_waiting:
                self._untranslated_waiting = False
                self.on_translations_back()
            if translated and self.on_translated is not None:
                self.on_translated(original, body)
            if translated and notes:
                body = f"{body}\n{notes.line}"
        elif plan.convert_script == "zh-Hant":
            body = to_traditional(body)
        elif plan.convert_script == "zh-Hans":
            body = to_simplified(body)
        header = await header_task if header_task is not None else ""
        if not translated:
            self.stats.translation_failures += 1
            return self._untranslated(original, plan, header=header)
        return PreparedCopy(
            original, plan, compose(body, header=header, attachments=self._attachments(original), footer=self._footer(original, plan)),
            translated=True, source_hash=source_hash(original),
        )

    def _untranslated(self, original: OriginalMessage, plan: CopyPlan, *, header: str) -> PreparedCopy:
        footer = self._untranslated_footer(original, plan)
        contents = compose(original.content, header=header, attachments=self._attachments(original), footer=footer)
        return PreparedCopy(original, plan, contents, translated=not plan.is_translation, source_hash=source_hash(original))

    def _untranslated_footer(self, original: OriginalMessage, plan: CopyPlan) -> str:
        notice = self.labels.translation_unavailable if plan.is_translation else ""
        return subtext(self._forwarded(original), self._translation_of(original, plan), notice)

    def footer_of(self, prepared: PreparedCopy) -> str:
        """The footer line `prepared.contents` ends with."""
        if prepared.translated:
            return self._footer(prepared.original, prepared.plan)
        return self._untranslated_footer(prepared.original, prepared.plan)

    def _attachments(self, original: OriginalMessage) -> list[str]:
        return attachment_lines(original.attachments, original.stickers)

    def _translation_of(self, original: OriginalMessage, plan: CopyPlan) -> str:
        if not plan.under_original or plan.translate_to is None:
            return ""
        template = self.labels.translation_of.get(plan.translate_to) or self.labels.translation_of.get("en", "↪ {link}")
        return template.format(link=original.jump_url())

    def _footer(self, original: OriginalMessage, plan: CopyPlan) -> str:
        label = self.labels.machine_translation if plan.is_translation and plan.channel.show_label else ""
        return subtext(self._forwarded(original), self._translation_of(original, plan), label)

    def relay_markers(self) -> list[str]:
        """Texts that mark a footer line as added by the relay."""
        # "↪ translation of {link}", "↪ {link} 的翻译": the longer side of the link names the line.
        links = [max((side.strip() for side in template.split("{link}")), key=len) for template in self.labels.translation_of.values()]
        # A slang note line ("-# 💬 yyds = …", bot.learning.notes.NOTE_PREFIX; not imported here:
        # that module loads the slang catalogue).
        notes = ["💬"] if self.slang_notes is not None else []
        return [self.labels.machine_translation, self.labels.translation_unavailable, self.labels.forwarded, *links, *notes]

    def _forwarded(self, original: OriginalMessage) -> str:
        return self.labels.forwarded if original.forwarded else ""

    async def _reply_header(self, original: OriginalMessage, plan: CopyPlan) -> str:
        replied = original.reply_to
        replied_id = replied.message_id if replied else original.reply_to_id
        replied_channel = replied.channel_id if replied else original.channel_id
        link = jump_url(original.guild_id, replied_channel, replied_id)
        target_channel = plan.channel.channel_id
        root_channel, root_id = replied_channel, replied_id
        copy_record = await self.store.copy(replied_id)
        if copy_record is not None:
            root_channel, root_id = copy_record.original_channel_id, copy_record.original_message_id
        if root_channel == target_channel:
            link = jump_url(original.guild_id, root_channel, root_id)
        else:
            for record in await self.store.copies_of(root_id):
                if record.copy_channel_id == target_channel and record.part == 0:
                    link = jump_url(original.guild_id, target_channel, record.copy_message_id)
                    break
        if replied is None:
            return reply_line("…", "", link, self.labels.reply_arrow)
        quoted = replied.content
        if replied.webhook_id is not None:
            # One of our copies: quote its words, not the labels and context lines we added.
            quoted = without_relay_lines(quoted, self.relay_markers(), self.labels.reply_arrow)
        if plan.translate_to is not None and quoted.strip():
            short = quoted[:300]
            detection = detect_language(short)
            wanted = "en" if plan.translate_to == "en" else "zh"
            if detection.language not in (wanted, "none"):
                result = await self.translator.translate(
                    short, source_language(detection), plan.translate_to,
                    original.guild_id,
                )
                if result.ok:
                    quoted = result.text
        return reply_line(replied.author_name, quoted, link, self.labels.reply_arrow)

    # -- delivering -------------------------------------------------------------------------

    async def _deliver_new(self, prepared: PreparedCopy) -> None:
        original, plan = prepared.original, prepared.plan
        destination = Destination.of(plan.channel)
        username = webhook_username(original.author_name)
        records: list[CopyRecord] = []
        try:
            for part, content in enumerate(prepared.contents):
                sent = await self.sender.send(destination, content, username=username, avatar_url=original.avatar_url)
                records.append(self._record(prepared, sent, part))
        except DeliveryError as error:
            await self._delivery_failed(destination, error)
        finally:
            await self.store.record_copies(records)
        if not records:
            return
        self.stats.copies_posted += len(records)
        self.stats.forbidden.pop(plan.channel.channel_id, None)
        if not prepared.translated:
            self._schedule_fill_in(original, plan)

    def _left_untranslated(self) -> None:
        """Copies went out untranslated: fill-ins should start trying, and hear when translating works."""
        self._untranslated_waiting = True
        self.on_left_untranslated()

    async def _deliver_edit(self, prepared: PreparedCopy) -> None:
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

        return delete

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

    # -- filling in translations that failed ------------------------------------------------

    async def prepare_fill_in(self, original: OriginalMessage) -> list[PreparedCopy] | None:
        """The translated copies of `original` (its current content) for the channels where its copy
        went out untranslated, e.g. before a restart; None when a provider still fails.
        `submit_fill_in` then edits them in place, in each channel's order."""
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
        for copy in prepared:
            original, channel_id = copy.original, copy.plan.channel.channel_id

            async def deliver(ready: PreparedCopy, original: OriginalMessage = original, channel_id: int = channel_id) -> None:
                # A live edit or fill-in may have got there first.
                if channel_id in await self.channels_awaiting_translation(original.message_id):
                    await self._deliver_edit(ready)
                    self.stats.fill_ins += 1

            self.pipelines.submit(channel_id, _ready(copy), deliver, label=f"stored fill-in {original.message_id}")

    async def channels_awaiting_translation(self, original_message_id: int) -> set[int]:
        return {record.copy_channel_id for record in await self.store.copies_of(original_message_id) if record.needs_translation}

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


async def _nothing() -> None:
    return None


def _ignore() -> None:
    return None


def _ready(value):
    async def prepared():
        return value

    return prepared
