"""The text of a copy: author name for the webhook, reply context, attachments, labels, splits.

Everything here is pure string work so it can be tested without Discord.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.bridge.models import Attachment, Sticker
from bot.i18n import shorten
from bot.pipeline.patterns import CODE_BLOCK, INLINE_CODE
from bot.pipeline.split import split_message

MESSAGE_LIMIT = 2000
WEBHOOK_NAME_LIMIT = 80
REPLY_EXCERPT_LIMIT = 90
FALLBACK_NAME = "Member"

# Discord refuses webhook usernames containing these words (any case).
_FORBIDDEN_NAME_WORDS = re.compile(r"discord|clyde", re.IGNORECASE)
_MASS_MENTION = re.compile(r"@(everyone|here)\b")
_WHITESPACE = re.compile(r"\s+")
_CODE_FENCE = re.compile(r"```[\s\S]*?```|```")
# Code as Discord renders it (an escaped backtick opens nothing, so escapes are read first).
_ESCAPE_OR_CODE = re.compile(rf"\\[\s\S]|(?P<code>{CODE_BLOCK}|{INLINE_CODE})")
_ZERO_WIDTH_SPACE = "\u200b"


@dataclass(frozen=True, slots=True)
class Labels:
    """Catalogue texts a copy may carry, already localised (built once from i18n)."""

    machine_translation: str  # e.g. "🌐 machine translation · 机器翻译"
    translation_unavailable: str  # e.g. "⚠️ translation unavailable, showing the original · …"
    translation_of: dict[str, str]  # target language -> "↪ translation of {link}"
    reply_arrow: str = "↩"
    forwarded: str = "↪ forwarded · 转发"


def webhook_username(display_name: str) -> str:
    """A name Discord accepts for a webhook post: no "discord"/"clyde", 1–80 characters."""
    name = _WHITESPACE.sub(" ", display_name).strip()
    # A zero-width space inside the word keeps it readable while Discord's check no longer matches.
    name = _FORBIDDEN_NAME_WORDS.sub(lambda match: match.group(0)[0] + _ZERO_WIDTH_SPACE + match.group(0)[1:], name)
    if not name:
        name = FALLBACK_NAME
    return name[:WEBHOOK_NAME_LIMIT].rstrip() or FALLBACK_NAME


def neutralise_mass_mentions(text: str) -> str:
    """`@everyone`/`@here` can never ping, even if allowed_mentions were wrong somewhere.

    Inside code spans and blocks Discord shows them as text and pings nobody: code is copied
    exactly as written."""
    pieces: list[str] = []
    start = 0
    for match in _ESCAPE_OR_CODE.finditer(text):
        if match.group("code") is None:
            continue
        pieces.append(_MASS_MENTION.sub("@" + _ZERO_WIDTH_SPACE + r"\1", text[start : match.start()]))
        pieces.append(match.group())
        start = match.end()
    pieces.append(_MASS_MENTION.sub("@" + _ZERO_WIDTH_SPACE + r"\1", text[start:]))
    return "".join(pieces)


def excerpt(text: str, limit: int = REPLY_EXCERPT_LIMIT) -> str:
    flat = _WHITESPACE.sub(" ", _CODE_FENCE.sub(" ", text)).strip().replace("`", "'")
    return neutralise_mass_mentions(shorten(flat, limit))


def without_relay_lines(content: str, markers: Iterable[str], arrow: str = "↩") -> str:
    """The text of one of our copies without the lines the relay added to it: the reply context
    on top and footer lines carrying one of `markers` (labels, notices, marks) at the bottom."""
    lines = content.split("\n")
    if lines and lines[0].startswith(f"> {arrow} "):
        lines = lines[1:]
    markers = [marker for marker in markers if marker]
    while lines and lines[-1].startswith("-# ") and any(marker in lines[-1] for marker in markers):
        lines.pop()
    return "\n".join(lines)


def escape_name(name: str) -> str:
    return re.sub(r"([*_~`|\\>])", r"\\\1", name)


def reply_line(author_name: str, quoted: str, link: str, arrow: str = "↩") -> str:
    """`> ↩ **Name**: excerpt · link` — one line saying which message this answers."""
    text = excerpt(quoted)
    parts = [f"> {arrow} **{escape_name(author_name)}**"]
    if text:
        parts.append(f": {text}")
    parts.append(f" {link}")
    return "".join(parts)


def attachment_lines(attachments: Iterable[Attachment], stickers: Iterable[Sticker] = ()) -> list[str]:
    """URLs on lines of their own, which Discord shows as images and file links."""
    lines = [f"||{item.url} ||" if item.spoiler else item.url for item in attachments]
    for sticker in stickers:
        lines.append(sticker.image_url or f"[{sticker.name}]")
    return lines


def subtext(*parts: str) -> str:
    kept = [part for part in parts if part]
    return "-# " + " · ".join(kept) if kept else ""


def compose(
    body: str,
    *,
    header: str = "",
    attachments: list[str] | None = None,
    footer: str = "",
    limit: int = MESSAGE_LIMIT,
) -> list[str]:
    """The message(s) to post: header, body and attachment lines, footer on the last part.

    Longer than `limit` splits into several posts (all mapped to the original).
    """
    main = "\n".join(part for part in (header, neutralise_mass_mentions(body).strip("\n"), *(attachments or [])) if part)
    if not main and not footer:
        return []
    reserve = len(footer) + 1 if footer else 0
    if len(main) + reserve <= limit:
        return ["\n".join(part for part in (main, footer) if part)]
    pieces = split_message(main, limit=limit - reserve) if main else [""]
    if footer:
        pieces[-1] = "\n".join(part for part in (pieces[-1], footer) if part)
    return [piece for piece in pieces if piece]
