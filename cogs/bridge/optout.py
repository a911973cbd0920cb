"""`/bridge optout` and `/bridge optin`: a person's own messages are relayed or not (`bot/bridge/optout.py`)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.personal_language import reader_locale


class OptOut:
    """Part of BridgeCog: the opt-out commands, for everyone."""

    async def person_forgotten(self, user_id: int, guild_id: int | None) -> None:
        """`/qiao forget-me` deleted the person's rows (their opt-out among them): reload the opt-outs."""
        await self.optouts.load()

    @app_commands.command(name="optout", description=_("Stop relaying your own messages", key="commands.bridge.optout.description"))
    async def optout(self, interaction: discord.Interaction) -> None:
        changed = await self.optouts.opt_out(interaction.user.id)
        key = "bridge.optout.done" if changed else "bridge.optout.already"
        await interaction.response.send_message(self.bot.i18n.t(key, reader_locale(interaction)), ephemeral=True)

    @app_commands.command(name="optin", description=_("Relay your own messages again", key="commands.bridge.optin.description"))
    async def optin(self, interaction: discord.Interaction) -> None:
        changed = await self.optouts.opt_in(interaction.user.id)
        key = "bridge.optin.done" if changed else "bridge.optin.already"
        await interaction.response.send_message(self.bot.i18n.t(key, reader_locale(interaction)), ephemeral=True)

