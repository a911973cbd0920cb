"""`/bridge glossary add|remove|list`: a server's terms kept or translated the same way (`bot/bridge/glossary.py`)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import UserFacingError, moderator_only
from bot.i18n import shorten
from bot.personal_language import reader_locale
from cogs.bridge.options import TERM_PARAM


class GlossaryCommands:
    """Part of BridgeCog: the `/bridge glossary` subgroup."""


    glossary_group = app_commands.Group(
        name=_("glossary", key="commands.bridge.glossary.name"),
        description=_("Terms kept or translated the same way every time", key="commands.bridge.glossary.description"),
    )
    @glossary_group.command(name="add", description=_("Add or change a glossary term", key="commands.bridge.glossary.add.description"))
    @app_commands.describe(
        term=TERM_PARAM,
        translation=_("How it is always translated (the same text keeps it as is)", key="commands.bridge.param.translation"),
    )
    @moderator_only()
    async def glossary_add(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100], translation: app_commands.Range[str, 1, 100]) -> None:
        if self.glossaries.is_full(interaction.guild_id) and term not in self.glossaries.entries(interaction.guild_id):
            raise UserFacingError("bridge.glossary.error.full")
        await self.glossaries.add(interaction.guild_id, term, translation)
        await interaction.response.send_message(
            self.bot.i18n.t("bridge.glossary.added", reader_locale(interaction), term=shorten(term.strip()),
                            translation=shorten(translation.strip())),
            ephemeral=True,
        )

    @glossary_group.command(name="remove", description=_("Remove a glossary term", key="commands.bridge.glossary.remove.description"))
    @app_commands.describe(term=TERM_PARAM)
    @moderator_only()
    async def glossary_remove(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100]) -> None:
        if not await self.glossaries.remove(interaction.guild_id, term):
            raise UserFacingError("bridge.glossary.error.unknown", term=shorten(term))
        await interaction.response.send_message(
            self.bot.i18n.t("bridge.glossary.removed", reader_locale(interaction), term=shorten(term)), ephemeral=True)

    @glossary_group.command(name="list", description=_("Show this server's glossary", key="commands.bridge.glossary.list.description"))
    @app_commands.guild_only()
    async def glossary_list(self, interaction: discord.Interaction) -> None:
        entries = self.glossaries.entries(interaction.guild_id)
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        if not entries:
            text = i18n.t("bridge.glossary.empty", locale)
        else:
            lines = [i18n.t("bridge.glossary.header", locale, count=len(entries))]
            lines += [f"• {term} → {translation}" for term, translation in sorted(entries.items(), key=lambda e: e[0].casefold())]
            text = "\n".join(lines)[:2000]
        await interaction.response.send_message(text, ephemeral=True)

