"""Translate a cat-tax caption (or a thread message) into the other language, when there is one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bridge.translate import TextTranslator
from bot.pipeline.detect import detect_language


@dataclass(frozen=True, slots=True)
class CaptionTranslation:
    source: str
    target: str
    text: str


def translation_direction(text: str) -> tuple[str, str] | None:
    """(source, target) between English and Simplified Chinese, or None when there is nothing to do."""
    detection = detect_language(text)
    if detection.language == "en":
        return "en", "zh-Hans"
    if detection.language == "zh":
        return "zh", "en"
    return None  # emoji, "666", other languages: nothing a bilingual thread needs translated


async def translate_caption(text: str, translator: TextTranslator, guild_id: int) -> CaptionTranslation | None:
    """The caption in the other language; None if it has no words, is not English/Chinese, or failed."""
    if not text.strip():
        return None
    direction = translation_direction(text)
    if direction is None:
        return None
    source, target = direction
    translated = await translator.translate(text, source, target, guild_id)
    if not translated.ok or translated.provider == "passthrough" or translated.text.strip() == text.strip():
        return None
    return CaptionTranslation(source, target, translated.text)
