"""3. translate: a copy's words. Slang is kept as written with a note below, markup (code, URLs,
mentions) is protected, prose translated and reassembled (`MessageTranslator`); a copy in the same
language is only converted to its channel's script."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.bridge.models import OriginalMessage
from bot.bridge.plan import CopyPlan
from bot.pipeline.markup import protect
from bot.translation.languages import to_simplified, to_traditional



@dataclass(frozen=True, slots=True)
class TranslatedText:
    ok: bool
    text: str
    provider: str | None = None
    error: str = ""


class TextTranslator(Protocol):
    # `keep`: terms left exactly as written (protected like markup); passed only when there are some.
    async def translate(self, text: str, source: str, target: str, guild_id: int, *, keep: Iterable[str] = ()) -> TranslatedText: ...


@dataclass(frozen=True, slots=True)
class CopyWords:
    text: str  # what the copy says: translated (with a slang note line), converted, or as written
    ok: bool = True  # False: the translation failed (`text` is the original's)
    translation: str | None = None  # the translated words alone, when a translation was made


async def copy_words(translator: TextTranslator, slang_notes, original: OriginalMessage, plan: CopyPlan) -> CopyWords:
    """The words of `original`'s copy for `plan`; `slang_notes` (`bot.learning.notes.SlangNotes`) or None."""
    body = original.content
    if plan.translate_to is not None and body.strip():
        notes = slang_notes.annotate(body, plan.translate_to, plan.channel.channel_id, original.guild_id) if slang_notes else None
        keep = {"keep": notes.terms} if notes else {}  # slang stays as written; the note explains it
        result = await translator.translate(body, plan.source_language, plan.translate_to, original.guild_id, **keep)
        if not result.ok:
            return CopyWords(result.text, ok=False)
        return CopyWords(f"{result.text}\n{notes.line}" if notes else result.text, translation=result.text)
    if plan.convert_script == "zh-Hant":
        return CopyWords(to_traditional(body))
    if plan.convert_script == "zh-Hans":
        return CopyWords(to_simplified(body))
    return CopyWords(body)


class MessageTranslator:
    """Adapter from a message text to `TranslationService.translate(segments, ...)`."""

    def __init__(self, service) -> None:
        self._service = service

    async def translate(self, text: str, source: str, target: str, guild_id: int, *, keep: Iterable[str] = ()) -> TranslatedText:
        protected = protect(text, {term: term for term in keep} or None)
        segments = list(protected.prose_segments)
        if not segments:
            return TranslatedText(True, text, "passthrough")
        result = await self._service.translate(segments, source, target, guild_id)
        if not result.ok:
            return TranslatedText(False, text, None, result.error)
        return TranslatedText(True, protected.reassemble(result.texts), result.provider)
