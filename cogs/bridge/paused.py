"""Destinations paused because the bot lost a permission resume by themselves once it is back.

Checked when a channel, a role or the bot's member changes, and every minute (`probe_paused`).
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands, tasks

log = logging.getLogger(__name__)

PROBE_PAUSED_EVERY_SECONDS = 60
NEEDED_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, manage_webhooks=True)


class PausedDestinations:
    """Part of BridgeCog: resumes the engine's paused destinations."""

    @tasks.loop(seconds=PROBE_PAUSED_EVERY_SECONDS)
    async def probe_paused(self) -> None:
        await self.resume_recovered_destinations()

    @probe_paused.error
    async def _probe_failed(self, error: BaseException) -> None:
        log.error("bridge: probing paused channels failed", exc_info=error)

    async def resume_recovered_destinations(self, guild_id: int | None = None) -> int:
        resumed = 0
        for channel_id in self.engine.paused_channels():
            channel = self.bot.get_channel(channel_id)
            guild = getattr(channel, "guild", None)
            if guild is None or (guild_id is not None and guild.id != guild_id):
                continue
            webhook_channel = channel.parent if isinstance(channel, discord.Thread) and channel.parent else channel
            if guild.me is not None and NEEDED_PERMISSIONS.is_subset(webhook_channel.permissions_for(guild.me)):
                self.bot.moderator_notices.forget(guild.id, f"bridge.forbidden.{channel_id}")
                if self.engine.resume(channel_id):
                    log.info("bridge: permissions back in channel=%s; flushing %d copies", channel_id, self.engine.backlog(channel_id))
                    resumed += 1
        return resumed

    @commands.Cog.listener()
    async def on_guild_channel_update(self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel) -> None:
        await self.resume_recovered_destinations(after.guild.id)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        await self.resume_recovered_destinations(after.guild.id)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if self.bot.user is not None and after.id == self.bot.user.id:
            await self.resume_recovered_destinations(after.guild.id)

