"""What the parts of the cat-tax cog share: the module name, names shown as plain text, links."""

from __future__ import annotations

import discord

MODULE = "cattax"


def plain(text: str) -> str:
    """A name shown as text: no markdown, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
