"""Tell a server's moderators about a problem once, in their log channel or the system channel."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import discord

log = logging.getLogger(__name__)

REPEAT_AFTER_SECONDS = 6 * 3600


class ModeratorNotices:
    def __init__(self, bot) -> None:
        self.bot = bot
        self._last_sent: dict[tuple[int, str], float] = {}

    def forget(self, guild_id: int, problem_key: str) -> None:
        """The problem is solved: report it again if it comes back."""
        self._last_sent.pop((guild_id, problem_key), None)

    def reported(self, guild_id: int, problem_key: str) -> bool:
        """Whether `problem_key` was reported recently (a notice for it would not go out again)."""
        sent_at = self._last_sent.get((guild_id, problem_key))
        return sent_at is not None and time.monotonic() - sent_at < REPEAT_AFTER_SECONDS

    async def notify_once(self, guild: discord.Guild, problem_key: str, message_key: str, **fields: object) -> bool:
        """Post the bilingual notice `message_key` unless `problem_key` was reported recently."""
        return await self.notify_text_once(
            guild, problem_key, lambda: self.bot.i18n.bilingual(message_key, separator="\n", **fields),
        )

    async def notify_text_once(self, guild: discord.Guild, problem_key: str, text: Callable[[], str]) -> bool:
        """Post `text()` (already in both languages: for fields that differ per language) unless
        `problem_key` was reported recently."""
        if self.reported(guild.id, problem_key):
            return False
        self._last_sent[(guild.id, problem_key)] = time.monotonic()
        text = text()
        for channel in await self._candidate_channels(guild):
            try:
                await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
                log.info("moderator notice %s sent guild=%s channel=%s", problem_key, guild.id, channel.id)
                return True
            except discord.HTTPException as error:
                log.warning("moderator notice %s not sent guild=%s channel=%s: %s", problem_key, guild.id, channel.id, error)
        log.warning("no channel accepted moderator notice %s guild=%s", problem_key, guild.id)
        return False

    async def _candidate_channels(self, guild: discord.Guild) -> list[discord.abc.Messageable]:
        settings = await self.bot.guild_config.settings(guild.id)
        channels = []
        if settings.log_channel_id:
            configured = guild.get_channel(settings.log_channel_id)
            if configured is not None:
                channels.append(configured)
        if guild.system_channel is not None and guild.system_channel not in channels:
            channels.append(guild.system_channel)
        if guild.public_updates_channel is not None and guild.public_updates_channel not in channels:
            channels.append(guild.public_updates_channel)
        return channels
