"""Slash-command option types of the `/bridge` group."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import UserFacingError

# Option descriptions several /bridge commands share.
CHANNEL_PARAM = _("The channel", key="commands.bridge.param.channel")
SCRIPT_PARAM = _("Chinese script for translations into this channel", key="commands.bridge.param.script")
LANGUAGE_PARAM = _("The language of this channel", key="commands.bridge.param.language")
TERM_PARAM = _("The term as written", key="commands.bridge.param.term")

LANGUAGE_CHOICES = [
    app_commands.Choice(name=_("English", key="commands.bridge.choice.english"), value="en"),
    app_commands.Choice(name=_("Chinese", key="commands.bridge.choice.chinese"), value="zh"),
]
SCRIPT_CHOICES = [
    app_commands.Choice(name=_("Simplified", key="commands.bridge.choice.simplified"), value="simplified"),
    app_commands.Choice(name=_("Traditional", key="commands.bridge.choice.traditional"), value="traditional"),
]
LABEL_CHOICES = [
    app_commands.Choice(name=_("shown", key="commands.bridge.choice.shown"), value="shown"),
    app_commands.Choice(name=_("hidden", key="commands.bridge.choice.hidden"), value="hidden"),
]


class LinkableChannel(app_commands.Transformer):
    """A channel that can be linked: text or announcement (both take webhooks), or a forum or media
    channel (linked with another one: each post becomes a post there). Threads cannot be linked;
    voice channels and categories take no messages of their own.

    Discord's client offers only those types, but a stale command registration or another client
    may still send anything: that gets the specific refusal, not the generic error.
    """

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news, discord.ChannelType.forum, discord.ChannelType.media]

    async def transform(self, interaction: discord.Interaction, value: object) -> discord.TextChannel | discord.ForumChannel:
        channel = value
        if isinstance(value, (app_commands.AppCommandChannel, app_commands.AppCommandThread)):
            channel = value.resolve() or value
        if not isinstance(channel, (discord.TextChannel, discord.ForumChannel)):
            raise UserFacingError("bridge.error.not_text", channel=f"<#{getattr(value, 'id', value)}>")
        return channel


Linkable = app_commands.Transform[discord.TextChannel | discord.ForumChannel, LinkableChannel]
# A channel of a bridge, or a thread of one (or made bilingual on its own).
BridgedChannel = discord.TextChannel | discord.Thread | discord.ForumChannel


def refuse_forum_with_text(first: object, second: object) -> None:
    """A forum links only with a forum (posts become posts), a text channel only with a text channel."""
    first_is_forum, second_is_forum = isinstance(first, discord.ForumChannel), isinstance(second, discord.ForumChannel)
    if first_is_forum != second_is_forum:
        forum, other = (first, second) if first_is_forum else (second, first)
        raise UserFacingError("bridge.forum.error.with_text", forum=forum.mention, other=other.mention)
