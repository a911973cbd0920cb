"""Server-level settings for moderators: which modules run here, where Qiao reports problems."""

from __future__ import annotations

import secrets

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.checks import UserFacingError, moderator_only
from bot.forget import FORGET_PREFIX, forget_person
from bot.guild_config import MODULES
from bot.personal_language import reader_locale

MODULE_CHOICES = [
    app_commands.Choice(name=_(name, key=f"commands.modules.choice.{name}"), value=name) for name in MODULES
]


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class Modules(
    commands.GroupCog,
    group_name=_("modules", key="commands.modules.name"),
    group_description=_("Turn Qiao's features on or off for this server", key="commands.modules.description"),
):
    def __init__(self, bot) -> None:
        self.bot = bot

    @app_commands.command(name="list", description=_("Show which features are on in this server", key="commands.modules.list.description"))
    @moderator_only()
    async def list_modules(self, interaction: discord.Interaction) -> None:
        i18n = self.bot.i18n
        states = await self.bot.guild_config.modules(interaction.guild_id)
        lines = [
            i18n.t(
                "core.modules.line_on" if states[name] else "core.modules.line_off",
                reader_locale(interaction),
                module=i18n.t(f"core.module.{name}", reader_locale(interaction)),
                name=name,
            )
            for name in MODULES
        ]
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command(name="enable", description=_("Turn a feature on in this server", key="commands.modules.enable.description"))
    @app_commands.describe(name=_("The feature", key="commands.modules.param.name"))
    @app_commands.choices(name=MODULE_CHOICES)
    @moderator_only()
    async def enable(self, interaction: discord.Interaction, name: app_commands.Choice[str]) -> None:
        await self._set(interaction, name.value, True)

    @app_commands.command(name="disable", description=_("Turn a feature off in this server", key="commands.modules.disable.description"))
    @app_commands.describe(name=_("The feature", key="commands.modules.param.name"))
    @app_commands.choices(name=MODULE_CHOICES)
    @moderator_only()
    async def disable(self, interaction: discord.Interaction, name: app_commands.Choice[str]) -> None:
        await self._set(interaction, name.value, False)

    async def _set(self, interaction: discord.Interaction, module: str, enabled: bool) -> None:
        await self.bot.guild_config.set_module(interaction.guild_id, module, enabled)
        key = "core.modules.enabled" if enabled else "core.modules.disabled"
        label = self.bot.i18n.t(f"core.module.{module}", reader_locale(interaction))
        await interaction.response.send_message(self.bot.i18n.t(key, reader_locale(interaction), module=label), ephemeral=True)


# No group-wide default permissions: /qiao forget-me is for everyone; the moderator commands carry
# their own `moderator_only()` check.
@app_commands.guild_only()
class ServerSettings(
    commands.GroupCog,
    group_name=_("qiao", key="commands.qiao.name"),
    group_description=_("Qiao's settings for this server", key="commands.qiao.description"),
):
    def __init__(self, bot) -> None:
        self.bot = bot

    @app_commands.command(
        name="log-channel",
        description=_("Where Qiao tells moderators about problems (empty: the system channel)", key="commands.qiao.log_channel.description"),
    )
    @app_commands.describe(channel=_("The channel for Qiao's notices", key="commands.qiao.param.channel"))
    @moderator_only()
    async def log_channel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        await self.bot.guild_config.update(interaction.guild_id, log_channel_id=channel.id if channel else None)
        if channel:
            text = self.bot.i18n.t("core.log_channel.set", reader_locale(interaction), channel=channel.mention)
        else:
            text = self.bot.i18n.t("core.log_channel.cleared", reader_locale(interaction))
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="forget-me",
        description=_("Delete what Qiao stores about you (asks first)", key="commands.qiao.forget_me.description"),
    )
    async def forget_me(self, interaction: discord.Interaction) -> None:
        locale = reader_locale(interaction)
        await interaction.response.send_message(
            self.bot.i18n.t("forget.confirm", locale), view=ForgetConfirmation(self, interaction.user.id, None, locale),
            ephemeral=True,
        )

    @app_commands.command(
        name="forget-member",
        description=_("Delete what Qiao stores in this server about someone who left", key="commands.qiao.forget_member.description"),
    )
    @app_commands.describe(user=_("The person who left", key="commands.qiao.param.user"))
    @moderator_only()
    async def forget_member(self, interaction: discord.Interaction, user: discord.User) -> None:
        if interaction.guild.get_member(user.id) is not None:
            raise UserFacingError("forget.error.still_member", user=user.mention)
        locale = reader_locale(interaction)
        await interaction.response.send_message(
            self.bot.i18n.t("forget.confirm_member", locale, user=user.mention),
            view=ForgetConfirmation(self, user.id, interaction.guild_id, locale, asked_by=interaction.user.id),
            ephemeral=True, allowed_mentions=discord.AllowedMentions.none(),
        )

    async def forget(self, user_id: int, guild_id: int | None) -> dict[str, int]:
        """Forget the person in the database and in every cache that holds them."""
        relay = getattr(self.bot, "bridge_relay", None)
        if relay is not None:
            await relay.store.flush()  # copies still being written belong to the map too
        removed = await forget_person(self.bot.db, user_id, guild_id=guild_id)
        await self.bot.personal_languages.load()
        # Before the person is told it is done: a cog holding people in memory drops them now.
        for cog in list(self.bot.cogs.values()):
            forgotten = getattr(cog, "person_forgotten", None)
            if forgotten is not None:
                await forgotten(user_id, guild_id)
        return removed

    def report(self, removed: dict[str, int], locale: str) -> str:
        i18n = self.bot.i18n
        if not removed:
            return i18n.t("forget.done_nothing", locale)
        lines = [i18n.t("forget.done", locale)]
        lines += [i18n.t("forget.line", locale, what=i18n.t(f"forget.item.{name}", locale), count=count)
                  for name, count in removed.items()]
        return "\n".join(lines)


class ForgetConfirmation(discord.ui.View):
    """Delete / Cancel for the person who asked; nothing happens without the press."""

    def __init__(self, cog: ServerSettings, user_id: int, guild_id: int | None, locale: str, *, asked_by: int | None = None):
        super().__init__(timeout=300)
        self.cog, self.user_id, self.guild_id, self.asked_by = cog, user_id, guild_id, asked_by or user_id
        self.locale = locale  # the report is in the language the person asked in, even once it is forgotten
        i18n = cog.bot.i18n
        self.confirm.label = i18n.t("forget.button.confirm", locale)
        self.cancel.label = i18n.t("forget.button.cancel", locale)
        # Unique ids under one prefix: other features can tell a forget request and not remember it.
        token = secrets.token_hex(8)
        self.confirm.custom_id = f"{FORGET_PREFIX}confirm:{token}"
        self.cancel.custom_id = f"{FORGET_PREFIX}cancel:{token}"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.asked_by:
            return True
        await interaction.response.send_message(
            self.cog.bot.i18n.t("forget.not_yours", reader_locale(interaction)), ephemeral=True)
        return False

    @discord.ui.button(style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.defer()
        removed = await self.cog.forget(self.user_id, self.guild_id)
        await interaction.followup.edit_message(interaction.message.id, content=self.cog.report(removed, self.locale), view=None)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(content=self.cog.bot.i18n.t("forget.cancelled", self.locale), view=None)


async def setup(bot) -> None:
    await bot.add_cog(Modules(bot))
    await bot.add_cog(ServerSettings(bot))
