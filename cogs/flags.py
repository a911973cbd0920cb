"""Flag reactions: 🇨🇳 / 🇹🇼 🇭🇰 🇲🇴 / 🇺🇸 🇬🇧 🇨🇦 🇦🇺 🇳🇿 🇮🇪 on a message sends the reactor its translation
privately (by DM; with DMs closed, a reply mentioning only them, removed after a minute).

Uses the bridge's opt-outs, glossary and translation (`cogs.bridge`); the `flags` module (`/modules`)
turns it off per server. The flag is removed afterwards where Qiao may (Manage Messages).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
from discord.ext import commands

from bot.bridge.deliver.pacing import SlidingWindowLimiter
from bot.flags import FALLBACK_REPLY_SECONDS, FLAGS_PER_MINUTE, flag_locale, flag_target
from bot.i18n import shorten

log = logging.getLogger(__name__)


class FlagReactions(commands.Cog):
    def __init__(self, bot) -> None:
        self.bot = bot
        self.limiter = SlidingWindowLimiter(FLAGS_PER_MINUTE, 60)
        self.fallback_reply_seconds = FALLBACK_REPLY_SECONDS
        self._told_to_wait: set[int] = set()
        # Fallback replies still to remove: removed at once when the cog stops.
        self._pending: dict[int, tuple[discord.Message, asyncio.Task[None]]] = {}

    async def cog_unload(self) -> None:
        pending, self._pending = self._pending, {}
        for message, task in pending.values():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self._remove_quietly(message)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        target = flag_target(str(payload.emoji))
        if target is None or payload.guild_id is None or not self.bot.accepting_work:
            return
        if payload.member is None or payload.member.bot:
            return
        bridge = self.bot.get_cog("BridgeCog")
        if bridge is None or not await self.bot.guild_config.module_enabled(payload.guild_id, "flags"):
            return
        channel = self.bot.get_channel(payload.channel_id)
        if channel is None:
            return
        try:
            message = await channel.fetch_message(payload.message_id)
        except discord.HTTPException as error:
            log.warning("flags: cannot read message=%s channel=%s: %s", payload.message_id, payload.channel_id, error)
            return
        await self._remove_flag(channel, message, payload)
        text = await self._answer(bridge, payload.member, message, target)
        if text is not None:
            await self._deliver(payload.member, message, text)

    async def _answer(self, bridge, reactor: discord.Member, message: discord.Message, target: str) -> str | None:
        i18n = self.bot.i18n
        locale = self.bot.personal_languages.chosen(reactor.id) or flag_locale(target)
        wait = self.limiter.try_acquire(reactor.id)
        if wait:
            if reactor.id in self._told_to_wait:
                return None  # said once already: more flags in this minute get no more messages
            self._told_to_wait.add(reactor.id)
            return i18n.t("flags.rate_limited", locale, seconds=max(1, round(wait)), limit=FLAGS_PER_MINUTE)
        self._told_to_wait.discard(reactor.id)
        if bridge.optouts.is_opted_out(message.author.id):
            return i18n.t("flags.opted_out", locale, link=message.jump_url)
        reading = await bridge.translate_for_reader(message.content, target, message.guild.id)
        if not reading.text:
            return i18n.t(f"flags.{reading.kind}", locale, link=message.jump_url)
        return i18n.t("flags.translation", locale, link=message.jump_url, text=shorten(reading.text, 1800))

    async def _deliver(self, reactor: discord.Member, message: discord.Message, text: str) -> None:
        try:
            await reactor.send(text, allowed_mentions=discord.AllowedMentions.none(), suppress_embeds=True)
            return
        except discord.Forbidden:
            pass  # DMs closed (50007): a short-lived reply that pings only them
        except discord.HTTPException as error:
            log.warning("flags: could not DM user=%s: %s", reactor.id, error)
            return
        try:
            reply = await message.reply(
                f"{reactor.mention} {text}", suppress_embeds=True, mention_author=False,
                allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=[reactor], replied_user=False),
            )
        except discord.HTTPException as error:
            log.warning("flags: could not reply in channel=%s: %s", message.channel.id, error)
            return
        task = asyncio.create_task(self._remove_later(reply), name=f"flags-remove-{reply.id}")
        self._pending[reply.id] = (reply, task)

    async def _remove_later(self, reply: discord.Message) -> None:
        await asyncio.sleep(self.fallback_reply_seconds)
        self._pending.pop(reply.id, None)
        await self._remove_quietly(reply)

    async def _remove_quietly(self, reply: discord.Message) -> None:
        try:
            await reply.delete()
        except discord.NotFound:
            pass
        except discord.HTTPException as error:
            log.warning("flags: could not remove reply=%s: %s", reply.id, error)

    async def _remove_flag(self, channel, message: discord.Message, payload: discord.RawReactionActionEvent) -> None:
        me = getattr(channel.guild, "me", None)
        if me is None or not channel.permissions_for(me).manage_messages:
            return
        try:
            await message.remove_reaction(payload.emoji, discord.Object(payload.user_id))
        except discord.HTTPException as error:
            log.info("flags: could not remove a flag in channel=%s: %s", channel.id, error)


async def setup(bot) -> None:
    await bot.add_cog(FlagReactions(bot))
