"""`/guidance mode|category|add|remove`: moderators choose how Qiao speaks up and which terms count."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import UserFacingError, moderator_only, requires_module
from bot.guidance.catalogue import CatalogueError
from bot.guidance.matcher import normalise
from bot.i18n import shorten
from bot.personal_language import reader_locale
from cogs.guidance.browsing import CategoryName

MODE_CHOICES = [
    app_commands.Choice(name=_("off", key="commands.guidance.choice.off"), value="off"),
    app_commands.Choice(name=_("direct message (default)", key="commands.guidance.choice.dm"), value="dm"),
    app_commands.Choice(name=_("reply in the channel", key="commands.guidance.choice.reply"), value="reply"),
]


class SettingsCommands:
    """Part of the Guidance cog: the moderators' settings and own terms."""

    @app_commands.command(name="mode", description=_("How Qiao speaks up in this server", key="commands.guidance.mode.description"))
    @app_commands.describe(mode=_("off, a direct message (default) or a reply", key="commands.guidance.param.mode"))
    @app_commands.choices(mode=MODE_CHOICES)
    @moderator_only()
    @requires_module("guidance")
    async def mode(self, interaction: discord.Interaction, mode: app_commands.Choice[str]) -> None:
        await self.store.set_mode(interaction.guild_id, mode.value)
        await interaction.response.send_message(
            self.bot.i18n.t(f"guidance.mode.set_{mode.value}", reader_locale(interaction)), ephemeral=True
        )

    @app_commands.command(name="category", description=_("Turn a category of topics on or off", key="commands.guidance.category.description"))
    @app_commands.describe(
        name=_("The category", key="commands.guidance.param.category_name"),
        enabled=_("On or off", key="commands.guidance.param.enabled"),
    )
    @moderator_only()
    @requires_module("guidance")
    async def category(self, interaction: discord.Interaction, name: CategoryName, enabled: bool) -> None:
        if name not in self.catalogue.categories:
            raise UserFacingError("guidance.category.unknown", name=shorten(name))
        await self.store.set_category_enabled(interaction.guild_id, name, enabled)
        key = "guidance.category.enabled" if enabled else "guidance.category.disabled"
        await interaction.response.send_message(
            self.bot.i18n.t(key, reader_locale(interaction), name=self.notes.category_name(name, reader_locale(interaction))), ephemeral=True
        )

    @category.autocomplete("name")
    async def _category_name(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._category_choices(interaction, current, shipped_only=True)

    @app_commands.command(name="add", description=_("Add this server's own term with an explanation", key="commands.guidance.add.description"))
    @app_commands.describe(
        term=_("The term", key="commands.guidance.param.term"),
        explanation_en=_("Why it is sensitive, in English", key="commands.guidance.param.explanation_en"),
        explanation_zh=_("Why it is sensitive, in Chinese", key="commands.guidance.param.explanation_zh"),
        category=_("A category to file it under (optional)", key="commands.guidance.param.add_category"),
    )
    @moderator_only()
    @requires_module("guidance")
    async def add(
        self,
        interaction: discord.Interaction,
        term: app_commands.Range[str, 1, 50],
        explanation_en: app_commands.Range[str, 1, 600],
        explanation_zh: app_commands.Range[str, 1, 600],
        category: CategoryName | None = None,
    ) -> None:
        if category is not None and category not in self.catalogue.categories:
            raise UserFacingError("guidance.category.unknown", name=shorten(category))
        try:
            await self.store.add_custom_entry(
                interaction.guild_id, term, explanation_en=explanation_en, explanation_zh=explanation_zh,
                category=category, added_by=interaction.user.id,
            )
        except CatalogueError:
            raise UserFacingError("guidance.add.too_short", term=shorten(term)) from None
        await interaction.response.send_message(
            self.bot.i18n.t("guidance.add.done", reader_locale(interaction), term=shorten(term)), ephemeral=True
        )

    @add.autocomplete("category")
    async def _add_category(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._category_choices(interaction, current, shipped_only=True)

    @app_commands.command(name="remove", description=_("Remove one of this server's own or imported terms", key="commands.guidance.remove.description"))
    @app_commands.describe(term=_("The term", key="commands.guidance.param.term"))
    @moderator_only()
    @requires_module("guidance")
    async def remove(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100]) -> None:
        removed = await self.store.remove_term(interaction.guild_id, term)
        if removed is None:
            raise UserFacingError("guidance.remove.not_found", term=shorten(term))
        await interaction.response.send_message(
            self.bot.i18n.t(f"guidance.remove.done_{removed}", reader_locale(interaction), term=shorten(term)), ephemeral=True
        )

    @remove.autocomplete("term")
    async def _remove_term(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        state = await self.store.guild(interaction.guild_id)
        wanted = normalise(current[:100])
        terms = [entry.display_term for entry in state.custom] + list(state.config.imported_terms)
        return [app_commands.Choice(name=t[:100], value=t[:100]) for t in terms if wanted in normalise(t)][:25]
