"""The Translate message menu: one message translated for the person who asks, privately.

Also a user app (DMs, group DMs, servers without Qiao). What a reader gets is decided in
`bot/bridge/reading.py`; this part checks the rate limit and opt-outs and answers.
"""

from __future__ import annotations

import discord

from bot.bridge.reading import Reading, reader_target, reading_for, reading_without_provider
from bot.personal_language import reader_locale

TRANSLATE_PER_MINUTE = 10


class TranslateMenu:
    """Part of BridgeCog: the Translate context menu and `translate_for_reader` for other cogs."""

    async def translate_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        wait = self.translate_limiter.try_acquire(interaction.user.id)
        if wait:
            await interaction.response.send_message(i18n.t("bridge.translate.rate_limited", locale, seconds=max(1, round(wait))), ephemeral=True)
            return
        if self.optouts.is_opted_out(message.author.id):
            await interaction.response.send_message(i18n.t("bridge.translate.opted_out", locale), ephemeral=True)
            return
        target = reader_target(locale)
        quick = reading_without_provider(message.content, target)
        if quick is not None:
            await interaction.response.send_message(_reading_text(i18n, locale, quick), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reading = await self.translate_for_reader(message.content, target, interaction.guild_id or 0)
        await interaction.followup.send(_reading_text(i18n, locale, reading), ephemeral=True)

    async def translate_for_reader(self, text: str, target: str, guild_id: int) -> Reading:
        """What the Translate menu and flag reactions show (`bot/bridge/reading.py`)."""
        return await reading_for(self.glossary_translator, text, target, guild_id)


def _reading_text(i18n, locale: str, reading: Reading) -> str:
    if reading.text:
        return reading.text
    return i18n.t(f"bridge.translate.{reading.kind}", locale)

