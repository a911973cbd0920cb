"""Paying the tax: a photo post gets a reaction, a bilingual welcome thread, a ledger line and,
once, the "tax paid" role; captions and the thread's conversation are translated (through the
bridge when it is loaded)."""

from __future__ import annotations

import logging

import discord

from bot.cattax.captions import translate_caption
from bot.cattax.rules import PostVerdict, fit_title
from bot.cattax.store import CatTaxConfig, Payment
from cogs.cattax.common import plain

log = logging.getLogger(__name__)

# Discord's error code when someone opened the thread first.
THREAD_ALREADY_EXISTS = 160004

# moderator_notices problem keys: one notice per server and problem.
PROBLEM_THREADS = "cattax.create_public_threads"
PROBLEM_REACTIONS = "cattax.add_reactions"
PROBLEM_ROLES = "cattax.manage_roles"
PROBLEM_ROLE_GONE = "cattax.role_gone"


class Payments:
    """Part of the CatTax cog: what happens to a post that pays the tax."""

    async def _collect_tax(self, message: discord.Message, config: CatTaxConfig, verdict: PostVerdict) -> None:
        guild = message.guild
        author = message.author
        name = author.display_name
        await self._react(message, config)
        thread = await self._open_thread(message, config, name)
        await self.store.record_payment(
            Payment(
                message_id=message.id,
                guild_id=guild.id,
                channel_id=message.channel.id,
                author_id=author.id,
                author_name=name,
                attachment_urls=tuple(attachment.url for attachment in verdict.media),
                created_at=message.created_at,
                thread_id=thread.id if thread else None,
            )
        )
        await self._grant_role_once(message, config)
        if thread is not None:
            await self._send_quietly(thread, self.bot.i18n.bilingual("cattax.thread.welcome", separator="\n", name=plain(name)))
            await self._relay_caption(message, thread)
        if config.thank_in_channel:
            await self._reply_quietly(message, self.bot.i18n.bilingual("cattax.thanks", separator="\n", name=plain(name)))

    async def _react(self, message: discord.Message, config: CatTaxConfig) -> None:
        try:
            await message.add_reaction(discord.PartialEmoji.from_str(config.emoji))
        except discord.Forbidden:
            await self.bot.moderator_notices.notify_once(
                message.guild, PROBLEM_REACTIONS, "cattax.notice.missing_reactions", channel=message.channel.mention
            )
        except discord.HTTPException as error:  # e.g. the custom emoji was deleted since setup
            log.warning("cattax: could not react with %s guild=%s: %s", config.emoji, message.guild.id, error)
        else:
            self.bot.moderator_notices.forget(message.guild.id, PROBLEM_REACTIONS)

    async def _open_thread(self, message: discord.Message, config: CatTaxConfig, name: str) -> discord.Thread | None:
        title = fit_title(lambda shown: self.bot.i18n.bilingual("cattax.thread.title", name=shown), name)
        try:
            thread = await message.create_thread(name=title, auto_archive_duration=config.archive_after_minutes)
        except discord.Forbidden:
            await self.bot.moderator_notices.notify_once(
                message.guild, PROBLEM_THREADS, "cattax.notice.missing_threads", channel=message.channel.mention
            )
            return None
        except discord.HTTPException as error:
            if error.code == THREAD_ALREADY_EXISTS:
                return message.guild.get_thread(message.id)
            log.warning("cattax: no thread for message=%s guild=%s: %s", message.id, message.guild.id, error)
            return None
        self.bot.moderator_notices.forget(message.guild.id, PROBLEM_THREADS)
        return thread

    async def _grant_role_once(self, message: discord.Message, config: CatTaxConfig) -> None:
        if config.role_id is None:
            return
        guild = message.guild
        role = guild.get_role(config.role_id)
        if role is None:
            await self.bot.moderator_notices.notify_once(guild, PROBLEM_ROLE_GONE, "cattax.notice.role_gone")
            return
        member = message.author if isinstance(message.author, discord.Member) else guild.get_member(message.author.id)
        if member is None:
            return
        claimed = await self.store.claim_role_grant(guild.id, member.id, role.id)
        if not claimed or member.get_role(role.id) is not None:
            return
        try:
            await member.add_roles(role, reason="Paid the cat tax (猫税)")
        except discord.HTTPException as error:
            await self.store.release_role_grant(guild.id, member.id, role.id)
            if isinstance(error, discord.Forbidden):
                await self.bot.moderator_notices.notify_once(
                    guild, PROBLEM_ROLES, "cattax.notice.missing_roles", role=role.mention
                )
            else:
                log.warning("cattax: could not grant role=%s guild=%s: %s", role.id, guild.id, error)
            return
        self.bot.moderator_notices.forget(guild.id, PROBLEM_ROLES)
        log.info("cattax: granted the tax-paid role guild=%s member=%s", guild.id, member.id)

    # ---- translation inside the threads -----------------------------------------------------------

    async def _relay_caption(self, message: discord.Message, thread: discord.Thread) -> None:
        if not await self._relay_through_bridge(message, thread):
            await self._post_own_translation(message, thread)

    async def _relay_conversation(self, message: discord.Message, thread: discord.Thread) -> None:
        if not await self._relay_through_bridge(message, thread):
            await self._post_own_translation(message, thread)

    async def _relay_through_bridge(self, message: discord.Message, thread: discord.Thread) -> bool:
        """INTEGRATION POINT with the bridge (`bot.bridge_relay`, None when the bridge cog is not loaded).

        Its `relay_mixed` posts the translation right under the message, in `thread`, under the
        author's name, as in a mixed bridge channel. Without the bridge, Qiao translates here itself.
        """
        bridge = getattr(self.bot, "bridge_relay", None)
        if bridge is None:
            return False
        try:
            await bridge.relay_mixed(message, thread=thread)
        except Exception:
            log.exception("cattax: the bridge could not relay message=%s; translating here instead", message.id)
            return False
        return True

    async def _post_own_translation(self, message: discord.Message, thread: discord.Thread) -> None:
        translation = await translate_caption(message.content, self.translator, message.guild.id)
        if translation is None:
            return
        reader_locale = "zh-CN" if translation.target.startswith("zh") else "en-US"
        text = self.bot.i18n.t(
            "cattax.caption.translated", reader_locale, name=plain(message.author.display_name), text=translation.text
        )
        await self._send_quietly(thread, text[:2000])

    async def _send_quietly(self, channel: discord.abc.Messageable, text: str) -> None:
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("cattax: could not post in channel=%s: %s", getattr(channel, "id", "?"), error)

    async def _reply_quietly(self, message: discord.Message, text: str) -> None:
        try:
            await message.reply(text, mention_author=False, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("cattax: could not thank in channel=%s: %s", message.channel.id, error)
