"""`/cattax setup|disable|status|options`: moderators choose the channel and how it behaves."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.cattax.rules import (
    ARCHIVE_DURATIONS,
    DEFAULT_EMOJI,
    NUDGE_COOLDOWN_MINUTES,
    NUDGE_LIFETIME_SECONDS,
    TextOnlyAction,
    emoji_problem,
    missing_permissions,
    needed_permissions,
    nudge_timing_problem,
)
from bot.cattax.store import CatTaxConfig
from bot.cattax.texts import permission_names, settings_summary
from bot.checks import UserFacingError, moderator_only, requires_module, role_grant_problem
from bot.i18n import shorten
from bot.personal_language import reader_locale
from cogs.cattax.common import MODULE

ARCHIVE_LABELS = {60: "1 hour", 1440: "24 hours", 4320: "3 days", 10080: "1 week"}
ARCHIVE_CHOICES = [
    app_commands.Choice(name=_(ARCHIVE_LABELS[minutes], key=f"commands.cattax.choice.archive.{minutes}"), value=minutes)
    for minutes in ARCHIVE_DURATIONS
]
TEXT_ONLY_LABELS = {
    TextOnlyAction.NUDGE: "Leave it, with a friendly reminder",
    TextOnlyAction.REMOVE: "Remove it, with a friendly reminder",
}
TEXT_ONLY_CHOICES = [
    app_commands.Choice(name=_(label, key=f"commands.cattax.choice.text_only.{action.value}"), value=action.value)
    for action, label in TEXT_ONLY_LABELS.items()
]


class SettingsCommands:
    """Part of the CatTax cog: the moderators' commands."""

    @app_commands.command(name="setup", description=_("Make a channel the cat-tax channel", key="commands.cattax.setup.description"))
    @app_commands.describe(
        channel=_("The channel where newcomers post pet photos", key="commands.cattax.param.channel"),
        role=_("Role given the first time someone pays the tax", key="commands.cattax.param.role"),
        emoji=_("Reaction on each photo (default 🐱)", key="commands.cattax.param.emoji"),
    )
    @moderator_only()
    @requires_module(MODULE)
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        role: discord.Role | None = None,
        emoji: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        guild = interaction.guild
        parsed, problem = emoji_problem(emoji or DEFAULT_EMOJI, (known.id for known in guild.emojis))
        if problem:
            raise UserFacingError(problem, emoji=shorten(emoji, 64))
        if role is not None:
            self._check_grantable(role, guild)
        config = await self.store.set_up(
            guild.id, channel.id, role_id=role.id if role else None, emoji=parsed.text
        )
        locale = reader_locale(interaction)
        lines = [
            self.bot.i18n.t(
                "cattax.setup.done", locale, channel=channel.mention, emoji=config.emoji,
                role=role.mention if role else self.bot.i18n.t("cattax.status.no_role", locale),
            )
        ]
        missing = self._missing_permissions(channel, config)
        if missing:
            lines.append(
                self.bot.i18n.t(
                    "cattax.setup.missing_permissions", locale, channel=channel.mention,
                    permissions=permission_names(self.bot.i18n, missing, locale),
                )
            )
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command(name="disable", description=_("Stop using the cat-tax channel (payments are kept)", key="commands.cattax.disable.description"))
    @moderator_only()
    async def disable(self, interaction: discord.Interaction) -> None:
        if not await self.store.disable(interaction.guild_id):
            raise UserFacingError("cattax.error.not_set_up")
        await interaction.response.send_message(self.bot.i18n.t("cattax.disable.done", reader_locale(interaction)), ephemeral=True)

    @app_commands.command(name="status", description=_("Show the cat-tax settings", key="commands.cattax.status.description"))
    @moderator_only()
    async def status(self, interaction: discord.Interaction) -> None:
        config = await self.store.config(interaction.guild_id)
        if config is None:
            text = self.bot.i18n.t("cattax.status.off", reader_locale(interaction))
        else:
            text = await self._summary(interaction.guild, config, reader_locale(interaction))
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="options", description=_("Change how the cat-tax channel behaves", key="commands.cattax.options.description"))
    @app_commands.describe(
        archive_after=_("Archive a quiet photo thread after", key="commands.cattax.param.archive_after"),
        thank_in_channel=_("Also thank tax payers in the channel itself", key="commands.cattax.param.thank_in_channel"),
        text_only=_("What to do with posts that have no photo", key="commands.cattax.param.text_only"),
        nudge_cooldown=_(
            "Minutes before the same person is reminded again (1–60, default 2)", key="commands.cattax.param.nudge_cooldown"
        ),
        nudge_lifetime=_(
            "Seconds a reminder stays before Qiao removes it (15–600, default 90)", key="commands.cattax.param.nudge_lifetime"
        ),
    )
    @app_commands.choices(archive_after=ARCHIVE_CHOICES, text_only=TEXT_ONLY_CHOICES)
    @moderator_only()
    @requires_module(MODULE)
    async def options(
        self,
        interaction: discord.Interaction,
        archive_after: app_commands.Choice[int] | None = None,
        thank_in_channel: bool | None = None,
        text_only: app_commands.Choice[str] | None = None,
        nudge_cooldown: app_commands.Range[int, NUDGE_COOLDOWN_MINUTES[0], NUDGE_COOLDOWN_MINUTES[1]] | None = None,
        nudge_lifetime: app_commands.Range[int, NUDGE_LIFETIME_SECONDS[0], NUDGE_LIFETIME_SECONDS[1]] | None = None,
    ) -> None:
        # Discord enforces the ranges in its client; checked here too, with a message that says why.
        problem = nudge_timing_problem(nudge_cooldown, nudge_lifetime)
        if problem is not None:
            key, fields = problem
            raise UserFacingError(key, **fields)
        changes: dict[str, object] = {}
        if nudge_cooldown is not None:
            changes["nudge_cooldown_seconds"] = nudge_cooldown * 60
        if nudge_lifetime is not None:
            changes["nudge_lifetime_seconds"] = nudge_lifetime
        if archive_after is not None:
            changes["archive_after_minutes"] = archive_after.value
        if thank_in_channel is not None:
            changes["thank_in_channel"] = thank_in_channel
        if text_only is not None:
            changes["text_only_action"] = TextOnlyAction(text_only.value)
        config = await self.store.update_options(interaction.guild_id, **changes)
        if config is None:
            raise UserFacingError("cattax.error.not_set_up")
        locale = reader_locale(interaction)
        summary = await self._summary(interaction.guild, config, locale)
        await interaction.response.send_message(
            self.bot.i18n.t("cattax.options.done", locale) + "\n" + summary, ephemeral=True
        )

    def _check_grantable(self, role: discord.Role, guild: discord.Guild) -> None:
        problem = role_grant_problem(role, guild)
        if problem is not None:
            raise UserFacingError(f"cattax.error.role_{problem}", role=role.mention)

    def _missing_permissions(self, channel: discord.abc.GuildChannel, config: CatTaxConfig) -> list[str]:
        granted = channel.permissions_for(channel.guild.me)
        needed = needed_permissions(
            grants_role=config.role_id is not None,
            removes_posts=config.text_only_action is TextOnlyAction.REMOVE,
        )
        return missing_permissions(lambda name: getattr(granted, name), needed)

    async def _summary(self, guild: discord.Guild, config: CatTaxConfig, locale: discord.Locale) -> str:
        channel = guild.get_channel(config.channel_id)
        role = guild.get_role(config.role_id) if config.role_id else None
        return settings_summary(
            self.bot.i18n, config, locale,
            channel=channel.mention if channel else f"#{config.channel_id}",
            role=role.mention if role else None,
            payments=await self.store.payment_count(guild.id),
            missing=self._missing_permissions(channel, config) if channel is not None else (),
            default_cooldown_seconds=self.nudge_cooldown.seconds,
            default_lifetime_seconds=self.nudge_lifetime,
        )
