"""Forum posts across the bridge: a post opened in a linked forum (or media channel) becomes a post
in each partner forum, and the two posts are paired threads from then on.

Mixed into `BridgeCog` next to `ThreadMirroring` (uses its `_opening`, `partner_thread_name` and
the thread pairing of bot/bridge/remember/thread_pairs.py). The partner post is opened by the copy
of the starter message itself (a webhook execute with `thread_name` and `applied_tags`): translated,
under the author's name and avatar, titled with the title's translation, tagged with the partner
forum's tags that match (bot/bridge/forum_tags.py). It is posted in the partner forum's lane, after
the copies queued before, and waits while that forum is paused for a lost permission. Replies,
edits, deletes, renames and archiving then go through the pairing like any paired thread, and a
post retagged later retags its partners the same way. In a mixed forum a post is a pairing of one:
each message gets its translation in the same post.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from datetime import UTC, datetime, timedelta

import discord
from discord.ext import commands

from bot.bridge.catch_up import snowflake_time_ms
from bot.bridge.deliver.webhook import DeliveryError, DestinationForbidden, DestinationGone
from bot.bridge.compose import webhook_username
from bot.bridge.forum_tags import ForumTag, map_tags
from bot.bridge.models import Bridge, BridgeChannel, CopyRecord, Destination, NewPost, OriginalMessage
from bot.bridge.plan import plan_copies
from bot.bridge.remember.thread_pairs import PairedThread, ThreadPairing
from bot.pipeline.detect import detect_language
from cogs.bridge.snapshot import snapshot

log = logging.getLogger(__name__)

# How long the starter message may come after its thread (Discord sends THREAD_CREATE first).
STARTER_WAIT_SECONDS = 10.0


def forum_tags_of(forum: object) -> list[ForumTag]:
    return [_tag(tag) for tag in getattr(forum, "available_tags", [])]


def _tag(tag: discord.ForumTag) -> ForumTag:
    emoji = tag.emoji
    return ForumTag(tag.id, tag.name, emoji.id if emoji is not None else None,
                    (emoji.name or None) if emoji is not None else None, tag.moderated)


class ForumPosts:
    """Listeners and helpers of `BridgeCog` for posts in bridged forum and media channels."""

    def forum_posts_init(self) -> None:
        self._starters: dict[int, asyncio.Future[discord.Message]] = {}
        # Post being opened -> the partner posts opened so far (held too until the pairing is stored).
        self._partner_posts: dict[int, list[int]] = {}
        # Partner post -> the tag sets Qiao gave it and has not yet seen come back: not mirrored back.
        self._tags_given: dict[int, deque[frozenset[int]]] = {}

    # -- which posts -------------------------------------------------------------------------

    def forum_member(self, thread: discord.Thread) -> tuple[Bridge, BridgeChannel] | None:
        """The bridge of a post's forum when the post is one to mirror: a member's (not one of the
        bridge's own), in a forum or media channel of a bridge."""
        if not isinstance(thread.parent, discord.ForumChannel):
            return None
        owner = thread.owner_id or 0
        if self.relay.sender.is_own_webhook(owner) or (self.bot.user is not None and owner == self.bot.user.id):
            return None
        bridge = self.relay.store.bridge_of_cached(thread.parent_id)
        member = bridge.channel(thread.parent_id) if bridge is not None else None
        return None if member is None else (bridge, member)

    # -- a new post ----------------------------------------------------------------------------

    @commands.Cog.listener("on_thread_create")
    async def forum_post_created(self, thread: discord.Thread) -> None:
        if not self.bot.accepting_work or self.relay.store.threads.is_paired(thread.id):
            return
        if self.forum_member(thread) is None:
            return
        # Before any await: the starter and the first replies are held until the partners exist.
        self.open_partner_posts(thread)

    def forum_starter_seen(self, message: discord.Message) -> None:
        """Called by the bridge's `on_message` for every message (not a listener of its own: one
        task fewer per message, the bot's own copies included)."""
        waiting = self._starters.get(message.id)
        if waiting is not None and not waiting.done() and message.channel.id == message.id:
            waiting.set_result(message)

    def open_partner_posts(self, thread: discord.Thread, *, live: bool = True) -> asyncio.Task[ThreadPairing | None]:
        """Hold the post's messages, open its partner posts, store the pairing and relay what was
        held. `live`: the post was just opened (its starter is on its way); else (met at catch-up)
        the caller catches up its history, then releases it."""
        task = self._opening.get(thread.id)
        if task is not None:
            return task
        self.engine.hold(thread.id)
        if live:
            self._starters[thread.id] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(self._open_posts(thread, release=live), name=f"bridge-forum-post-{thread.id}")
        self._opening[thread.id] = task

        def done(_: object) -> None:
            self._opening.pop(thread.id, None)
            self._starters.pop(thread.id, None)
            for partner_id in self._partner_posts.pop(thread.id, []):
                self._opening.pop(partner_id, None)

        task.add_done_callback(done)
        return task

    async def _open_posts(self, thread: discord.Thread, *, release: bool) -> ThreadPairing | None:
        pairing, skip = None, set()
        try:
            pairing, skip = await self._pair_post(thread)
        except Exception:
            log.exception("bridge: opening the partner posts of post=%s failed", thread.id)
        finally:
            if pairing is not None:
                await self.pause_if_forbidden(thread.guild.id)
            if release or pairing is None:
                self.engine.release(thread.id, skip=skip)
            for partner_id in self._partner_posts.get(thread.id, []):
                self.engine.release(partner_id)
        return pairing

    async def _pair_post(self, thread: discord.Thread) -> tuple[ThreadPairing | None, set[int]]:
        found = self.forum_member(thread)
        if found is None or not await self.bot.guild_config.module_enabled(thread.guild.id, "bridge"):
            return None, set()
        bridge, source_member = found
        source = PairedThread(thread.id, thread.parent_id, thread.guild.id, thread.name)
        if bridge.kind == "mixed" or source_member.language == "mixed":
            # Every message of the post, the starter too, gets its translation in the post.
            return await self.relay.store.threads.pair(source), set()
        starter = await self._starter(thread)
        if starter is None or not self.relay.should_relay(starter):
            log.info("bridge: post=%s has no starter message to relay; not mirrored", thread.id)
            return None, set()
        original = snapshot(starter)
        plans = [plan for plan in plan_copies(bridge, thread.parent_id, detect_language(original.content))
                 if not plan.under_original and plan.channel.language != "mixed"]
        opened = await asyncio.gather(*(self._open_partner_post(thread, source, original, plan, source_member)
                                        for plan in plans))
        made = [partner for partner in opened if partner is not None]
        if not made:
            return None, {starter.id}
        pairing = await self.relay.store.threads.pair(source, made)
        log.info("bridge: post=%s paired with %s", thread.id, [partner.thread_id for partner in made])
        return pairing, {starter.id}

    async def _starter(self, thread: discord.Thread) -> discord.Message | None:
        """The post's starter message (its id is the thread's): as it arrives, else from Discord."""
        waiting = self._starters.get(thread.id)
        if waiting is not None:
            cached = thread.starter_message
            if cached is not None:
                return cached
            try:
                return await asyncio.wait_for(asyncio.shield(waiting), STARTER_WAIT_SECONDS)
            except TimeoutError:
                pass
        try:
            return await thread.fetch_message(thread.id)
        except discord.HTTPException as error:
            log.warning("bridge: the starter of post=%s cannot be read: %s", thread.id, error)
            return None

    async def _open_partner_post(self, thread: discord.Thread, source: PairedThread, original: OriginalMessage, plan,
                                 source_member: BridgeChannel) -> PairedThread | None:
        """Open the post in `plan.channel` (a partner forum) in that forum's lane, after the copies
        queued there before; a paused forum holds it until it resumes."""
        member: BridgeChannel = plan.channel
        opened: asyncio.Future[PairedThread | None] = asyncio.get_running_loop().create_future()

        async def prepare():
            try:
                prepared = await self.engine._prepare(original, plan)
                title = await self.partner_thread_name(thread.name, thread.guild.id, member)
                return prepared, title, await self._partner_tags(thread, source_member, member)
            except Exception as error:  # handed to deliver: the opener waits on `opened`
                return error

        async def deliver(ready) -> None:
            try:
                if isinstance(ready, Exception):
                    raise ready
                opened.set_result(await self._post(source, original, plan, *ready))
            except BaseException as error:
                if not opened.done():
                    opened.set_exception(error)
                raise

        self.engine.pipelines.submit(member.channel_id, prepare, deliver, label=f"open post {thread.id}")
        return await opened

    async def _partner_tags(self, thread: discord.Thread, source: BridgeChannel, partner: BridgeChannel,
                            forum: discord.ForumChannel | None = None) -> tuple[int, ...]:
        """The tags of `partner`'s forum (the partner channel itself, or `forum` when the partner is
        a post in it) for a post tagged as `thread` is."""
        if forum is None:
            forum = self.bot.get_channel(partner.channel_id)
        applied = [_tag(tag) for tag in thread.applied_tags]
        if forum is None:
            return ()
        requires_tag = forum.flags.require_tag
        if not applied and not requires_tag:
            return ()
        me = forum.guild.me
        can_moderate = me is not None and forum.permissions_for(me).manage_threads

        async def to_partner(name: str) -> str | None:
            return await self.partner_thread_name(name, thread.guild.id, partner)

        async def to_source(name: str) -> str | None:
            return await self.partner_thread_name(name, thread.guild.id, source)

        return tuple(await map_tags(applied, forum_tags_of(forum), to_partner_language=to_partner,
                                    to_source_language=to_source, can_moderate=can_moderate,
                                    requires_tag=requires_tag))

    # -- tags changed on a paired post ------------------------------------------------------------

    @commands.Cog.listener()
    async def on_thread_update(self, before: discord.Thread, after: discord.Thread) -> None:
        """A paired post was retagged: each partner post takes its forum's matching tags (as when it
        was opened; a tag that matches none is left off), after the copies queued before in its lane."""
        tags = frozenset(tag.id for tag in after.applied_tags)
        if tags == frozenset(tag.id for tag in before.applied_tags) or not self.bot.accepting_work:
            return
        if self._tags_came_back(after.id, tags):
            return
        opening = self._opening.get(after.id)
        if opening is not None:
            await asyncio.shield(opening)
        bridge = self.relay.store.bridge_of_cached(after.id)
        source = bridge.channel(after.id) if bridge is not None else None
        if source is None:
            return
        for member in bridge.channels:
            if member.channel_id != after.id:
                self._retag(after, source, member)

    def _tags_came_back(self, thread_id: int, tags: frozenset[int]) -> bool:
        given = self._tags_given.get(thread_id)
        if not given or tags not in given:
            return False
        given.remove(tags)
        if not given:
            del self._tags_given[thread_id]
        return True

    def _retag(self, thread: discord.Thread, source: BridgeChannel, member: BridgeChannel) -> None:
        async def prepare() -> tuple[int, ...] | None:
            partner = self.bot.get_channel(member.channel_id)
            if partner is None:  # discord.py forgets archived threads
                try:
                    partner = await self.bot.fetch_channel(member.channel_id)
                except discord.HTTPException as error:
                    log.warning("bridge: cannot read partner post=%s to retag it: %s", member.channel_id, error)
                    return None
            forum = getattr(partner, "parent", None)
            if not isinstance(partner, discord.Thread) or not isinstance(forum, discord.ForumChannel):
                return None
            tags = await self._partner_tags(thread, source, member, forum)
            return None if set(tags) == {tag.id for tag in partner.applied_tags} else tags

        async def deliver(tags: tuple[int, ...] | None) -> None:
            if tags is None:
                return
            outbox = self.engine.outboxes.get(member.channel_id)
            if outbox is not None:
                await outbox.wait_until_posted()
            await self._give_tags(member, tags)

        self.engine.pipelines.submit(member.channel_id, prepare, deliver, label=f"tags {member.channel_id}")

    async def _give_tags(self, member: BridgeChannel, tags: tuple[int, ...]) -> None:
        thread_id = member.channel_id
        wanted = frozenset(tags)
        self._tags_given.setdefault(thread_id, deque(maxlen=8)).append(wanted)
        body = {"applied_tags": [str(tag_id) for tag_id in tags]}
        try:
            await self.bot.http.edit_channel(thread_id, reason="Qiao bridge: partner post's tags", **body)
        except discord.HTTPException as error:
            self._tags_came_back(thread_id, wanted)
            log.warning("bridge: retagging partner post=%s failed: %s", thread_id, error)
            if isinstance(error, discord.Forbidden):
                await self._report_thread_problem(member)

    async def _post(self, source: PairedThread, original: OriginalMessage, plan, prepared, title: str,
                    tags: tuple[int, ...]) -> PairedThread | None:
        member: BridgeChannel = plan.channel
        forum_id = member.channel_id
        destination = Destination(member.guild_id, forum_id, post=NewPost(title, tags))
        username = webhook_username(original.author_name)
        while True:
            outbox = self.engine.outboxes.get(forum_id)
            if outbox is not None:
                await outbox.wait_until_resumed()
                await outbox.wait_until_posted()
            try:
                sent = await self.engine.delivery.send(destination, prepared.contents[0], username=username,
                                                       avatar_url=original.avatar_url)
                break
            except DestinationForbidden as error:
                # Paused like any destination (moderators told once); resumed by the permission recheck.
                await self.engine._delivery_failed(destination, error)
                self.engine.pause(forum_id)
            except DestinationGone as error:
                await self.engine._delivery_failed(destination, error)
                return None
            except DeliveryError as error:
                log.warning("bridge: opening a post in forum=%s failed: %s", forum_id, error)
                return None
        post_id = sent.message_id  # a post's starter has the thread's id
        # Someone may answer in the new post before the pairing is stored: held like the source's.
        self.engine.hold(post_id)
        self._partner_posts.setdefault(original.channel_id, []).append(post_id)
        if original.channel_id in self._opening:
            self._opening[post_id] = self._opening[original.channel_id]
        in_post = dataclasses.replace(member, channel_id=post_id, parent_id=forum_id)
        records = [self._copy_record(original, prepared, post_id, sent.message_id, sent.webhook_id, 0)]
        for part, content in enumerate(prepared.contents[1:], start=1):
            try:
                more = await self.engine.delivery.send(Destination.of(in_post), content, username=username,
                                                       avatar_url=original.avatar_url)
            except DeliveryError as error:
                log.warning("bridge: part %d of the starter of post=%s not posted: %s", part, post_id, error)
                break
            records.append(self._copy_record(original, prepared, post_id, more.message_id, more.webhook_id, part))
        await self.relay.store.record_copies(records)
        self.engine.stats.copies_posted += len(records)
        if not prepared.translated:
            self.engine._schedule_fill_in(original, dataclasses.replace(plan, channel=in_post))
        partner = PairedThread(post_id, forum_id, member.guild_id, title)
        # Paired as soon as it exists (a shutdown right after must not open a second one at start).
        await self.relay.store.threads.pair(source, [partner])
        return partner

    @staticmethod
    def _copy_record(original: OriginalMessage, prepared, post_id: int, message_id: int, webhook_id: int,
                     part: int) -> CopyRecord:
        return CopyRecord(
            original_message_id=original.message_id, original_channel_id=original.channel_id,
            guild_id=original.guild_id, author_id=original.author_id, copy_message_id=message_id,
            copy_channel_id=post_id, webhook_id=webhook_id, part=part, target_language=prepared.plan.translate_to,
            source_hash=prepared.source_hash, needs_translation=not prepared.translated,
        )

    # -- posts opened while Qiao was away -----------------------------------------------------

    async def open_missed_posts(self, window_minutes: int, linked_at: dict[int, datetime]) -> list[int]:
        """Posts of bridged forums opened within the catch-up window and not paired get their
        partner posts now; returns the posts paired (still held: the caller catches up their
        history, then releases them)."""
        if window_minutes <= 0:
            return []
        floor_ms = int((datetime.now(UTC) - timedelta(minutes=window_minutes)).timestamp() * 1000)
        posts = []
        for guild in self.bot.guilds:
            for thread in guild.threads:
                if self.relay.store.threads.is_paired(thread.id) or self.forum_member(thread) is None:
                    continue
                created_ms = snowflake_time_ms(thread.id)
                linked = linked_at.get(thread.parent_id)
                if created_ms < floor_ms or (linked is not None and created_ms < linked.timestamp() * 1000):
                    continue
                posts.append(thread)
        pairings = await asyncio.gather(*(self.open_partner_posts(thread, live=False) for thread in posts))
        return [thread.id for thread, pairing in zip(posts, pairings) if pairing is not None]

    # -- posts of mixed forums met on a message ----------------------------------------------

    async def forum_space_for(self, message: discord.Message) -> bool:
        """A post of a mixed forum not paired yet (opened before the forum became mixed, or while
        Qiao was away) becomes a pairing of one; True when the message is relayed."""
        channel = message.channel
        if not isinstance(channel, discord.Thread) or self.relay.store.threads.is_paired(channel.id):
            return False
        found = self.forum_member(channel)
        if found is None or found[0].kind != "mixed":
            return False
        await self.relay.store.threads.pair(PairedThread(channel.id, channel.parent_id, channel.guild.id, channel.name))
        return True
