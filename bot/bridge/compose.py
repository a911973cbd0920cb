"""4. compose: what a copy says around its (translated) words: author name for the webhook, reply
context, attachment lines, footer labels, late mark, splits at 2,000 characters.

`CopyComposer` builds the messages of one copy; the functions below it are pure string work, so
they can be tested without Discord. Only the reply context reads more: the message map, to link the
replied message's copy in the same channel, and the translator, for the quoted excerpt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.bridge.models import Attachment, OriginalMessage, Sticker, jump_url
from bot.bridge.plan import CopyPlan, source_language
from bot.i18n import shorten
from bot.pipeline.detect import detect_language
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


class CopyComposer:
    """The messages of one copy: reply context on top, words, attachment lines, footer (forwarded
    mark, link to the original, machine-translation label or unavailable notice, late mark)."""

    def __init__(self, labels: Labels, late_marker: str, store, translator) -> None:
        self.labels = labels
        self.late_marker = late_marker
        self.store = store  # the message map, read for reply context links
        self.translator = translator  # translates the quoted excerpt of a reply

    def contents(self, original: OriginalMessage, plan: CopyPlan, words: str, *, header: str, late: bool) -> list[str]:
        """A translated (or script-converted) copy's posts."""
        return compose(words, header=header, attachments=self._attachments(original), footer=self.footer(original, plan, late=late))

    def untranslated_contents(self, original: OriginalMessage, plan: CopyPlan, *, header: str) -> list[str]:
        """The original's words, with a notice that the translation is unavailable (when one was meant)."""
        return compose(original.content, header=header, attachments=self._attachments(original),
                       footer=self.untranslated_footer(original, plan))

    def _attachments(self, original: OriginalMessage) -> list[str]:
        return attachment_lines(original.attachments, original.stickers)

    # -- footer -----------------------------------------------------------------------------------

    def footer(self, original: OriginalMessage, plan: CopyPlan, *, late: bool) -> str:
        label = self.labels.machine_translation if plan.is_translation and plan.channel.show_label else ""
        footer = subtext(self._forwarded(original), self._translation_of(original, plan), label)
        if late:
            return "\n".join(part for part in (footer, self.late_marker) if part)
        return footer

    def untranslated_footer(self, original: OriginalMessage, plan: CopyPlan) -> str:
        notice = self.labels.translation_unavailable if plan.is_translation else ""
        return subtext(self._forwarded(original), self._translation_of(original, plan), notice)

    def _translation_of(self, original: OriginalMessage, plan: CopyPlan) -> str:
        if not plan.under_original or plan.translate_to is None:
            return ""
        template = self.labels.translation_of.get(plan.translate_to) or self.labels.translation_of.get("en", "↪ {link}")
        return template.format(link=original.jump_url())

    def _forwarded(self, original: OriginalMessage) -> str:
        return self.labels.forwarded if original.forwarded else ""

    def combined_footer(self, footers: Iterable[str]) -> str:
        """One footer for a combined post: each line of its copies' footers once, in order."""
        seen: list[str] = []
        for footer in footers:
            for line in footer.splitlines():
                if line not in seen:
                    seen.append(line)
        return subtext(*(line.removeprefix("-# ") for line in seen))

    def footer_once_translated(self, footer: str, *, show_label: bool) -> str:
        """A combined post's footer once no line in it is untranslated: no notice, the label instead."""
        notice, label = self.labels.translation_unavailable, self.labels.machine_translation
        parts = footer.removeprefix("-# ")
        if notice not in parts:
            return footer
        parts = parts.replace(" · " + notice, "").replace(notice + " · ", "").replace(notice, "")
        if label not in parts and show_label:
            parts = " · ".join(part for part in (parts, label) if part)
        return subtext(parts)

    def relay_markers(self, *, notes: bool) -> list[str]:
        """Texts that mark a footer line as added by the relay (`notes`: slang notes are on)."""
        # "↪ translation of {link}", "↪ {link} 的翻译": the longer side of the link names the line.
        links = [max((side.strip() for side in template.split("{link}")), key=len) for template in self.labels.translation_of.values()]
        # A slang note line ("-# 💬 yyds = …", bot.learning.notes.NOTE_PREFIX; not imported here:
        # that module loads the slang catalogue).
        note_markers = ["💬"] if notes else []
        return [self.labels.machine_translation, self.labels.translation_unavailable, self.labels.forwarded, *links,
                *note_markers, self.late_marker.removeprefix("-# ")]

    # -- reply context ----------------------------------------------------------------------------

    @staticmethod
    def has_reply_context(original: OriginalMessage, plan: CopyPlan) -> bool:
        return (original.reply_to is not None or bool(original.reply_to_id)) and not plan.under_original

    async def reply_context(self, original: OriginalMessage, plan: CopyPlan, *, notes: bool) -> str:
        """`> ↩ **Name**: excerpt · link`, linking the replied message's copy in the copy's channel."""
        replied = original.reply_to
        replied_id = replied.message_id if replied else original.reply_to_id
        replied_channel = replied.channel_id if replied else original.channel_id
        link = jump_url(original.guild_id, replied_channel, replied_id)
        target_channel = plan.channel.channel_id
        root_channel, root_id = replied_channel, replied_id
        copy_record = await self.store.copy(replied_id)
        if copy_record is not None:
            root_channel, root_id = copy_record.original_channel_id, copy_record.original_message_id
        if root_channel == target_channel:
            link = jump_url(original.guild_id, root_channel, root_id)
        else:
            for record in await self.store.copies_of(root_id):
                if record.copy_channel_id == target_channel and record.part == 0:
                    link = jump_url(original.guild_id, target_channel, record.copy_message_id)
                    break
        if replied is None:
            return reply_line("…", "", link, self.labels.reply_arrow)
        quoted = replied.content
        if replied.webhook_id is not None:
            # One of our copies: quote its words, not the labels and context lines we added.
            quoted = without_relay_lines(quoted, self.relay_markers(notes=notes), self.labels.reply_arrow)
        if plan.translate_to is not None and quoted.strip():
            short = quoted[:300]
            detection = detect_language(short)
            wanted = "en" if plan.translate_to == "en" else "zh"
            if detection.language not in (wanted, "none"):
                result = await self.translator.translate(
                    short, source_language(detection), plan.translate_to,
                    original.guild_id,
                )
                if result.ok:
                    quoted = result.text
        return reply_line(replied.author_name, quoted, link, self.labels.reply_arrow)


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


def without_footer(content: str, footer: str) -> str:
    """A copy's first post without the footer it ends with: its words (and header)."""
    if footer and content.endswith("\n" + footer):
        return content[: -len(footer) - 1]
    if footer and content == footer:
        return ""
    return content


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
