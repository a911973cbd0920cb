"""Noticing: a message (or its translation, or an edit) that names a term gets a short note to its
author, in their language, at most once per entry within the cooldown; it educates, it never
censors (nothing is deleted, hidden or reported)."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.bridge.models import OriginalMessage
from bot.forget import is_forget_request
from bot.guidance.languages import note_locale
from bot.guidance.matcher import GuidanceMatcher
from bot.guidance.notes import Noticed, notice_key
from bot.i18n import resolve_locale
from bot.listeners import people_only
from bot.pipeline.detect import detect_language

log = logging.getLogger(__name__)

NOTICE_REACTION = "💡"
# How many (message, person, entry) triples to remember so the original and its translated
# copy never produce two notes about one message.
RECENT_NOTICES = 4096


class Noticing:
    """Part of the Guidance cog: the listeners and the note to a message's author."""

    @commands.Cog.listener()
    @people_only
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.webhook_id is not None or message.author.bot:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        await self.consider(message.guild, message.channel.id, message.id, message.author.id, message.content,
                            language_of=message.content)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit may add a term. The dedupe per (message, person, entry) and the cooldown make
        sure a term already explained is not explained again."""
        message = payload.message
        if message.guild is None or message.webhook_id is not None or message.author.bot:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        before = payload.cached_message
        if "content" not in payload.data or (before is not None and before.content == message.content):
            return  # e.g. Discord adding a link preview: the text did not change
        await self.consider(message.guild, message.channel.id, message.id, message.author.id, message.content,
                            language_of=message.content)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Remember the person's Discord locale: their private notes are then in their language."""
        if interaction.user.bot or not self.bot.accepting_work:
            return
        data = interaction.data or {}
        if is_forget_request(data.get("custom_id"), interaction.command.qualified_name if interaction.command else None):
            return
        try:
            await self.store.remember_locale(interaction.user.id, interaction.locale.value)
        except Exception:  # a lost preference must never break the command it came with
            log.exception("guidance: could not remember the locale of user=%s", interaction.user.id)

    async def person_forgotten(self, user_id: int, guild_id: int | None) -> None:
        """`/qiao forget-me` deleted the person's rows: drop what memory holds about them."""
        self.store.forget_cached(user_id)

    @commands.Cog.listener()
    async def on_qiao_relay_translated(self, original: OriginalMessage, translated_text: str) -> None:
        """The bridge translated a message: the translation may name a topic the original
        only hinted at. Same person, same message, so the same dedupe applies."""
        guild = self.bot.get_guild(original.guild_id)
        member = guild.get_member(original.author_id) if guild else None
        if guild is None or (member is not None and member.bot):
            return
        await self.consider(guild, original.channel_id, original.message_id, original.author_id, translated_text,
                            language_of=original.content)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.store.forget(guild.id)
        self.matchers.forget(guild.id)

    async def consider(
        self, guild: discord.Guild, channel_id: int, message_id: int, author_id: int, text: str, *, language_of: str
    ) -> None:
        """Explain what `text` (a message, or its translation) contains to its author."""
        if not self.bot.accepting_work or not text.strip():
            return
        if not await self.bot.guild_config.module_enabled(guild.id, "guidance"):
            return
        state = await self.store.guild(guild.id)
        if state.mode == "off" or author_id in state.muted_user_ids:
            return
        matcher = self.matchers.matcher_for(guild.id, state.config)
        matches = matcher.find(text)
        message = self._partial_message(channel_id, message_id) if matches else None
        if message is None:
            return
        entries = {entry.id: entry for entry in matcher.entries}
        fresh = [m for m in matches if await self._first_notice(guild.id, message_id, author_id, notice_key(m))]
        if not fresh:
            return
        noticed = [Noticed.of(entries[m.entry_id], m, text) for m in fresh]
        link = f"https://discord.com/channels/{guild.id}/{channel_id}/{message_id}"
        if state.mode == "reply":
            # Public: in the language of the message, which is what the channel reads.
            locale = await self._reader_locale(guild, language_of)
            await self._reply(message, self.notes.note(noticed, locale, link=link, muting_hint=False))
            return
        locale = await self._reader_locale(guild, language_of, reader_id=author_id)
        await self._react(message)
        note = self.notes.note(noticed, locale, link=link, muting_hint=True)
        if not await self._direct_message(guild, author_id, note):
            await self._fallback_reply(message, author_id, [n.entry.id for n in noticed], locale)

    async def _first_notice(self, guild_id: int, message_id: int, author_id: int, key: str) -> bool:
        recent = (message_id, author_id, key)
        if recent in self._recent:
            return False
        self._recent[recent] = None
        if len(self._recent) > RECENT_NOTICES:
            self._recent.popitem(last=False)
        return await self.store.claim_notice(guild_id, author_id, key, cooldown=self.cooldown)

    async def _reader_locale(self, guild: discord.Guild, text: str, *, reader_id: int | None = None) -> str:
        """There is no interaction locale for a message: the language the reader chose with
        /language; else the reader's Discord locale from their last interaction, when known; else a Chinese message gets a Chinese note (Traditional if
        written in Traditional), an English one English; anything else the server's configured
        locale, then its Discord community locale."""
        chosen = self.bot.personal_languages.chosen(reader_id) if reader_id is not None else None
        if chosen is not None:
            return chosen
        remembered = await self.store.user_locale(reader_id) if reader_id is not None else None
        detection = detect_language(text)
        locale = note_locale(remembered, detection.language, detection.script)
        if locale is not None:
            return locale
        settings = await self.bot.guild_config.settings(guild.id)
        return resolve_locale(settings.locale or guild.preferred_locale)

    def _partial_message(self, channel_id: int, message_id: int) -> discord.PartialMessage | None:
        channel = self.bot.get_channel(channel_id)
        if channel is None or not hasattr(channel, "get_partial_message"):
            return None
        return channel.get_partial_message(message_id)

    async def _react(self, message: discord.PartialMessage) -> None:
        try:
            await message.add_reaction(NOTICE_REACTION)
        except discord.HTTPException as error:
            log.info("guidance: could not react in channel=%s: %s", message.channel.id, error)

    async def _direct_message(self, guild: discord.Guild, user_id: int, text: str) -> bool:
        """False when the person does not accept direct messages (Discord 50007)."""
        try:
            user = guild.get_member(user_id) or await self.bot.fetch_user(user_id)
            await user.send(text, suppress_embeds=True, allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            return False
        except discord.HTTPException as error:
            log.warning("guidance: direct message to user=%s failed: %s", user_id, error)
        return True

    async def _reply(self, message: discord.PartialMessage, text: str) -> discord.Message | None:
        try:
            return await message.reply(
                text, mention_author=False, suppress_embeds=True, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as error:
            log.info("guidance: could not reply in channel=%s: %s", message.channel.id, error)
            return None


    async def _matcher(self, guild_id: int) -> GuidanceMatcher:
        state = await self.store.guild(guild_id)
        return self.matchers.matcher_for(guild_id, state.config)
