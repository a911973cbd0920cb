"""The bridge cog: builds the relay engine and its services, and the gateway listeners that feed it.

Commands by concern: `links.py` (link, mixed, unlink, list, settings), `invites.py`, `optout.py`,
`glossary.py`, `stats.py`, `translate_menu.py`; listeners for `catch_up.py`, `paused.py`, `threads.py`."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands, tasks

from bot.background import stop_loops
from bot.bridge.catch_up import HighWaterMarks
from bot.bridge.deliver.pacing import SlidingWindowLimiter
from bot.bridge.engine import RelayEngine
from bot.bridge.fill_ins import FillInLoop, StoredFillIns
from bot.bridge.glossary import Glossaries, GlossaryTranslator
from bot.bridge.handover import SharedChanges, handover_for
from bot.bridge.invites import InviteBook
from bot.bridge.models import OriginalMessage
from bot.bridge.optout import OptOuts
from bot.bridge.remember.combined_posts import CombinedPosts
from bot.bridge.stats import RelayDays
from bot.jobs import once_per_tick
from bot.listeners import not_for_own_copies
from bot.learning.notes import SlangNotes
from cogs.bridge.catch_up import CatchUp
from cogs.bridge.glossary import GlossaryCommands
from cogs.bridge.invites import Invites
from cogs.bridge.links import Links
from cogs.bridge.optout import OptOut
from cogs.bridge.paused import PausedDestinations
from cogs.bridge.service import BridgeRelay, ModeratorProblems, build_labels
from cogs.bridge.snapshot import snapshot
from cogs.bridge.forum_posts import ForumPosts
from cogs.bridge.stats import Stats
from cogs.bridge.threads import ThreadMirroring
from cogs.bridge.translate_menu import TRANSLATE_PER_MINUTE, TranslateMenu

log = logging.getLogger(__name__)

PRUNE_EVERY_HOURS = 6
# The fill-in passes' job (one process at a time) and what other processes tell its holder.
FILL_IN_JOB = "bridge-fill-ins"
SOON, NOW = "soon", "now"


# No group-wide default permissions: /bridge optout, optin and glossary list are for everyone;
# every moderator command carries its own `moderator_only()` check.
@app_commands.guild_only()
class BridgeCog(
    Links, Invites, OptOut, GlossaryCommands, Stats, TranslateMenu, CatchUp, PausedDestinations, ThreadMirroring,
    ForumPosts, commands.GroupCog,
    group_name=_("bridge", key="commands.bridge.name"),
    group_description=_("Relay translated copies between English and Chinese channels", key="commands.bridge.description"),
):
    def __init__(self, bot) -> None:
        self.bot = bot
        self.relay = BridgeRelay(bot)
        self.problems = ModeratorProblems(bot, self.relay)
        self.threads_init()
        self.forum_posts_init()
        self.combined_posts = CombinedPosts(bot.db)
        self.optouts = OptOuts(bot.db)
        self.glossaries = Glossaries(bot.db)
        self.relay_days = RelayDays(bot.db)
        self.high_water = HighWaterMarks(bot.db)
        self.invites = InviteBook(bot.db)
        self.translate_limiter = SlidingWindowLimiter(TRANSLATE_PER_MINUTE, 60)
        self.glossary_translator = GlossaryTranslator(bot.translation, self.glossaries)
        self._caught_up = False
        self._catch_up_lock = asyncio.Lock()
        self._disconnected_at: float | None = None
        self._catch_up_due = False
        # Channel id -> the permissions last seen (or shown at link time) missing there.
        self._permissions_known: dict[int, tuple[str, ...]] = {}
        self._session_ready = False  # on_ready came for the current gateway session
        self._late_guilds: set[int] = set()  # servers available after on_ready, to catch up
        # One process among several (SHARD_IDS): other servers' copies are handed to their process.
        handover = handover_for(bot.settings, getattr(bot, "redis", None))
        self.engine = RelayEngine(
            self.relay.store, self.glossary_translator, self.relay.sender, build_labels(bot.i18n), self.problems,
            handover=handover,
            combined_posts=self.combined_posts, optouts=self.optouts, relay_days=self.relay_days,
            high_water=self.high_water, late_marker="-# ⏱ " + bot.i18n.bilingual("bridge.label.late"),
            on_translated=lambda original, text: bot.dispatch("qiao_relay_translated", original, text),
        )
        self.relay.attach(self.engine)
        self.relay.sender.reopen_thread = self.reopened
        self.stored_fill_ins = StoredFillIns(
            self.engine, self.fetch_original,
            retention=lambda: timedelta(days=bot.settings.message_map_retention_days),
        )
        self.fill_in_loop = FillInLoop(self.stored_fill_ins)
        self.engine.on_left_untranslated = lambda: self._fill_ins_wanted(SOON)
        self.engine.on_translations_back = lambda: self._fill_ins_wanted(NOW)
        self._nudged: dict[str, float] = {}
        self._nudging: set[asyncio.Task] = set()
        if getattr(bot, "metrics", None) is not None:
            self.engine.on_lags = bot.metrics.observe_lags_ms
        self._fill_in_task: asyncio.Task[None] | None = None
        self.fill_in_leader = None  # bot.jobs.LeaderJob once the bot is ready

    async def cog_load(self) -> None:
        await self.relay.store.load()
        self.slang_notes = SlangNotes(self.bot.db, glossary=self.glossaries.entries)
        await asyncio.gather(self.optouts.load(), self.glossaries.load(), self.high_water.load(), self.slang_notes.load())
        self.engine.slang_notes = self.slang_notes
        self.engine.read_history = self.read_history
        # Also a user app: a person who adds Qiao to their account uses it in DMs, group DMs and servers
        # without Qiao. Then there is no server configuration, only the message Discord sends along.
        self.translate_menu = app_commands.ContextMenu(
            name=_("Translate", key="commands.bridge.translate_menu.name"), callback=self.translate_message,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
        )
        self.bot.tree.add_command(self.translate_menu)
        self.flush_counters.start()
        self.probe_paused.start()
        self.bot.bridge_relay = self.relay
        self.prune_message_map.start()
        self._fill_in_task = asyncio.create_task(self._fill_in_translations(), name="bridge-fill-ins")
        await self._link_processes()

    async def _link_processes(self) -> None:
        """One process among several: hear of bridges, opt-outs, glossaries and slang-note switches
        another changed, and hand copies over."""
        handover = self.engine.handover
        if handover is None:
            return
        store = self.relay.store
        changes = self.shared_changes = SharedChanges(self.bot.redis, prefix=self.bot.settings.redis_key_prefix)
        changes.watch(store, ("create_bridge", "add_channel", "update_channel", "refile", "remove_channel"), "bridges")
        changes.watch(store.threads, ("pair", "renamed", "forget", "forget_parent"), "bridges")
        changes.watch(self.optouts, ("opt_out", "opt_in"), "optouts")
        # A copy is translated where it is posted, with the glossary of the original's server.
        changes.watch(self.glossaries, ("add", "remove"), "glossaries")
        changes.on("glossaries", self.glossaries.load)
        # A channel's slang notes switched off (or on again) in one process: every process annotates.
        changes.watch(self.slang_notes, ("set_enabled",), "slang-notes")
        changes.on("slang-notes", self.slang_notes.load)
        async def reload_bridges() -> str:
            await store.load()
            return f"{sum(1 for _ in store.registered_channels())} bridged channels"

        changes.on("bridges", reload_bridges)
        changes.on("optouts", self.optouts.load)
        await changes.start()
        handover.start_sending()
        self._handover_task = asyncio.create_task(self._read_handovers(handover), name="bridge-handover")

    async def _read_handovers(self, handover) -> None:
        # Copies handed to this process are posted once its servers (and their channels) are known.
        await self.bot.wait_until_ready()
        await handover.start_reading(self.engine.accept)

    async def cog_unload(self) -> None:
        await stop_loops(self.prune_message_map)
        if self._fill_in_task is not None:
            self._fill_in_task.cancel()
            await asyncio.gather(self._fill_in_task, return_exceptions=True)
        for nudge in list(self._nudging):
            nudge.cancel()
        handover = self.engine.handover
        if handover is not None:
            self._handover_task.cancel()
            await asyncio.gather(self._handover_task, return_exceptions=True)
            await handover.stop_reading()
        await stop_loops(self.flush_counters, self.probe_paused)
        self.bot.tree.remove_command(self.translate_menu.name, type=self.translate_menu.type)
        if getattr(self.bot, "bridge_relay", None) is self.relay:
            self.bot.bridge_relay = None
        await self.threads_unload()
        drain_seconds = self.bot.bridge_drain_seconds
        drained = await self.engine.drain(drain_seconds)
        waiting = self.engine.waiting()
        if not drained or waiting.total:
            log.warning("bridge: %d copies still waiting after %.0f s (%s); dropping them",
                        waiting.total, drain_seconds, waiting.describe())
        if handover is not None:
            await handover.close()
            await self.shared_changes.close()
        await self.engine.close()

    @tasks.loop(hours=PRUNE_EVERY_HOURS)
    async def prune_message_map(self) -> None:
        # Every process ticks; one of them prunes the shared tables each period.
        await self.bot.job_claims.once_per("prune-message-map", once_per_tick(timedelta(hours=PRUNE_EVERY_HOURS)),
                                           self.prune_old_rows)

    async def prune_old_rows(self) -> int:
        """Every per-message table (copies, lines of combined posts) keeps the same retention."""
        days = self.bot.settings.message_map_retention_days
        removed = await self.relay.store.prune(days) + await self.combined_posts.prune(days)
        if removed:
            log.info("bridge: pruned %d old message-map rows", removed)
        return removed

    @prune_message_map.error
    async def _prune_failed(self, error: BaseException) -> None:
        log.error("bridge: pruning the message map failed", exc_info=error)

    async def _fill_in_translations(self) -> None:
        """Copies left untranslated by a provider outage, also before a restart (first pass once ready).
        One process at a time runs the passes (they read every server's untranslated copies): the
        holder of the fill-in lease, taken over by another process should it die."""
        await self.bot.wait_until_ready()
        self.fill_in_leader = self.bot.job_claims.leader(FILL_IN_JOB, self.fill_in_loop.run, on_nudge=self._fill_ins_wanted)
        await self.fill_in_leader.run()

    def _fill_ins_wanted(self, when: str) -> None:
        """Copies were left untranslated (SOON), or translations work again (NOW): here, or in another
        process that nudged this one. Told to this process's loop; when another process holds the
        fill-in lease, it is nudged too (at most once a second for each)."""
        if when == NOW:
            self.fill_in_loop.translations_work_again()
        else:
            self.fill_in_loop.copies_left_untranslated()
        leader = self.fill_in_leader
        if leader is None or leader.holding or not self.bot.job_claims.shared:
            return
        now = time.monotonic()
        if now - self._nudged.get(when, float("-inf")) < 1.0:
            return
        self._nudged[when] = now
        task = asyncio.create_task(self.bot.job_claims.nudge(FILL_IN_JOB, when), name="bridge-fill-ins-nudge")
        self._nudging.add(task)
        task.add_done_callback(self._nudging.discard)

    async def fetch_original(self, channel_id: int, message_id: int) -> OriginalMessage | None:
        """The original as it is now; None when it was deleted or is no longer relayed."""
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            message = await channel.fetch_message(message_id)
        except discord.NotFound:
            return None
        if not self.relay.should_relay(message):
            return None
        return snapshot(message)

    # -- listeners --------------------------------------------------------------------------

    async def _bridge_enabled(self, guild_id: int) -> bool:
        return await self.bot.guild_config.module_enabled(guild_id, "bridge")

    @commands.Cog.listener()
    @not_for_own_copies
    async def on_message(self, message: discord.Message) -> None:
        self.forum_starter_seen(message)
        if not self.bot.accepting_work:
            return
        if (not self.is_relayed_space(message.channel.id) and not await self.thread_space_for(message)
                and not await self.forum_space_for(message)):
            return
        if not self.relay.should_relay(message) or not await self._bridge_enabled(message.guild.id):
            return
        self.message_while_opening(message.channel.id)
        self.engine.relay(snapshot(message))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        await self.opened(payload.channel_id)
        relayed_here = self.relay.is_bridged(payload.channel_id) or self.engine.relays_into(payload.channel_id)
        if not self.bot.accepting_work or not relayed_here:
            return
        message = payload.message
        if not self.relay.should_relay(message) or not await self._bridge_enabled(message.guild.id):
            return
        await self.engine.edit(snapshot(message))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.opened(payload.channel_id)
        if self.relay.is_bridged(payload.channel_id) or self.engine.relays_into(payload.channel_id):
            await self.engine.delete([payload.message_id], payload.channel_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self.opened(payload.channel_id)
        if self.relay.is_bridged(payload.channel_id) or self.engine.relays_into(payload.channel_id):
            await self.engine.delete(sorted(payload.message_ids), payload.channel_id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self._channel_gone(channel.guild, channel.id)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is not None:
            await self._channel_gone(guild, payload.thread_id)

    async def _channel_gone(self, guild: discord.Guild, channel_id: int) -> None:
        if self.relay.store.threads.is_paired(channel_id):
            await self.thread_deleted(channel_id)
            return
        if not self.relay.is_bridged(channel_id):
            return
        await self.relay.unregister(channel_id)
        await self.bot.moderator_notices.notify_once(
            guild, f"bridge.deleted.{channel_id}", "bridge.notice.channel_deleted", channel_id=channel_id
        )
