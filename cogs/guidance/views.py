"""Buttons: "Why?" under a fallback reply (works after a restart), and the import preview's
Confirm / Cancel and Undo."""

from __future__ import annotations

from typing import Any, Protocol

import discord

from bot.checks import is_moderator
from bot.guidance.importer import ImportPreview
from bot.personal_language import reader_locale

WHY_PREFIX = "guidance:why:"
CUSTOM_ID_LIMIT = 100
IMPORT_PREVIEW_SECONDS = 15 * 60


class GuidanceActions(Protocol):
    """What the buttons ask of the Guidance cog (which implements it; the views never import the cog)."""

    bot: Any

    async def explain_privately(self, interaction: discord.Interaction, entry_ids: list[str]) -> None: ...

    async def confirm_import(self, interaction: discord.Interaction, preview: ImportPreview, filename: str) -> None: ...

    async def undo_import_batch(self, interaction: discord.Interaction, batch_id: int) -> None: ...


def why_custom_id(entry_ids: list[str]) -> str:
    """Entry ids packed into the button's custom id; ids that do not fit are left out."""
    packed: list[str] = []
    for entry_id in dict.fromkeys(entry_ids):
        candidate = ",".join([*packed, entry_id])
        if len(WHY_PREFIX) + len(candidate) > CUSTOM_ID_LIMIT:
            break
        packed.append(entry_id)
    return WHY_PREFIX + ",".join(packed)


class WhyButton(discord.ui.DynamicItem[discord.ui.Button], template=r"guidance:why:(?P<ids>[a-z0-9,-]*)"):
    """Shows the explanation only to whoever presses it (ephemeral), in their own language."""

    def __init__(self, entry_ids: list[str], label: str = "?") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, emoji="💡", style=discord.ButtonStyle.secondary, custom_id=why_custom_id(entry_ids)
            )
        )
        self.entry_ids = [entry_id for entry_id in entry_ids if entry_id]

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match
    ) -> WhyButton:
        return cls(match["ids"].split(","))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog: GuidanceActions | None = interaction.client.get_cog("Guidance")
        if cog is not None:
            await cog.explain_privately(interaction, self.entry_ids)


class ImportPreviewView(discord.ui.View):
    def __init__(self, cog: GuidanceActions, *, owner_id: int, locale: object, preview: ImportPreview, filename: str) -> None:
        super().__init__(timeout=IMPORT_PREVIEW_SECONDS)
        self.cog = cog
        self.owner_id = owner_id
        self.preview = preview
        self.filename = filename
        i18n = cog.bot.i18n
        self.confirm.label = i18n.t("guidance.import.confirm_button", locale, count=len(preview.accepted))
        self.confirm.disabled = not preview.accepted
        self.cancel.label = i18n.t("guidance.import.cancel_button", locale)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            self.cog.bot.i18n.t("guidance.import.not_yours", reader_locale(interaction)), ephemeral=True
        )
        return False

    @discord.ui.button(style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.stop()
        await self.cog.confirm_import(interaction, self.preview, self.filename)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=self.cog.bot.i18n.t("guidance.import.cancelled", reader_locale(interaction)), view=None, attachments=[]
        )


class UndoImportView(discord.ui.View):
    def __init__(self, cog: GuidanceActions, *, batch_id: int, locale: object) -> None:
        super().__init__(timeout=IMPORT_PREVIEW_SECONDS)
        self.cog = cog
        self.batch_id = batch_id
        self.undo.label = cog.bot.i18n.t("guidance.import.undo_button", locale)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if is_moderator(interaction):
            return True
        await interaction.response.send_message(
            self.cog.bot.i18n.t("core.error.not_moderator", reader_locale(interaction)), ephemeral=True
        )
        return False

    @discord.ui.button(style=discord.ButtonStyle.danger)
    async def undo(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.stop()
        await self.cog.undo_import_batch(interaction, self.batch_id)
