"""Topic rooms: one private-by-default text channel per everyday-life topic.

Members opt in with `/topics join` (a member permission overwrite), so their channel list only
shows the rooms they chose. Each room is a mixed bridge channel: the bridge posts every
message's translation under it. Rules and storage live in `bot.topics`; this cog turns
commands into calls on `TopicService` and its results into Discord channels and messages.
This module holds the cog, its icebreaker scheduler and the activity listener.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.listeners import only_if, people_only
from bot.topics import TopicService
from bot.topics.cooldown import RoomCooldown
from cogs.topics.icebreakers import IcebreakerCommands
from cogs.topics.membership import MembershipCommands
from cogs.topics.rooms import RoomCommands

log = logging.getLogger(__name__)

SCHEDULER_INTERVAL_SECONDS = 30.0
PROMPT_COOLDOWN_SECONDS = 600.0


class Topics(
    RoomCommands, IcebreakerCommands, MembershipCommands,
    commands.GroupCog,
    group_name=_("topics", key="commands.topics.name"),
    group_description=_("Topic rooms: compare everyday life across the language gap", key="commands.topics.description"),
):
    def __init__(self, bot) -> None:
        self.bot = bot
        self.service = TopicService(bot.db, poster=self.post_prompt_in_room)
        # Moderators may post as many prompts as they like; members one per room every ten minutes.
        self.prompt_cooldown = RoomCooldown(PROMPT_COOLDOWN_SECONDS)
        self._scheduler: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._scheduler = asyncio.create_task(self._run_scheduler(), name="topics-icebreakers")

    async def cog_unload(self) -> None:
        if self._scheduler is not None:
            self._scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler
            self._scheduler = None

    async def _run_scheduler(self) -> None:
        await self.bot.wait_until_ready()
        try:
            await self.make_rooms_bilingual()
        except Exception:
            log.exception("could not make the topic rooms bilingual at startup")
        while self.bot.accepting_work:
            try:
                await self.service.run_due(guild_ids={guild.id for guild in self.bot.guilds})
            except Exception:
                log.exception("icebreaker scheduler pass failed; trying again in %ss", SCHEDULER_INTERVAL_SECONDS)
            await asyncio.sleep(SCHEDULER_INTERVAL_SECONDS)

    @commands.Cog.listener()
    @people_only
    @only_if(lambda cog, message: message.guild is not None and cog.service.may_be_room(message.channel.id))
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        topic = await self.service.topic_for_channel(message.channel.id)
        if topic is not None and not topic.archived:
            await self.service.record_message(topic, message.created_at)
