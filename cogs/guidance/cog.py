"""The Guidance cog: `/guidance` commands and the listeners that explain censored-on-Chinese-platforms terms.

It educates; it never censors: nothing is deleted, hidden or reported. A person whose message
contains a term gets a short private note in their language (or a plain reply, per server),
at most once per entry within the cooldown. Edited messages are checked again; the
same dedupe applies, so an edit only ever brings a note about a term the edit added.

The cog (here: loading, the two background loops); by concern: `noticing.py` (listeners, the
note to the author), `fallback_replies.py` (the public pointer when direct messages are closed,
and the "Why?" button), `browsing.py` (commands for everyone), `settings.py` (moderators),
`importing.py` (keyword lists), `views.py` (buttons). Notes are written in `bot/guidance/notes.py`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import timedelta

from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands, tasks

from bot.background import stop_loops
from bot.guidance.catalogue import Catalogue
from bot.guidance.matcher import MatcherCache
from bot.guidance.notes import NoteWriter
from bot.guidance.store import GuidanceStore, PendingRemoval
from bot.jobs import once_per_tick
from cogs.guidance.browsing import BrowsingCommands
from cogs.guidance.fallback_replies import FallbackReplies
from cogs.guidance.importing import ImportCommands
from cogs.guidance.noticing import Noticing
from cogs.guidance.settings import SettingsCommands
from cogs.guidance.views import WhyButton

log = logging.getLogger(__name__)

NOTICE_COOLDOWN = timedelta(hours=24)
FALLBACK_REPLY_SECONDS = 60.0
# How often stored fallback replies are checked for removal (the first pass runs at startup).
REMOVAL_SWEEP_SECONDS = 30.0
PRUNE_NOTICES_EVERY = timedelta(hours=6)


@app_commands.guild_only()
class Guidance(
    Noticing, FallbackReplies, BrowsingCommands, SettingsCommands, ImportCommands,
    commands.GroupCog,
    group_name=_("guidance", key="commands.guidance.name"),
    group_description=_(
        "Why some words are censored on Chinese platforms (Qiao only explains; it deletes nothing)",
        key="commands.guidance.description",
    ),
):
    def __init__(self, bot, *, catalogue: Catalogue | None = None) -> None:
        self.bot = bot
        self.catalogue = catalogue or Catalogue.load()
        self.store = GuidanceStore(bot.db)
        self.matchers = MatcherCache(self.catalogue)
        self.notes = NoteWriter(bot.i18n, self.catalogue)
        self.cooldown = NOTICE_COOLDOWN
        self.fallback_reply_seconds = FALLBACK_REPLY_SECONDS
        self._recent: OrderedDict[tuple[int, int, str], None] = OrderedDict()
        # Fallback replies waiting for their minute in this process, by message id.
        self._removals: dict[int, tuple[PendingRemoval, asyncio.Task[None]]] = {}
        # Replies this process has started to delete: neither a sweep that read the table just
        # before nor shutdown may delete them a second time.
        self._removing: OrderedDict[int, None] = OrderedDict()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(WhyButton)
        self.prune_notices.start()
        self.sweep_removals.change_interval(seconds=REMOVAL_SWEEP_SECONDS)
        self.sweep_removals.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(WhyButton)
        await stop_loops(self.prune_notices, self.sweep_removals)
        # A fallback pointer must not outlive its minute because the bot stopped: remove it now.
        # (Should this not finish, the stored row makes the next start remove it.)
        finishing, waiting = [], []
        for removal, task in list(self._removals.values()):
            if removal.message_id in self._removing:
                finishing.append(task)
            else:
                task.cancel()
                waiting.append(removal)
        jobs = finishing + [asyncio.create_task(self._remove(removal)) for removal in waiting]
        if jobs:
            await asyncio.wait(jobs, timeout=5)

    @tasks.loop(seconds=PRUNE_NOTICES_EVERY.total_seconds())
    async def prune_notices(self) -> None:
        # Every process ticks; one of them prunes the shared table each period.
        await self.bot.job_claims.once_per("prune-notice-cooldowns", once_per_tick(PRUNE_NOTICES_EVERY), self.prune_notices_now)

    async def prune_notices_now(self) -> int:
        removed = await self.store.prune_notices(self.cooldown)
        if removed:
            log.info("guidance: forgot %d expired notice cooldowns", removed)
        return removed

    @prune_notices.error
    async def _prune_failed(self, error: BaseException) -> None:
        log.error("guidance: pruning notice cooldowns failed", exc_info=error)

    @tasks.loop(seconds=REMOVAL_SWEEP_SECONDS)
    async def sweep_removals(self) -> None:
        """Take over stored fallback replies this process is not already timing: at startup,
        those a previous run left behind (removed at once when overdue), later any missed."""
        for removal in await self.store.pending_removals():
            if removal.message_id not in self._removals and removal.message_id not in self._removing:
                self._schedule_removal(removal)

    @sweep_removals.before_loop
    async def _before_sweep(self) -> None:
        await self.bot.wait_until_ready()

    @sweep_removals.error
    async def _sweep_failed(self, error: BaseException) -> None:
        log.error("guidance: sweeping fallback replies failed", exc_info=error)
