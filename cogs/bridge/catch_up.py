"""Catch-up after downtime: the gateway listeners that read history and relay what was missed, late.

Which messages count is planned in `bot/bridge/catch_up.py`; this part reads Discord's history.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

import aiohttp
import discord
import sqlalchemy as sa
from discord.ext import commands

from bot.bridge.catch_up import Candidate, HistoryPage, catch_up_after, plan_catch_up, snowflake_time_ms
from bot.bridge.deliver.retries import RetryPolicy
from bot.bridge.remember.bridge_tables import bridge_channels
from cogs.bridge.snapshot import snapshot

log = logging.getLogger(__name__)

# A gateway gap this long is caught up from history even when Discord resumed the session.
LONG_DISCONNECT_SECONDS = 60.0
CATCH_UP_ATTEMPTS = 5
CATCH_UP_RETRY = RetryPolicy()


class CatchUp:
    """Part of BridgeCog: catch-up on (re)connect, and history pages for copies a full outbox let go."""

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """discord.py fires on_ready after every fresh IDENTIFY: at start, and whenever Discord would
        not resume the session (Invalid Session, a session that timed out). Discord replays nothing
        then, so every bridged channel catches up from its high-water mark, as after a restart."""
        first = not self._caught_up
        self._caught_up = True
        self._session_ready = True
        self._disconnected_at = None
        self._catch_up_due = False
        await self._catch_up_logged("the bot was away" if first else "the gateway session was lost")

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """A server whose GUILD_CREATE came after on_ready (late, or back from an outage) was not
        caught up with the others (its channels were unknown then): it is now. Servers arriving
        together are caught up in one pass (thousands may come after a short ready timeout)."""
        if not self._session_ready:
            return
        self._late_guilds.add(guild.id)
        if len(self._late_guilds) == 1:
            await asyncio.sleep(0)  # let the GUILD_CREATEs already received join this pass
            async with self._catch_up_lock:
                guild_ids, self._late_guilds = self._late_guilds, set()
            await self._catch_up_logged(f"{len(guild_ids)} servers were unavailable", guild_ids=guild_ids)

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        """A fresh session (READY; not a RESUME): hold live messages back until the catch-up has
        read what was missed, so the gap is relayed first, in order, and the high-water mark does
        not jump over it."""
        for member in self.relay.store.all_channels():
            self.engine.hold(member.channel_id)
        self._catch_up_due = True
        self._session_ready = False

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        if self._disconnected_at is None:
            self._disconnected_at = time.monotonic()

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        """A RESUME replays what was missed; after a long gap catch up anyway (nothing is relayed twice)."""
        since, self._disconnected_at = self._disconnected_at, None
        due, self._catch_up_due = self._catch_up_due, False
        # `due`: a READY whose on_ready never came (dropped again before it) left messages held.
        if due or (since is not None and time.monotonic() - since >= LONG_DISCONNECT_SECONDS):
            await self._catch_up_logged("the gateway was disconnected")

    async def _catch_up_logged(self, why: str, *, guild_ids: set[int] | None = None) -> None:
        async with self._catch_up_lock:
            try:
                await self.refile_channels()
                relayed = await self.catch_up(guild_ids=guild_ids)
            except Exception:
                log.exception("bridge: catch-up after %s failed", why)
                return
        if relayed:
            log.info("bridge: relayed %d messages posted while %s", relayed, why)
        log.debug("bridge: caught up after %s", why)

    async def refile_channels(self) -> None:
        """Channels a second server added before each was filed under its own server get theirs back."""
        owners = {
            member.channel_id: channel.guild.id for member in self.relay.store.all_channels()
            if (channel := self.bot.get_channel(member.channel_id)) is not None and getattr(channel, "guild", None)
        }
        refiled = await self.relay.store.refile(owners)
        if refiled:
            log.info("bridge: %d channels filed under their own server", refiled)

    async def catch_up(self, *, guild_ids: set[int] | None = None) -> int:
        """Every bridged channel (of the servers `guild_ids` only, when given) is held (live
        messages wait) until its history was read."""
        members = [member for member in self.relay.store.all_channels()
                   if guild_ids is None or getattr(getattr(self.bot.get_channel(member.channel_id), "guild", None), "id", None) in guild_ids]
        if not members:
            return 0
        for member in members:
            self.engine.hold(member.channel_id)
        relayed = 0
        try:
            window = self.bot.settings.catch_up_window_minutes
            if window <= 0:
                return 0
            linked_at = await self._linked_at()
            for pairing in self.relay.store.threads.all_pairings():
                for thread in pairing.threads:
                    linked_at.setdefault(thread.thread_id, thread_started_at(thread.thread_id))
            for member in members:
                if self.bot.get_channel(member.channel_id) is not None:
                    relayed += await self._catch_up_channel_retrying(member.channel_id, window, linked_at.get(member.channel_id))
            # Threads started while away get their partners (on the copies of their starters, just
            # queued above), then their own history is caught up; they stay held until then.
            for thread_id in await self.open_missed_threads(window, linked_at):
                members.append(self.relay.store.bridge_of_cached(thread_id).channel(thread_id))
                relayed += await self._catch_up_channel_retrying(thread_id, window, thread_started_at(thread_id))
            # Forum posts opened while away, likewise (the partner post carries the starter's copy).
            for post_id in await self.open_missed_posts(window, linked_at):
                members.append(self.relay.store.bridge_of_cached(post_id).channel(post_id))
                relayed += await self._catch_up_channel_retrying(post_id, window, thread_started_at(post_id))
        finally:
            for member in members:
                self.engine.release(member.channel_id)
        return relayed

    async def _catch_up_channel_retrying(self, channel_id: int, window: int, linked_at: datetime | None) -> int:
        """Reading history may meet Discord's 5xx or a dropped connection too: retried a few times
        (live messages of the channel wait meanwhile), then given up with one warning."""
        for attempt in range(1, CATCH_UP_ATTEMPTS + 1):
            try:
                return await self._catch_up_channel(channel_id, window, linked_at)
            except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as error:
                status = getattr(error, "status", 0)
                transient = not isinstance(error, discord.HTTPException) or status == 429 or status >= 500
                if not transient or attempt == CATCH_UP_ATTEMPTS:
                    log.warning("bridge: cannot read history of channel=%s for catch-up: %s", channel_id, error)
                    return 0
                await asyncio.sleep(CATCH_UP_RETRY.delay(attempt))
        return 0

    async def _catch_up_channel(self, channel_id: int, window: int, linked_at: datetime | None) -> int:
        channel = self.bot.get_channel(channel_id)
        if isinstance(channel, discord.ForumChannel):
            # A forum (or media channel) holds no messages: its posts are caught up as threads.
            self.engine.release(channel_id)
            return 0
        after = catch_up_after(datetime.now(UTC), window, self.high_water.get(channel_id), linked_at)
        if nothing_after(channel, after):
            # No history request: one per channel would keep the live messages of a bot in
            # thousands of servers waiting for minutes (Discord answers ~50 requests a second).
            self.engine.release(channel_id)
            return 0
        messages = {
            message.id: message async for message in channel.history(limit=None, after=discord.Object(after), oldest_first=True)
            if self.relay.should_relay(message)
        }
        ids = list(messages)
        # Per original, the channels that already have its copy: a copy that waited for one
        # destination when the bot stopped is relayed there only.
        done_in: dict[int, set[int]] = {}
        for record in await self.relay.store.copies_of_many(ids):
            done_in.setdefault(record.original_message_id, set()).add(record.copy_channel_id)
        for line in await self.combined_posts.lines_of_originals(ids):
            done_in.setdefault(line.original_message_id, set()).add(line.copy_channel_id)
        held = self.engine.held_ids(channel_id) | self.engine.already_queued(set(ids))
        planned = plan_catch_up(
            [Candidate(message.id, message.author.id) for message in messages.values()],
            after=after, already_relayed=held, opted_out=self.optouts.is_opted_out,
        )
        enabled = await self.bot.guild_config.module_enabled(channel.guild.id, "bridge")
        relayed = sum(1 for message_id in planned if enabled and self.engine.relay_late(
            snapshot(messages[message_id]), done_in=done_in.get(message_id, set()),
        ))
        self.engine.release(channel_id)
        return relayed

    async def read_history(self, channel_id: int, after: int, limit: int) -> HistoryPage:
        """A page of a source channel's history for copies a full outbox let go."""
        channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        messages = [message async for message in channel.history(limit=limit, after=discord.Object(after), oldest_first=True)]
        return HistoryPage(
            [snapshot(message) for message in messages if self.relay.should_relay(message)],
            messages[-1].id if messages else None, len(messages) < limit,
        )

    async def _linked_at(self) -> dict[int, datetime]:
        async with self.bot.db.connect() as connection:
            rows = await connection.execute(sa.select(bridge_channels.c.channel_id, bridge_channels.c.created_at))
            return {row.channel_id: _aware(row.created_at) for row in rows}



def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def thread_started_at(thread_id: int) -> datetime:
    """A thread's messages are caught up from its own start (its id's time)."""
    return datetime.fromtimestamp(snowflake_time_ms(thread_id) / 1000, UTC)


def nothing_after(channel, after: int) -> bool:
    """Whether Discord says the channel has no message newer than `after`: its last message id
    (kept current by every message since; None when nothing was ever posted in it) is not newer."""
    if not isinstance(channel, (discord.TextChannel, discord.Thread, discord.VoiceChannel, discord.StageChannel)):
        return False
    return channel.last_message_id is None or channel.last_message_id <= after
