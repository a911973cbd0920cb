"""The command tree: localised command metadata and one place that turns errors into replies."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.checks import GuildOnly, ModuleDisabled, NotModerator, UserFacingError
from bot.i18n import I18n

log = logging.getLogger(__name__)


class CatalogueTranslator(app_commands.Translator):
    """Fills name/description localisations from the `commands` catalogue at sync time."""

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        key = string.extras.get("key")
        if not key or locale.value not in ("zh-CN", "zh-TW"):
            return None
        return self.i18n.catalogues.get(locale.value, {}).get(key)


class QiaoTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        i18n: I18n = interaction.client.i18n
        locale = interaction.locale
        original = getattr(error, "original", error)
        if isinstance(original, UserFacingError):
            text = i18n.t(original.key, locale, **original.fields)
        elif isinstance(error, NotModerator):
            text = i18n.t("core.error.not_moderator", locale)
        elif isinstance(error, ModuleDisabled):
            text = i18n.t("core.error.module_disabled", locale, module=error.module)
        elif isinstance(error, (GuildOnly, app_commands.NoPrivateMessage)):
            text = i18n.t("core.error.guild_only", locale)
        elif isinstance(error, app_commands.CommandOnCooldown):
            text = i18n.t("core.error.cooldown", locale, seconds=max(1, round(error.retry_after)))
        elif isinstance(error, app_commands.BotMissingPermissions):
            text = i18n.t("core.error.bot_missing_permissions", locale, permissions=", ".join(error.missing_permissions))
        elif isinstance(error, app_commands.MissingPermissions):
            text = i18n.t("core.error.not_moderator", locale)
        elif isinstance(original, discord.Forbidden):
            text = i18n.t("core.error.discord_forbidden", locale)
            log.warning(
                "forbidden while running /%s guild=%s channel=%s: %s",
                _command_name(interaction), interaction.guild_id, interaction.channel_id, original.text,
            )
        else:
            log.error(
                "command /%s failed guild=%s channel=%s",
                _command_name(interaction), interaction.guild_id, interaction.channel_id,
                exc_info=original,
            )
            text = i18n.t("core.error.unexpected", locale)
        await reply_privately(interaction, text)


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as error:
        log.warning("could not send an error reply guild=%s: %s", interaction.guild_id, error)


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return command.qualified_name if command else "?"
