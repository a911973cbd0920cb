"""Slash-command option types of the `/bridge` group."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.checks import UserFacingError


class LinkableChannel(app_commands.Transformer):
    """A channel that can be linked: text or announcement (both take webhooks; threads cannot be
    linked, forums, voice channels and categories take no messages of their own).

    Discord's client offers only those types, but a stale command registration or another client
    may still send anything: that gets the specific refusal, not the generic error.
    """

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction, value: object) -> discord.TextChannel:
        channel = value
        if isinstance(value, (app_commands.AppCommandChannel, app_commands.AppCommandThread)):
            channel = value.resolve() or value
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError("bridge.error.not_text", channel=f"<#{getattr(value, 'id', value)}>")
        return channel


Linkable = app_commands.Transform[discord.TextChannel, LinkableChannel]
