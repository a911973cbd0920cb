"""Threads across the bridge: a public thread started in a linked channel gets a partner thread in
each partner channel, and paired threads are relayed into each other like linked channels.

Mixed into `BridgeCog` (needs `self.bot`, `self.relay`, `self.engine`). Pairings live in
`bot/bridge/remember/thread_pairs.py`; once a thread is paired the engine relays it as it relays a channel
(ordering, edits, deletes, replies, coalescing, fill-ins, catch-up), posting into the partner
thread through the parent channel's webhook with `thread_id`.

- A member starts a public thread (on a message or on its own) in a linked channel: live messages
  in it are held, each partner thread is opened (on the copy of the starter message when there is
  one, else on its own, named with the name's translation), the pairing is stored, the held
  messages are relayed.
- A thread in a mixed channel is a pairing of one: each message gets its translation under it.
- Rename, archive, lock and unarchive are mirrored, in each partner thread's lane after the copies
  queued before (a rename translated).
- Never: private threads (not mirrored, never read, never translated), threads Qiao opened itself
  (partner threads, cat-tax threads), threads of forum channels (forum posts are paired by the
  forum code, with the same `ThreadPairs`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import discord
from discord.ext import commands

from bot.bridge.catch_up import snowflake_time_ms
from bot.bridge.deliver.webhook import DeliveryError, DestinationForbidden, TransientDeliveryError
from bot.bridge.models import BridgeChannel
from bot.bridge.plan import source_language, target_for
from bot.bridge.remember.thread_pairs import PairedThread, ThreadPairing
from bot.i18n import shorten
from bot.pipeline.detect import detect_language
from bot.translation.languages import to_simplified, to_traditional

log = logging.getLogger(__name__)

THREAD_NAME_LIMIT = 100
# A thread whose partners could not be opened is tried again on a message, at most this often.
RETRY_OPENING_SECONDS = 60.0
# At shutdown, how long threads being opened may take to be paired before they are given up.
OPENING_DRAIN_SECONDS = 8.0
MIRRORED_THREAD_TYPES = (discord.ChannelType.public_thread, discord.ChannelType.news_thread)
# (name or None when unchanged, archived, locked) Qiao set on a partner thread itself.
Expected = tuple[str | None, bool, bool]


class ThreadMirroring:
    """Listeners and helpers of `BridgeCog` for threads in bridged channels."""

    def threads_init(self) -> None:
        self._thread_states: dict[int, tuple[bool, bool]] = {}  # thread id -> (archived, locked) last seen
        self._expected_updates: dict[int, deque[Expected]] = {}
        self._opening: dict[int, asyncio.Task[ThreadPairing | None]] = {}
        self._thread_updates = asyncio.Lock()
        self._partners_opened: dict[int, list[int]] = {}  # thread being opened -> its partners, held
        self._opening_tried: dict[int, float] = {}  # thread id -> when its partners were last tried
        # thread id -> messages held before a message came that was due a new try while its partners
        # were being opened: if that opening fails, it is tried again for the later messages.
        self._try_again: dict[int, set[int]] = {}
        self.retry_opening_seconds = RETRY_OPENING_SECONDS

    async def threads_unload(self) -> None:
        """Partner threads (and forum posts) still being opened at shutdown get a few seconds to be
        paired and stored (their held messages then drain with the rest); those still not done are
        given up (their threads stay unpaired)."""
        opening = set(self._opening.values())
        if not opening:
            return
        _, pending = await asyncio.wait(opening, timeout=OPENING_DRAIN_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # -- which threads -----------------------------------------------------------------------

    def mirrorable(self, thread: discord.Thread) -> bool:
        """A thread of a linked or mixed text channel that a member started in public."""
        if thread.type not in MIRRORED_THREAD_TYPES or not isinstance(thread.parent, discord.TextChannel):
            return False
        if self.bot.user is not None and thread.owner_id == self.bot.user.id:
            return False
        parent_bridge = self.relay.store.bridge_of_cached(thread.parent_id)
        return parent_bridge is not None and parent_bridge.channel(thread.parent_id) is not None

    async def opened(self, channel_id: int) -> None:
        """An edit or delete in a thread whose partners are being opened waits until they are (its
        message's copy is then known, or held to be relayed as it is now)."""
        opening = self._opening.get(channel_id)
        if opening is not None:
            await asyncio.shield(opening)

    def is_relayed_space(self, channel_id: int) -> bool:
        """Messages here are relayed now, or held until their thread's partners are open."""
        return self.relay.is_bridged(channel_id) or channel_id in self._opening

    # -- a new thread ------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        if not self.bot.accepting_work or not self.mirrorable(thread) or self.relay.store.threads.is_paired(thread.id):
            return
        self._opening_tried[thread.id] = time.monotonic()
        # Before any await: a message in the thread may be handled right after this event.
        await self.open_partner_threads(thread)

    def open_partner_threads(self, thread: discord.Thread, *, release: bool = True) -> asyncio.Task[ThreadPairing | None]:
        """Hold the thread's live messages, open its partners, store the pairing and relay what was
        held (`release=False`: the caller releases, after catching up the thread's history).
        Started at once (no await before the hold); the task is kept until done."""
        task = self._opening.get(thread.id)
        if task is not None:
            return task
        self.engine.hold(thread.id)
        # Started on a message (the thread has its id): that message's copies are posted alone,
        # never inside a combined post, so the partner thread can open on one.
        self.engine.keep_alone(thread.id)
        # As the thread is now: a THREAD_UPDATE while its partners open is mirrored after, from this.
        seen = PairedThread(thread.id, thread.parent_id, thread.guild.id, thread.name)
        self._thread_states[thread.id] = (bool(thread.archived), bool(thread.locked))
        task = asyncio.create_task(self._open(thread, seen, release=release), name=f"bridge-thread-{thread.id}")
        self._opening[thread.id] = task
        task.add_done_callback(lambda done: self._forget_opening(thread.id, done))
        return task

    def _forget_opening(self, thread_id: int, task: asyncio.Task) -> None:
        if self._opening.get(thread_id) is task:  # not a new try started as this one ended
            del self._opening[thread_id]

    def message_while_opening(self, channel_id: int) -> None:
        """A message to relay in `channel_id`, held if its partners are being opened. When a new try
        is due by then (the one running may be failing on a permission given back meanwhile), and
        that opening fails, the partners are tried again for this message and those after it."""
        tried = self._opening_tried.get(channel_id)
        if channel_id not in self._opening or tried is None or channel_id in self._try_again:
            return
        if time.monotonic() - tried >= self.retry_opening_seconds:
            self._try_again[channel_id] = self.engine.held_ids(channel_id)

    async def _open(self, thread: discord.Thread, seen: PairedThread, *, release: bool) -> ThreadPairing | None:
        pairing = None
        try:
            pairing = await self._pair(thread, seen)
        except Exception:
            log.exception("bridge: opening the partners of thread=%s failed", thread.id)
        finally:
            held_before_due = self._try_again.pop(thread.id, None)
            if (pairing is None and held_before_due is not None and release and self.bot.accepting_work
                    and not asyncio.current_task().cancelling()):
                # Messages held before the new try was due go where they would have gone (nowhere);
                # the later ones stay held for the new try.
                self.engine.release_only(thread.id, held_before_due)
                self._opening_tried[thread.id] = time.monotonic()
                del self._opening[thread.id]
                self.open_partner_threads(thread)
            else:
                await self._opening_ended(thread, pairing, release=release)
        return pairing

    async def _opening_ended(self, thread: discord.Thread, pairing: ThreadPairing | None, *, release: bool) -> None:
        if pairing is None:
            self._thread_states.pop(thread.id, None)
        else:
            await self.pause_if_forbidden(thread.guild.id)
            self._opening_tried.pop(thread.id, None)
        for partner_id in self._partners_opened.pop(thread.id, []):
            self._opening.pop(partner_id, None)
            self.engine.release(partner_id)
        if release or pairing is None:
            released = self.engine.release(thread.id)
            if released:
                log.debug("bridge: relayed %d messages held while thread=%s was paired", released, thread.id)

    async def _pair(self, thread: discord.Thread, source: PairedThread) -> ThreadPairing | None:
        store = self.relay.store
        guild = thread.guild
        if not await self.bot.guild_config.module_enabled(guild.id, "bridge"):
            return None
        bridge = store.bridge_of_cached(thread.parent_id)
        source_member = bridge.channel(thread.parent_id) if bridge is not None else None
        if source_member is None:
            return None
        if bridge.kind == "mixed" or source_member.language == "mixed":
            return await store.threads.pair(source)
        partners = [member for member in bridge.channels
                    if member.channel_id != source_member.channel_id and member.language != "mixed"]
        opened = await asyncio.gather(*(self._open_partner_held(thread, source.name, member) for member in partners))
        made = [partner for partner in opened if partner is not None]
        if not made:
            return None
        pairing = await store.threads.pair(source, made)
        for partner in made:
            self._thread_states[partner.thread_id] = (False, False)
        log.info("bridge: thread=%s paired with %s", thread.id, [partner.thread_id for partner in made])
        return pairing

    async def _open_partner_held(self, thread: discord.Thread, source_name: str, member: BridgeChannel) -> PairedThread | None:
        """Open a partner; someone may write in it before the pairing is stored: its messages are
        held (and relayed once paired) like the source thread's."""
        partner = await self._open_partner(thread, source_name, member)
        if partner is not None:
            self.engine.hold(partner.thread_id)
            self._opening[partner.thread_id] = self._opening[thread.id]
            self._partners_opened.setdefault(thread.id, []).append(partner.thread_id)
        return partner

    async def _open_partner(self, thread: discord.Thread, source_name: str, member: BridgeChannel) -> PairedThread | None:
        name = await self.partner_thread_name(source_name, thread.guild.id, member)
        if self.engine.in_flight(thread.id):
            # The starter message's copy is still on its way into this channel: open the thread once
            # the copies queued before it are posted, in the channel's own order.
            opened: asyncio.Future[PairedThread | None] = asyncio.get_running_loop().create_future()

            async def prepare() -> None:
                return None

            async def deliver(_: object) -> None:
                outbox = self.engine.outboxes.get(member.channel_id)
                if outbox is not None:
                    await outbox.wait_until_posted()
                try:
                    opened.set_result(await self._start_thread(thread, member, name))
                except BaseException as error:
                    opened.set_exception(error)

            self.engine.pipelines.submit(member.channel_id, prepare, deliver, label=f"open thread {thread.id}")
            return await opened
        return await self._start_thread(thread, member, name)

    async def _start_thread(self, thread: discord.Thread, member: BridgeChannel, name: str) -> PairedThread | None:
        """Open the partner thread: on the copy of the starter message (the thread's id is its
        starter's; a thread started on a copy opens its partner on the original), else on its own."""
        return await self._start_thread_on(thread, member, name, await self._starter_in(thread.id, member.channel_id))

    async def _starter_in(self, starter_id: int, channel_id: int) -> int | None:
        """The message in `channel_id` that stands for the thread's starter: the starter's copy there,
        or — for a thread started on one of Qiao's copies — the original, or its copy there."""
        store = self.relay.store
        original = starter_id
        record = await store.copy(starter_id)
        if record is not None:
            if record.original_channel_id == channel_id:
                return record.original_message_id
            original = record.original_message_id
        copies = [r for r in await store.copies_of(original) if r.copy_channel_id == channel_id]
        return copies[0].copy_message_id if copies else None

    async def _start_thread_on(self, thread: discord.Thread, member: BridgeChannel, name: str,
                               copy_id: int | None) -> PairedThread | None:
        duration = thread.auto_archive_duration or 1440
        try:
            if copy_id is not None:
                data = await self.bot.http.start_thread_with_message(
                    member.channel_id, copy_id, name=name, auto_archive_duration=duration,
                    reason="Qiao bridge: partner thread",
                )
            else:
                data = await self.bot.http.start_thread_without_message(
                    member.channel_id, name=name, auto_archive_duration=duration, type=discord.ChannelType.public_thread.value,
                    reason="Qiao bridge: partner thread",
                )
        except discord.Forbidden as error:
            log.warning("bridge: cannot open a partner thread in channel=%s: %s", member.channel_id, error)
            await self._report_thread_problem(member)
            return None
        except discord.HTTPException as error:
            if copy_id is not None and error.code == 160004:  # someone opened a thread on the copy already: use it
                return PairedThread(copy_id, member.channel_id, member.guild_id, name)
            if copy_id is not None and error.code == 10008:  # the copy was deleted meanwhile: on its own then
                return await self._start_thread_on(thread, member, name, None)
            log.warning("bridge: opening a partner thread in channel=%s failed: %s", member.channel_id, error)
            return None
        return PairedThread(int(data["id"]), member.channel_id, member.guild_id, str(data.get("name") or name))

    async def _report_thread_problem(self, member: BridgeChannel) -> None:
        guild = self.bot.get_guild(member.guild_id)
        if guild is not None:
            await self.bot.moderator_notices.notify_once(
                guild, f"bridge.threads.forbidden.{member.channel_id}", "bridge.threads.notice.cannot_open",
                channel=f"<#{member.channel_id}>",
            )

    async def partner_thread_name(self, name: str, guild_id: int, member: BridgeChannel) -> str:
        """`name` in the partner channel's language (as it is when already in it, or when a
        provider fails), at most 100 characters."""
        detection = detect_language(name)
        wanted = "en" if member.language == "en" else "zh"
        text = name
        if detection.language == wanted:
            if wanted == "zh" and (detection.script or "simplified") != member.script:
                text = to_traditional(name) if member.script == "traditional" else to_simplified(name)
        elif detection.language != "none":
            result = await self.engine.translator.translate(
                name, source_language(detection), target_for(member, member.language), guild_id,
            )
            if result.ok and result.text.strip():
                text = " ".join(result.text.split())
        return shorten(text, THREAD_NAME_LIMIT) or shorten(name, THREAD_NAME_LIMIT)

    # -- threads of mixed channels, met on a message ----------------------------------------

    async def thread_space_for(self, message: discord.Message) -> bool:
        """True when the message is to be relayed after all: in a partner thread Qiao has just
        opened (written in before Qiao heard back from Discord: it waits for the pairing), or in a
        public thread of a mixed channel not paired yet (started before Qiao learned threads, or
        while it was away), which becomes a pairing of one."""
        channel = message.channel
        if not isinstance(channel, discord.Thread) or self.relay.store.threads.is_paired(channel.id):
            return False
        if self._opening and self.bot.user is not None and channel.owner_id == self.bot.user.id:
            await asyncio.gather(*(asyncio.shield(task) for task in set(self._opening.values())), return_exceptions=True)
            return self.is_relayed_space(channel.id)
        if not self.mirrorable(channel):
            return False
        bridge = self.relay.store.bridge_of_cached(channel.parent_id)
        if bridge.kind != "mixed":
            # A thread of a linked channel whose partners could not be opened (a permission was
            # missing) or that Qiao never saw start: its partners are opened now, at most once a minute.
            tried = self._opening_tried.get(channel.id)
            if tried is not None and time.monotonic() - tried < self.retry_opening_seconds:
                return False
            self._opening_tried[channel.id] = time.monotonic()
            self.open_partner_threads(channel)
            return True
        await self.relay.store.threads.pair(PairedThread(channel.id, channel.parent_id, channel.guild.id, channel.name))
        return True

    # -- rename, archive, lock ---------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_thread_update(self, payload: discord.RawThreadUpdateEvent) -> None:
        # One at a time, in arrival order (asyncio.Lock wakes waiters first come, first served): a
        # rename then an archive must reach the partner lanes in that order.
        async with self._thread_updates:
            await self._thread_updated(payload)

    async def _thread_updated(self, payload: discord.RawThreadUpdateEvent) -> None:
        opening = self._opening.get(payload.thread_id)
        if opening is not None:
            await asyncio.shield(opening)  # mirrored once its partners are open
        threads = self.relay.store.threads
        pairing = threads.pairing_of(payload.thread_id)
        if pairing is None or not self.bot.accepting_work:
            return
        data = payload.data
        metadata = data.get("thread_metadata") or {}
        name = data.get("name")
        archived, locked = bool(metadata.get("archived", False)), bool(metadata.get("locked", False))
        own = pairing.thread(payload.thread_id)
        renamed = name is not None and name != own.name
        if renamed:
            await threads.renamed(payload.thread_id, name)
        previous = self._thread_states.get(payload.thread_id)
        self._thread_states[payload.thread_id] = (archived, locked)
        if self._was_expected(payload.thread_id, name if renamed else None, archived, locked):
            return
        if not renamed and previous == (archived, locked):
            return
        bridge = self.relay.store.bridge_of_cached(payload.thread_id)
        if bridge is None:
            return
        for member in bridge.channels:
            if member.channel_id != payload.thread_id:
                self._mirror_state(member, name if renamed else None, archived, locked, payload.guild_id)

    def _was_expected(self, thread_id: int, name: str | None, archived: bool, locked: bool) -> bool:
        expected = self._expected_updates.get(thread_id)
        if not expected:
            return False
        for index, (wanted_name, wanted_archived, wanted_locked) in enumerate(expected):
            if (wanted_name == name or name is None) and (wanted_archived, wanted_locked) == (archived, locked):
                del expected[index]
                if not expected:
                    del self._expected_updates[thread_id]
                return True
        return False

    def _expect(self, thread_id: int, name: str | None, archived: bool, locked: bool) -> None:
        self._expected_updates.setdefault(thread_id, deque(maxlen=8)).append((name, archived, locked))

    def _mirror_state(self, member: BridgeChannel, source_name: str | None, archived: bool, locked: bool,
                      guild_id: int) -> None:
        """Bring a partner thread to the source's state after the copies queued before it."""

        async def prepare() -> str | None:
            if source_name is None:
                return None
            return await self.partner_thread_name(source_name, guild_id, member)

        async def deliver(name: str | None) -> None:
            outbox = self.engine.outboxes.get(member.channel_id)
            if outbox is not None:
                await outbox.wait_until_posted()
            await self._apply_state(member, name, archived, locked)

        self.engine.pipelines.submit(member.channel_id, prepare, deliver, label=f"thread state {member.channel_id}")

    async def _apply_state(self, member: BridgeChannel, name: str | None, archived: bool, locked: bool) -> None:
        thread_id = member.channel_id
        current = self._thread_states.get(thread_id)
        if current is None:
            cached = self.bot.get_channel(thread_id)
            # discord.py forgets archived threads: one it does not hold is taken as archived.
            current = (bool(cached.archived), bool(cached.locked)) if isinstance(cached, discord.Thread) else (True, locked)
        now_archived, now_locked = current
        calls: list[dict] = []
        changes: dict = {}
        if name is not None:
            changes["name"] = name
        if locked != now_locked:
            changes["locked"] = locked
        if now_archived:
            if changes or not archived:
                calls.append({"archived": False, **changes})
                if archived:
                    calls.append({"archived": True})
        else:
            if archived:
                changes["archived"] = True
            if changes:
                calls.append(changes)
        state_archived, state_locked = now_archived, now_locked
        for body in calls:
            state_archived = body.get("archived", state_archived)
            state_locked = body.get("locked", state_locked)
            self._expect(thread_id, body.get("name"), state_archived, state_locked)
            try:
                await self.bot.http.edit_channel(thread_id, reason="Qiao bridge: partner thread", **body)
            except discord.HTTPException as error:
                self._was_expected(thread_id, body.get("name"), state_archived, state_locked)
                log.warning("bridge: mirroring %s to thread=%s failed: %s", sorted(body), thread_id, error)
                if isinstance(error, discord.Forbidden):
                    await self._report_thread_problem(member)
                return
            self._thread_states[thread_id] = (state_archived, state_locked)
            if "name" in body:
                await self.relay.store.threads.renamed(thread_id, body["name"])

    @contextlib.asynccontextmanager
    async def reopened(self, thread_id: int) -> AsyncIterator[None]:
        """A partner thread unarchived for the edits and deletes of copies made inside, and archived
        again after: Discord refuses both in an archived thread (400 50083). Neither change is
        mirrored to the other threads of the pairing."""
        state = self._thread_states.get(thread_id)
        if state is not None:
            locked = state[1]
        else:
            cached = self.bot.get_channel(thread_id)
            locked = isinstance(cached, discord.Thread) and bool(cached.locked)
        self._expect(thread_id, None, False, locked)
        try:
            await self.bot.http.edit_channel(thread_id, reason="Qiao bridge: a copy edited", archived=False)
        except discord.HTTPException as error:
            self._was_expected(thread_id, None, False, locked)
            what = f"cannot unarchive thread {thread_id} to change a copy in it: HTTP {error.status} {error.text}"
            if isinstance(error, discord.Forbidden):  # a locked thread: only with Manage Threads
                raise DestinationForbidden(what) from error
            if error.status == 429 or error.status >= 500:
                raise TransientDeliveryError(what) from error
            raise DeliveryError(what) from error
        self._thread_states[thread_id] = (False, locked)
        try:
            yield
        finally:
            self._expect(thread_id, None, True, locked)
            try:
                await self.bot.http.edit_channel(thread_id, reason="Qiao bridge: archived as before", archived=True)
            except discord.HTTPException as error:
                self._was_expected(thread_id, None, True, locked)
                log.warning("bridge: thread=%s stays unarchived after a copy in it changed: %s", thread_id, error)
            else:
                self._thread_states[thread_id] = (True, locked)

    # -- a thread deleted ----------------------------------------------------------------------

    async def thread_deleted(self, thread_id: int) -> bool:
        """A paired thread was deleted: it leaves its pairing (its partners keep what they hold)."""
        self._thread_states.pop(thread_id, None)
        self._expected_updates.pop(thread_id, None)
        return await self.relay.store.threads.forget(thread_id) is not None

    # -- threads started while Qiao was away ---------------------------------------------------

    async def open_missed_threads(self, window_minutes: int, linked_at: dict[int, datetime]) -> list[int]:
        """Public threads of linked channels started within the catch-up window and not paired get
        their partners now; returns the threads paired (still held: the caller catches up their
        history, then releases them)."""
        if window_minutes <= 0:
            return []
        floor_ms = int((datetime.now(UTC) - timedelta(minutes=window_minutes)).timestamp() * 1000)
        threads = []
        for guild in self.bot.guilds:
            for thread in guild.threads:
                if self.relay.store.threads.is_paired(thread.id) or not self.mirrorable(thread):
                    continue
                created_ms = snowflake_time_ms(thread.id)
                linked = linked_at.get(thread.parent_id)
                if created_ms < floor_ms or (linked is not None and created_ms < linked.timestamp() * 1000):
                    continue
                threads.append(thread)
        pairings = await asyncio.gather(*(self.open_partner_threads(thread, release=False) for thread in threads))
        return [thread.id for thread, pairing in zip(threads, pairings) if pairing is not None]
