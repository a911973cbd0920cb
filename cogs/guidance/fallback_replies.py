"""When a person's direct messages are closed: a short public pointer whose "Why?" button shows the
note privately, removed again after a minute (also across a restart: the removal is stored)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

import discord

from bot.guidance.store import PendingRemoval
from bot.personal_language import reader_locale
from cogs.guidance.noticing import RECENT_NOTICES
from cogs.guidance.views import WhyButton

log = logging.getLogger(__name__)

# A fallback reply claimed by one process is left to it this long (its delete has long ended by then).
REMOVAL_CLAIM_SECONDS = 300.0


class FallbackReplies:
    """Part of the Guidance cog: fallback replies, their removal, and the "Why?" button's answer."""

    async def _fallback_reply(self, message: discord.PartialMessage, author_id: int, entry_ids: list[str], locale: str) -> None:
        """DMs are closed: a short public pointer whose button shows the note privately, removed
        again after a minute. Only Qiao's own reply is ever deleted."""
        view = discord.ui.View(timeout=None)
        view.add_item(WhyButton(entry_ids, label=self.bot.i18n.bilingual("guidance.fallback.button")))
        try:
            reply = await message.reply(
                self.bot.i18n.t("guidance.fallback.reply", locale, mention=f"<@{author_id}>"),
                view=view,
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(author_id)], replied_user=False),
            )
        except discord.HTTPException as error:
            log.info("guidance: could not post the fallback reply in channel=%s: %s", message.channel.id, error)
            return
        removal = PendingRemoval(
            reply.id, reply.channel.id, datetime.now(UTC) + timedelta(seconds=self.fallback_reply_seconds)
        )
        self._schedule_removal(removal, store=True)

    def _schedule_removal(self, removal: PendingRemoval, *, store: bool = False) -> None:
        # Registered before any await, so a sweep running meanwhile never times it a second time.
        task = asyncio.create_task(self._remove_later(removal, store), name=f"guidance-remove-{removal.message_id}")
        self._removals[removal.message_id] = (removal, task)
        task.add_done_callback(lambda _done: self._removals.pop(removal.message_id, None))

    async def _remove_later(self, removal: PendingRemoval, store: bool) -> None:
        if store:  # so a restart before the minute is up still removes it
            await self.store.schedule_removal(removal.message_id, removal.channel_id, removal.delete_at)
        await asyncio.sleep(max(0.0, (removal.delete_at - datetime.now(UTC)).total_seconds()))
        await self._remove(removal)

    async def _remove(self, removal: PendingRemoval) -> None:
        """Remove a fallback reply in one process only: every process's sweep times the stored
        replies, so with several processes the first to claim the reply removes it."""
        claim = self.bot.job_claims.lease(f"guidance-removal:{removal.message_id}", ttl=REMOVAL_CLAIM_SECONDS)
        try:
            claimed = await claim.acquire()
        except Exception as error:  # Redis unreachable: a second delete is harmless (Discord says it is gone)
            log.warning("guidance: cannot claim fallback reply %s (%s: %s); removing it anyway",
                        removal.message_id, type(error).__name__, error)
            claimed = True
        if not claimed:
            return  # another process removes it
        if not await self._remove_here(removal):
            with contextlib.suppress(Exception):
                await claim.release()  # the next sweep, in whichever process, tries again

    async def _remove_here(self, removal: PendingRemoval) -> bool:
        """Delete one of Qiao's own fallback replies and forget it; a passing failure (Discord
        down) leaves it stored for the next sweep (False)."""
        self._removing[removal.message_id] = None
        while len(self._removing) > RECENT_NOTICES:
            self._removing.popitem(last=False)
        reply = self.bot.get_partial_messageable(removal.channel_id).get_partial_message(removal.message_id)
        try:
            await reply.delete()
        except (discord.NotFound, discord.Forbidden) as error:
            if isinstance(error, discord.Forbidden):
                log.info("guidance: not allowed to remove fallback reply %s: %s", removal.message_id, error)
        except discord.HTTPException as error:
            log.info("guidance: could not remove fallback reply %s: %s", removal.message_id, error)
            self._removing.pop(removal.message_id, None)  # the next sweep tries again
            return False
        await self.store.forget_removal(removal.message_id)
        return True

    async def explain_privately(self, interaction: discord.Interaction, entry_ids: list[str]) -> None:
        """The "Why?" button: the note, only for whoever pressed it, in their language."""
        matcher = await self._matcher(interaction.guild_id)
        known = {entry.id: entry for entry in matcher.entries}
        entries = [known[entry_id] for entry_id in entry_ids if entry_id in known]
        if not entries:
            text = self.bot.i18n.t("guidance.why.gone", reader_locale(interaction))
        else:
            text = self.notes.why(entries, reader_locale(interaction))
        await interaction.response.send_message(text, ephemeral=True, suppress_embeds=True)
