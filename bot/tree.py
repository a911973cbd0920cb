"""The command tree: localised command metadata and one place that turns errors into replies."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.answer_deadline import call_within_deadline
from bot.command_mentions import CommandMentions
from bot.checks import GuildOnly, ModuleDisabled, NotModerator, UserFacingError
from bot.i18n import I18n, shorten
from bot.personal_language import reader_locale

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


# Servers whose own (`sync --guild`) command ids are fetched at start-up; beyond that many, a bot is
# a public one synced globally and the global ids serve every server.
GUILD_COMMAND_FETCH_LIMIT = 100


def chat_input_ids(commands) -> list[tuple[str, int]]:
    """(name, id) of the slash commands among synced or fetched `AppCommand`s (menus are not mentionable)."""
    return [(command.name, command.id) for command in commands if command.type is discord.AppCommandType.chat_input]


# What an autocomplete answer looks at of an option with no max_length of its own.
AUTOCOMPLETE_INPUT_LIMIT = 100


class QiaoTree(app_commands.CommandTree):
    async def sync(self, *, guild: discord.abc.Snowflake | None = None) -> list[app_commands.AppCommand]:
        """Sync, and remember the ids Discord answers with for command mentions."""
        synced = await super().sync(guild=guild)
        self.client.i18n.mentions.learn(chat_input_ids(synced), guild.id if guild else None)
        return synced

    async def learn_command_ids(self, guilds: list[discord.abc.Snowflake]) -> None:
        """Fetch the ids of the commands synced (by another process) globally and to `guilds`."""
        mentions = self.client.i18n.mentions
        try:
            mentions.learn(chat_input_ids(await self.fetch_commands()))
        except discord.HTTPException as error:
            log.warning("could not fetch the global commands for command mentions: %s", error)
        for guild in guilds[:GUILD_COMMAND_FETCH_LIMIT]:
            try:
                mentions.learn(chat_input_ids(await self.fetch_commands(guild=guild)), guild.id)
            except discord.HTTPException as error:
                log.debug("no server commands for guild=%s: %s", guild.id, error)
        log.info("command mentions: ids known for %s", ", ".join(sorted({name for _, name in mentions.known()})) or "no command")

    async def _call(self, interaction: discord.Interaction) -> None:
        # Every command's answer is deferred when its handler is late for Discord's 3 s rule.
        await call_within_deadline(interaction, lambda: super(QiaoTree, self)._call(interaction))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Hold text options to their declared min/max_length before any handler runs.

        Discord's client enforces the lengths a command declares, but a request can still carry
        more (an old client, a command synced before the limit, a test double): such input gets a
        polite private refusal instead of a handler echoing 2,000+ characters back, and
        autocomplete on a huge value answers at once with no choices."""
        # Mentions in this interaction's replies use the ids of commands synced to its server.
        CommandMentions.set_guild(interaction.guild_id)
        command = interaction.command
        if not isinstance(command, app_commands.Command):
            return True
        if interaction.type is discord.InteractionType.autocomplete:
            return await _autocomplete_input_ok(interaction, command)
        if interaction.type is not discord.InteractionType.application_command:
            return True
        problem = _length_problem(interaction, command)
        if problem is None:
            return True
        i18n: I18n = interaction.client.i18n
        key, fields = problem
        await reply_privately(interaction, i18n.t(key, reader_locale(interaction), **fields))
        return False

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        i18n: I18n = interaction.client.i18n
        locale = reader_locale(interaction)
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
        elif isinstance(error, app_commands.TransformerError):
            # An option Discord resolved but discord.py cannot use here, e.g. a channel of another server.
            text = i18n.t("core.error.option_unusable", locale, value=_option_label(error.value))
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


def _string_parameters(command: app_commands.Command):
    return [p for p in command.parameters if p.type is discord.AppCommandOptionType.string]


def _length_problem(interaction: discord.Interaction, command: app_commands.Command) -> tuple[str, dict] | None:
    namespace = interaction.namespace
    for parameter in _string_parameters(command):
        value = getattr(namespace, parameter.display_name, None)
        if not isinstance(value, str):
            continue
        low, high = parameter.min_value, parameter.max_value
        if high is not None and len(value) > high:
            return "core.error.option_too_long", {"option": parameter.display_name, "limit": int(high), "length": len(value)}
        if low is not None and len(value) < low:
            if not value:
                return "core.error.option_empty", {"option": parameter.display_name}
            return "core.error.option_too_short", {"option": parameter.display_name, "limit": int(low)}
    return None


async def _autocomplete_input_ok(interaction: discord.Interaction, command: app_commands.Command) -> bool:
    options = _focused_option(interaction.data.get("options") or [])
    if options is None:
        return True
    name, value = options
    parameter = next((p for p in _string_parameters(command) if p.display_name == name), None)
    if parameter is None or not isinstance(value, str):
        return True
    limit = parameter.max_value or AUTOCOMPLETE_INPUT_LIMIT
    if len(value) <= limit:
        return True
    try:
        await interaction.response.autocomplete([])
    except discord.HTTPException as error:
        log.warning("could not answer autocomplete guild=%s: %s", interaction.guild_id, error)
    return False


def _focused_option(options: list) -> tuple[str, object] | None:
    for option in options:
        if option.get("focused"):
            return option.get("name"), option.get("value")
        nested = _focused_option(option.get("options") or [])
        if nested is not None:
            return nested
    return None


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as error:
        log.warning("could not send an error reply guild=%s: %s", interaction.guild_id, error)


def _option_label(value: object) -> str:
    mention = getattr(value, "mention", None)
    return mention if isinstance(mention, str) else shorten(value)


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return command.qualified_name if command else "?"
