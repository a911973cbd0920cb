"""`/guidance import` and `/guidance undo-import`: a server's own keyword list, previewed before it counts."""

from __future__ import annotations

import asyncio
import io
import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import UserFacingError, moderator_only, requires_module
from bot.guidance.importer import NotATextFile, parse_keyword_file
from bot.i18n import shorten
from bot.personal_language import reader_locale
from cogs.guidance.views import ImportPreviewView, UndoImportView

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ImportCommands:
    """Part of the Guidance cog: importing keyword lists and undoing an import."""

    @app_commands.command(name="import", description=_("Import a keyword list (plain list or CSV) for this server only", key="commands.guidance.import.description"))
    @app_commands.describe(file=_("A .txt or .csv file", key="commands.guidance.param.file"))
    @moderator_only()
    @requires_module("guidance")
    async def import_list(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        if file.size > MAX_IMPORT_BYTES:
            raise UserFacingError(
                "guidance.import.too_large", size=file.size // 1024, limit=MAX_IMPORT_BYTES // 1024
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        matcher = await self._matcher(interaction.guild_id)
        existing = [term for entry in matcher.entries for term in entry.terms]
        try:
            preview = await asyncio.to_thread(parse_keyword_file, data, existing_terms=existing)
        except NotATextFile:
            raise UserFacingError("guidance.import.not_text", filename=shorten(file.filename)) from None
        locale = reader_locale(interaction)
        view = ImportPreviewView(self, owner_id=interaction.user.id, locale=locale, preview=preview, filename=file.filename)
        extra = {}
        if preview.rejected:
            report = self.notes.rejected_report(preview, file.filename, locale)
            extra["file"] = discord.File(io.BytesIO(report.encode("utf-8")), filename="rejected-rows.txt")
        await interaction.followup.send(
            self.notes.import_preview(preview, file.filename, locale), view=view, ephemeral=True, **extra
        )

    async def confirm_import(self, interaction: discord.Interaction, preview, filename: str) -> None:
        batch = await self.store.import_terms(
            interaction.guild_id, preview.terms, filename=filename, imported_by=interaction.user.id
        )
        log.info("guidance: guild=%s imported %d terms (batch %s)", interaction.guild_id, batch.term_count, batch.id)
        await interaction.response.edit_message(
            content=self.bot.i18n.t(
                "guidance.import.done", reader_locale(interaction), count=batch.term_count, filename=filename, batch=batch.id
            ),
            view=UndoImportView(self, batch_id=batch.id, locale=reader_locale(interaction)),
            attachments=[],
        )

    async def undo_import_batch(self, interaction: discord.Interaction, batch_id: int) -> None:
        batch = await self.store.undo_import(interaction.guild_id, batch_id)
        key = "guidance.undo.done" if batch else "guidance.undo.nothing"
        fields = {"count": batch.term_count, "filename": batch.filename} if batch else {}
        await interaction.response.edit_message(content=self.bot.i18n.t(key, reader_locale(interaction), **fields), view=None)

    @app_commands.command(name="undo-import", description=_("Remove the terms of the last import", key="commands.guidance.undo_import.description"))
    @moderator_only()
    @requires_module("guidance")
    async def undo_import(self, interaction: discord.Interaction) -> None:
        batch = await self.store.undo_import(interaction.guild_id)
        if batch is None:
            raise UserFacingError("guidance.undo.nothing")
        await interaction.response.send_message(
            self.bot.i18n.t("guidance.undo.done", reader_locale(interaction), count=batch.term_count, filename=batch.filename),
            ephemeral=True,
        )
