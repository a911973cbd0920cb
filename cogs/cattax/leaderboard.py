"""`/cattax leaderboard` and `/cattax random`: public, for fun, names as plain text (never pings)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.answer_deadline import PUBLIC_ANSWER
from bot.cattax.store import LeaderboardEntry
from bot.checks import requires_module
from bot.personal_language import reader_locale
from cogs.cattax.common import MODULE, jump_url, plain

WEEK = timedelta(days=7)


class LeaderboardCommands:
    """Part of the CatTax cog: the commands for everyone."""

    @app_commands.command(name="leaderboard", description=_("Who has paid the most cat tax", key="commands.cattax.leaderboard.description"),
                          extras={PUBLIC_ANSWER: True})
    @app_commands.guild_only()
    @requires_module(MODULE)
    async def leaderboard(self, interaction: discord.Interaction) -> None:
        # Public on purpose: it is a bit of fun for the channel. Names are plain text, never pings.
        guild = interaction.guild
        this_week = await self.store.leaderboard(guild.id, since=datetime.now(UTC) - WEEK)
        all_time = await self.store.leaderboard(guild.id)
        i18n, chinese = self.bot.i18n, reader_locale(interaction)  # the caller's Chinese: zh-TW reads Traditional
        lines = [f"**{i18n.bilingual('cattax.leaderboard.title', chinese=chinese)}**"]
        for heading, entries in (("cattax.leaderboard.week", this_week), ("cattax.leaderboard.all_time", all_time)):
            lines.append("")
            lines.append(f"__{i18n.bilingual(heading, chinese=chinese)}__")
            lines.extend(self._leaderboard_lines(guild, entries, chinese))
        await interaction.response.send_message("\n".join(lines), allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="random", description=_("A random cat-tax photo, for a smile", key="commands.cattax.random.description"),
                          extras={PUBLIC_ANSWER: True})
    @app_commands.guild_only()
    @requires_module(MODULE)
    async def random(self, interaction: discord.Interaction) -> None:
        payment = await self.store.random_payment(interaction.guild_id)
        if payment is None:
            await interaction.response.send_message(self.bot.i18n.t("cattax.random.none", reader_locale(interaction)), ephemeral=True)
            return
        member = interaction.guild.get_member(payment.author_id)
        name = plain(member.display_name if member else payment.author_name)
        link = jump_url(payment.guild_id, payment.channel_id, payment.message_id)
        lines = [self.bot.i18n.bilingual("cattax.random.shown", chinese=reader_locale(interaction), name=name, link=link)]
        lines.extend(payment.attachment_urls[:1])
        await interaction.response.send_message("\n".join(lines), allowed_mentions=discord.AllowedMentions.none())

    def _leaderboard_lines(self, guild: discord.Guild, entries: list[LeaderboardEntry], chinese: object = "zh-CN") -> list[str]:
        if not entries:
            return [self.bot.i18n.bilingual("cattax.leaderboard.empty", chinese=chinese)]
        lines = []
        for rank, entry in enumerate(entries, start=1):
            member = guild.get_member(entry.author_id)
            name = plain(member.display_name if member else entry.author_name)
            lines.append(self.bot.i18n.t("cattax.leaderboard.line", "en-US", rank=rank, name=name, count=entry.payments))
        return lines
