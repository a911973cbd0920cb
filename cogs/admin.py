"""Server-level settings for moderators: which modules run here, where Qiao reports problems."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.checks import moderator_only
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


@app_commands.default_permissions(manage_guild=True)
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


async def setup(bot) -> None:
    await bot.add_cog(Modules(bot))
    await bot.add_cog(ServerSettings(bot))
