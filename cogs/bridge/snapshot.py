"""discord.Message -> OriginalMessage: the Discord-free snapshot the relay engine works from."""

from __future__ import annotations

import discord

from bot.bridge.models import Attachment, OriginalMessage, RepliedMessage, Sticker

RELAYED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def snapshot(message: discord.Message) -> OriginalMessage:
    author = message.author
    reference = message.reference
    content, attachments, stickers = message.content, message.attachments, message.stickers
    forwarded = not (content or attachments or stickers) and bool(message.message_snapshots)
    if forwarded:
        # A forwarded message carries its text, files and embeds in the snapshot, not in content.
        inner = message.message_snapshots[0]
        content, attachments, stickers = _with_embed_text(inner.content, inner.embeds), inner.attachments, inner.stickers
    replied: RepliedMessage | None = None
    reply_to_id: int | None = None
    if message.type is discord.MessageType.reply and reference is not None and reference.message_id:
        reply_to_id = reference.message_id
        resolved = reference.resolved
        if isinstance(resolved, discord.Message):
            replied = RepliedMessage(
                resolved.id, resolved.channel.id, resolved.author.display_name, resolved.content, resolved.webhook_id
            )
    return OriginalMessage(
        message_id=message.id,
        channel_id=message.channel.id,
        guild_id=message.guild.id if message.guild else 0,
        author_id=author.id,
        author_name=author.display_name,
        avatar_url=author.display_avatar.url,
        content=content,
        attachments=tuple(Attachment(a.url, a.filename, a.is_spoiler()) for a in attachments),
        stickers=tuple(
            Sticker(s.id, s.name, None if s.format is discord.StickerFormatType.lottie else s.url) for s in stickers
        ),
        reply_to=replied,
        reply_to_id=reply_to_id,
        forwarded=forwarded,
    )


def _with_embed_text(content: str, embeds: list[discord.Embed]) -> str:
    """A forwarded link preview or bot card has its words in embeds; carry them as text."""
    parts = [content] if content else []
    for embed in embeds:
        parts += [text for text in (embed.title, embed.description) if text]
    return "\n".join(parts)
