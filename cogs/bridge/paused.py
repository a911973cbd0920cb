"""Permissions in bridged channels, rechecked when a channel, a role or the bot's member changes,
and every minute (`probe_paused`): a permission seen missing is told to moderators once and pauses
the destinations it stops (before a post fails); they resume by themselves once it is back.
What each channel needs: bot/bridge/permission_needs.py.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands, tasks

from bot.bridge.permission_needs import PermissionCheck
from cogs.bridge.permissions import blocks_delivery, check_channel, describe_bilingual

log = logging.getLogger(__name__)

PROBE_PAUSED_EVERY_SECONDS = 60


class PausedDestinations:
    """Part of BridgeCog: pauses destinations the bot lost a permission in, and resumes them."""

    @tasks.loop(seconds=PROBE_PAUSED_EVERY_SECONDS)
    async def probe_paused(self) -> None:
        await self.recheck_permissions()

    @probe_paused.error
    async def _probe_failed(self, error: BaseException) -> None:
        log.error("bridge: probing paused channels failed", exc_info=error)

    # -- lost permissions pause destinations, which resume by themselves ---------------------

    async def recheck_permissions(self, guild_id: int | None = None) -> int:
        """Check the bot's permissions in every bridged channel (of one server): a permission seen
        missing is told to moderators once, and the destinations it stops (the channel, its threads,
        a forum's posts) are paused before a post fails; destinations that can be posted into again
        resume. Returns how many resumed."""
        for member in list(self.relay.store.all_channels()):
            channel = self.bot.get_channel(member.channel_id)
            guild = getattr(channel, "guild", None)
            if guild is None or guild.me is None or (guild_id is not None and guild.id != guild_id):
                continue
            await self._permissions_seen(guild, channel, check_channel(channel, guild.me))
        resumed = 0
        for channel_id in list(self.engine.outboxes):
            channel = self.bot.get_channel(channel_id)
            guild = getattr(channel, "guild", None)
            if guild is None or guild.me is None or (guild_id is not None and guild.id != guild_id):
                continue
            blocked = blocks_delivery(channel, guild.me)
            if blocked:
                if self.engine.pause(channel_id):
                    log.info("bridge: cannot post in channel=%s any more; holding its copies", channel_id)
            elif channel_id in self.engine.paused_channels():
                self.bot.moderator_notices.forget(guild.id, f"bridge.forbidden.{channel_id}")
                if self.engine.resume(channel_id):
                    log.info("bridge: permissions back in channel=%s; flushing %d copies", channel_id, self.engine.backlog(channel_id))
                    resumed += 1
        return resumed

    async def pause_if_forbidden(self, guild_id: int) -> None:
        """After new threads were paired: a permission lost while they opened pauses them before
        their first copies (never raises: the caller releases what it held next)."""
        try:
            await self.recheck_permissions(guild_id)
        except Exception:
            log.exception("bridge: checking permissions after pairing threads failed")

    def permissions_told(self, channel_id: int, result: PermissionCheck) -> None:
        """The moderator who linked `channel_id` was just shown `result`: no notice for it."""
        self._permissions_known[channel_id] = result.missing

    async def _permissions_seen(self, guild: discord.Guild, channel, result: PermissionCheck) -> None:
        if isinstance(channel, discord.Thread):
            # A paired thread or forum post: paused with its parent's permissions; told once, for the parent.
            if result.blocks(in_thread=True):
                self.engine.pause(channel.id)
            return
        known = self._permissions_known.get(channel.id, ())
        self._permissions_known[channel.id] = result.missing
        problem = f"bridge.forbidden.{channel.id}"
        if result.complete:
            if known:
                self.bot.moderator_notices.forget(guild.id, problem)
            return
        if result.blocks(in_thread=isinstance(channel, discord.Thread)):
            self.engine.pause(channel.id)
        if not set(result.missing) - set(known):
            return
        if known:
            self.bot.moderator_notices.forget(guild.id, problem)  # more is missing than was told
        log.warning("bridge: missing %s in channel=%s", ", ".join(result.missing), channel.id)
        await self.bot.moderator_notices.notify_text_once(
            guild, problem, lambda: describe_bilingual(self.bot.i18n, "bridge.permission.lost_notice", channel.mention, result),
        )

    @commands.Cog.listener()
    async def on_guild_channel_update(self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel) -> None:
        await self.recheck_permissions(after.guild.id)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        await self.recheck_permissions(after.guild.id)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if self.bot.user is not None and after.id == self.bot.user.id:
            await self.recheck_permissions(after.guild.id)
