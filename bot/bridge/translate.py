"""Translate one message's text: protect markup (code, URLs, mentions), translate prose, reassemble."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.pipeline.markup import protect



@dataclass(frozen=True, slots=True)
class TranslatedText:
    ok: bool
    text: str
    provider: str | None = None
    error: str = ""


class TextTranslator(Protocol):
    # `keep`: terms left exactly as written (protected like markup); passed only when there are some.
    async def translate(self, text: str, source: str, target: str, guild_id: int, *, keep: Iterable[str] = ()) -> TranslatedText: ...


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
