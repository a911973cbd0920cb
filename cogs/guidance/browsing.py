"""`/guidance check|topics|mute|unmute`: what everyone can ask, privately."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import UserFacingError, requires_module
from bot.guidance.catalogue import IMPORTED_ENTRY_ID
from bot.guidance.notes import Noticed
from bot.guidance.store import CUSTOM_CATEGORY_ID
from bot.i18n import shorten
from bot.personal_language import reader_locale

# A guidance category as typed or picked from autocomplete (ids like "leaders").
CategoryName = app_commands.Range[str, 1, 64]


class BrowsingCommands:
    """Part of the Guidance cog: commands for everyone, and browsing the catalogue."""

    @app_commands.command(
        name="check",
        description=_("Privately see which terms in a text Qiao would explain, and why", key="commands.guidance.check.description"),
    )
    @app_commands.describe(text=_("The text to check", key="commands.guidance.param.text"))
    @requires_module("guidance")
    async def check(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 1500]) -> None:
        matcher = await self._matcher(interaction.guild_id)
        entries = {entry.id: entry for entry in matcher.entries}
        noticed = [Noticed.of(entries[m.entry_id], m, text) for m in matcher.find(text)]
        await interaction.response.send_message(
            self.notes.check(noticed, reader_locale(interaction)), ephemeral=True, suppress_embeds=True
        )

    @app_commands.command(
        name="topics",
        description=_("Browse the sensitive topics Qiao explains, in your language", key="commands.guidance.topics.description"),
    )
    @app_commands.describe(category=_("A category to read (leave empty for the list)", key="commands.guidance.param.category"))
    @requires_module("guidance")
    async def topics(self, interaction: discord.Interaction, category: CategoryName | None = None) -> None:
        state = await self.store.guild(interaction.guild_id)
        locale = reader_locale(interaction)
        if category is None:
            embed = discord.Embed(
                title=self.bot.i18n.t("guidance.topics.title", locale),
                description=self.notes.category_list(state, locale),
            )
        else:
            entries = self.notes.entries_in(category, state)
            if not entries:
                raise UserFacingError("guidance.topics.unknown", name=shorten(category))
            embed = discord.Embed(
                title=self.notes.category_name(category, locale),
                description=self.notes.entry_list(category, entries, state, locale),
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @topics.autocomplete("category")
    async def _topics_category(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._category_choices(interaction, current)

    @app_commands.command(name="mute", description=_("Stop Qiao's notes about your messages in this server", key="commands.guidance.mute.description"))
    @requires_module("guidance")
    async def mute(self, interaction: discord.Interaction) -> None:
        await self.store.set_muted(interaction.guild_id, interaction.user.id, True)
        await interaction.response.send_message(self.bot.i18n.t("guidance.mute.done", reader_locale(interaction)), ephemeral=True)

    @app_commands.command(name="unmute", description=_("Get Qiao's notes about your messages again", key="commands.guidance.unmute.description"))
    @requires_module("guidance")
    async def unmute(self, interaction: discord.Interaction) -> None:
        await self.store.set_muted(interaction.guild_id, interaction.user.id, False)
        await interaction.response.send_message(self.bot.i18n.t("guidance.unmute.done", reader_locale(interaction)), ephemeral=True)

    # -- browsing helpers -------------------------------------------------------------------

    async def _category_choices(
        self, interaction: discord.Interaction, current: str, *, shipped_only: bool = False
    ) -> list[app_commands.Choice[str]]:
        state = await self.store.guild(interaction.guild_id)
        ids = list(self.catalogue.categories)
        if not shipped_only:
            if state.custom:
                ids.append(CUSTOM_CATEGORY_ID)
            if state.config.imported_terms:
                ids.append(IMPORTED_ENTRY_ID)
        wanted = current[:64].casefold()
        choices = []
        for category_id in ids:
            name = self.notes.category_name(category_id, reader_locale(interaction))
            if wanted in category_id or wanted in name.casefold():
                choices.append(app_commands.Choice(name=name[:100], value=category_id))
        return choices[:25]
