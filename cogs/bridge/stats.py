"""`/bridge stats`: translation usage and relay health, with a 30-day chart (PNG) attached; the relay
counters are flushed every 15 s."""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import fields
from datetime import UTC, datetime

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import tasks

from bot.checks import moderator_only
from bot.personal_language import reader_locale
from bot.storage import DatabaseStillUnavailable

log = logging.getLogger(__name__)

FLUSH_COUNTERS_EVERY_SECONDS = 15
CHART_FILENAME = "qiao-30-days.png"


class Stats:
    """Part of BridgeCog: the stats command and the loop that writes relay counters."""

    @tasks.loop(seconds=FLUSH_COUNTERS_EVERY_SECONDS)
    async def flush_counters(self) -> None:
        try:
            await self.bot.db.retrying(self.engine.flush_counters, doing="writing relay counters", patience=0)
        except DatabaseStillUnavailable:
            pass  # kept for the next flush; the database says once that it is unavailable

    @flush_counters.error
    async def _flush_failed(self, error: BaseException) -> None:
        log.error("bridge: flushing relay counters failed", exc_info=error)

    @app_commands.command(name="stats", description=_("Translation usage and relay health for the last day and month", key="commands.bridge.stats.description"))
    @moderator_only()
    async def stats(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        i18n, locale, guild_id = self.bot.i18n, reader_locale(interaction), interaction.guild_id
        lines: list[str] = []
        for days, key in ((1, "bridge.stats.day"), (30, "bridge.stats.month")):
            usage = await self.bot.translation.usage_stats(guild_id, days)
            relays = await self.relay_days.summary(guild_id, days)
            lines.append(i18n.t(key, locale))
            providers = [(name, counts) for name, counts in sorted(usage.by_provider.items()) if name != "cache" and (counts.calls or counts.failures)]
            for name, counts in providers:
                lines.append(i18n.t("bridge.stats.provider", locale, provider=name, characters=counts.characters,
                                    calls=counts.calls, failures=counts.failures))
            if not providers:
                lines.append(i18n.t("bridge.stats.no_provider_calls", locale))
            lines.append(i18n.t("bridge.stats.cache", locale, rate=f"{usage.cache_hit_rate:.0%}"))
            lines.append(i18n.t(
                "bridge.stats.relays", locale, relays=relays.relays, posts=relays.posts, failures=relays.failures,
                average=f"{relays.average_lag_seconds:.1f}", maximum=f"{relays.lag_max_ms / 1000:.1f}",
            ))
        lines.append(i18n.t("bridge.stats.chart.attached", locale))
        chart = await self.stats_chart(guild_id, locale)
        await interaction.followup.send("\n".join(lines)[:2000], ephemeral=True,
                                        file=discord.File(io.BytesIO(chart), filename=CHART_FILENAME))

    async def stats_chart(self, guild_id: int, locale: str) -> bytes:
        """The 30-day chart as PNG, labelled in `locale` (in English when no installed font has Chinese)."""
        from bot.bridge.stats_by_day import stats_by_day
        from bot.bridge.stats_chart import LATIN_FONT, ChartLabels, chart_font, render_chart

        stats = await stats_by_day(self.bot.db, guild_id, last_day=datetime.now(UTC).date())
        font = await asyncio.to_thread(chart_font, locale)
        if font is None:
            log.warning("bridge: no font with Chinese characters is installed (Debian: apt-get install "
                        "fonts-noto-cjk); the stats chart for %s is labelled in English", locale)
            locale, font = "en-US", LATIN_FONT
        labels = ChartLabels(**{
            item.name: self.bot.i18n.t(f"bridge.stats.chart.{item.name}", locale) for item in fields(ChartLabels)
        })
        return await asyncio.to_thread(render_chart, stats, labels, font=font)

