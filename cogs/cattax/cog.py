"""Cat tax (猫税): pet photos in one channel become bilingual welcome threads.

Thin: Discord events and commands in, calls on `bot.cattax` (rules, storage) and the bridge out.
This module holds the cog and its listeners; commands by concern in `settings.py` and
`leaderboard.py`; what a post leads to in `payments.py` (a photo) and `nudges.py` (no photo).

Choices made here: a nudge replies to the post and pings its author only (never roles or
@everyone), at most once per person per two minutes, and is deleted after 90 seconds (moderators
may choose 1-60 minutes and 15-600 seconds in /cattax options: how chatty a channel is differs
per server, and the bounds keep a nudge readable yet never lingering);
the leaderboard and /cattax random answer publicly (they are for fun) with names as plain text;
the "tax paid" role is granted once per member and role, even if moderators later remove it.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.bridge.translate import MessageTranslator
from bot.cattax.rules import DEFAULT_NUDGE_LIFETIME_SECONDS, AttachmentInfo, NudgeCooldown, classify_post
from bot.cattax.store import CatTaxStore
from bot.listeners import only_if, people_only
from cogs.cattax.common import MODULE
from cogs.cattax.leaderboard import LeaderboardCommands
from cogs.cattax.nudges import Nudges
from cogs.cattax.payments import Payments
from cogs.cattax.settings import SettingsCommands

log = logging.getLogger(__name__)

# How long shutdown waits for reminders still to be deleted.
UNLOAD_DELETE_TIMEOUT = 5.0


class CatTax(
    SettingsCommands, LeaderboardCommands, Payments, Nudges,
    commands.GroupCog,
    group_name=_("cattax", key="commands.cattax.name"),
    group_description=_("Cat tax: pet photos that welcome newcomers", key="commands.cattax.description"),
):
    # How long a nudge stays before Qiao deletes it unless the server chose otherwise (tests shorten it).
    nudge_lifetime: float = float(DEFAULT_NUDGE_LIFETIME_SECONDS)

    def __init__(self, bot) -> None:
        self.bot = bot
        self.store = CatTaxStore(bot.db)
        self.nudge_cooldown = NudgeCooldown()
        self.translator = MessageTranslator(bot.translation)
        self._nudge_tasks: set[asyncio.Task[None]] = set()
        self._nudges_waiting: dict[asyncio.Task[None], discord.Message] = {}  # deletion not started yet

    async def cog_unload(self) -> None:
        waiting = list(self._nudges_waiting.values())
        for task in list(self._nudge_tasks):
            task.cancel()
        await asyncio.gather(*self._nudge_tasks, return_exceptions=True)
        # A nudge must not outlive the bot that would have removed it, but shutdown must stay quick.
        if waiting:
            await asyncio.wait(
                [asyncio.create_task(self._delete_quietly(nudge)) for nudge in waiting], timeout=UNLOAD_DELETE_TIMEOUT
            )

    # ---- events --------------------------------------------------------------------------------

    @commands.Cog.listener()
    @people_only
    @only_if(lambda cog, message: message.guild is not None and cog.store.may_be_cat_tax_channel(
        message.guild.id, message.channel.id, getattr(message.channel, "parent_id", None)))
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply) or not self.bot.accepting_work:
            return
        config = await self.store.config(message.guild.id)
        if config is None:
            return
        channel = message.channel
        in_thread = isinstance(channel, discord.Thread) and channel.parent_id == config.channel_id
        if channel.id != config.channel_id and not in_thread:
            return
        if not await self.bot.guild_config.module_enabled(message.guild.id, MODULE):
            return
        if in_thread:
            await self._relay_conversation(message, channel)
            return
        verdict = classify_post(
            AttachmentInfo(attachment.filename, attachment.content_type, attachment.size, attachment.url)
            for attachment in message.attachments
        )
        if verdict.is_tax:
            await self._collect_tax(message, config, verdict)
        else:
            await self._answer_untaxed_post(message, config, verdict)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._forget_deleted(payload.guild_id, payload.channel_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._forget_deleted(payload.guild_id, payload.channel_id, list(payload.message_ids))

    async def _forget_deleted(self, guild_id: int | None, channel_id: int, message_ids: list[int]) -> None:
        # Any channel that ever held a payment, not only today's cat-tax channel: moving the
        # channel (or turning cat tax off) must not make old posts undeletable from the ledger.
        if guild_id is None or channel_id not in await self.store.payment_channels(guild_id):
            return
        # The role a deleted post earned stays: taking it back would punish tidying up.
        removed = await self.store.remove_payments(message_ids, guild_id=guild_id)
        if removed:
            log.info("cattax: forgot %d payment(s) for deleted posts guild=%s", removed, guild_id)
