"""Posts without a photo: a friendly reminder that pings the author only, removed after a while
(and the post removed too when the server chose so)."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.cattax.rules import PostVerdict, TextOnlyAction
from bot.cattax.store import CatTaxConfig
from bot.cattax.texts import reminder_text
from cogs.cattax.common import plain

log = logging.getLogger(__name__)

PROBLEM_REMOVAL = "cattax.manage_messages"


class Nudges:
    """Part of the CatTax cog: reminders under posts that do not pay the tax."""

    async def _answer_untaxed_post(self, message: discord.Message, config: CatTaxConfig, verdict: PostVerdict) -> None:
        removed = False
        if config.text_only_action is TextOnlyAction.REMOVE:
            removed = await self._remove(message)
        if not self.nudge_cooldown.ready(message.channel.id, message.author.id, config.nudge_cooldown_seconds):
            return
        nudge_text = reminder_text(self.bot.i18n, verdict.kind, plain(message.author.display_name), removed=removed)
        try:
            if removed:
                nudge = await message.channel.send(
                    f"{message.author.mention}\n{nudge_text}",
                    allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=[message.author]),
                )
            else:
                # A reply that pings its author only: the nudge must reach them, nobody else.
                nudge = await message.reply(
                    nudge_text,
                    mention_author=True,
                    allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=False, replied_user=True),
                )
        except discord.HTTPException as error:
            log.warning("cattax: could not nudge in channel=%s guild=%s: %s", message.channel.id, message.guild.id, error)
            return
        lifetime = config.nudge_lifetime_seconds
        self._delete_later(nudge, self.nudge_lifetime if lifetime is None else float(lifetime))

    async def _remove(self, message: discord.Message) -> bool:
        try:
            await message.delete()
        except discord.NotFound:
            return True
        except discord.Forbidden:
            await self.bot.moderator_notices.notify_once(
                message.guild, PROBLEM_REMOVAL, "cattax.notice.missing_manage_messages", channel=message.channel.mention
            )
            return False
        except discord.HTTPException as error:
            log.warning("cattax: could not remove message=%s guild=%s: %s", message.id, message.guild.id, error)
            return False
        self.bot.moderator_notices.forget(message.guild.id, PROBLEM_REMOVAL)
        return True

    def _delete_later(self, nudge: discord.Message, delay: float) -> None:
        task = asyncio.create_task(self._delete_after(nudge, delay), name=f"cattax-nudge-{nudge.id}")
        self._nudge_tasks.add(task)
        self._nudges_waiting[task] = nudge
        task.add_done_callback(self._nudge_task_done)

    def _nudge_task_done(self, task: asyncio.Task[None]) -> None:
        self._nudge_tasks.discard(task)
        self._nudges_waiting.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("cattax: deleting a nudge failed", exc_info=task.exception())

    async def _delete_after(self, nudge: discord.Message, delay: float) -> None:
        await asyncio.sleep(delay)
        self._nudges_waiting.pop(asyncio.current_task(), None)
        await self._delete_quietly(nudge)

    @staticmethod
    async def _delete_quietly(nudge: discord.Message) -> None:
        try:
            await nudge.delete()
        except discord.HTTPException as error:
            if not isinstance(error, discord.NotFound):
                log.warning("cattax: could not delete nudge=%s: %s", nudge.id, error)
