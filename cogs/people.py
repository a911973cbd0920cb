"""What Qiao does for one person, wherever they are: their own language (`/language`)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.personal_language import FOLLOW_DISCORD, reader_locale

LANGUAGE_CHOICES = [
    app_commands.Choice(name=_("Follow Discord", key="commands.language.choice.discord"), value=FOLLOW_DISCORD),
    app_commands.Choice(name=_("English", key="commands.language.choice.en-US"), value="en-US"),
    app_commands.Choice(name=_("Simplified Chinese", key="commands.language.choice.zh-CN"), value="zh-CN"),
    app_commands.Choice(name=_("Traditional Chinese", key="commands.language.choice.zh-TW"), value="zh-TW"),
]


class People(commands.Cog):
    def __init__(self, bot) -> None:
        self.bot = bot

    @app_commands.command(
        name=_("language", key="commands.language.name"),
        description=_("Choose the language Qiao answers you in", key="commands.language.description"),
    )
    @app_commands.describe(language=_("Your language, or follow your Discord client's", key="commands.language.param.language"))
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def language(self, interaction: discord.Interaction, language: app_commands.Choice[str]) -> None:
        await self.bot.personal_languages.choose(interaction.user.id, language.value)
        locale = reader_locale(interaction)  # already the new choice
        i18n = self.bot.i18n
        if language.value == FOLLOW_DISCORD:
            text = i18n.t("people.language.follows_discord", locale, language=i18n.t(f"people.language.name.{locale}", locale))
        else:
            text = i18n.t("people.language.chosen", locale, language=i18n.t(f"people.language.name.{locale}", locale))
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot) -> None:
    await bot.add_cog(People(bot))
