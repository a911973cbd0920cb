"""What one reader gets when they ask for a message in their language (the Translate menu, flag reactions).

Discord-free: the cog passes the text, the reader's target language and the glossary translator.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.bridge.glossary import GlossaryTranslator
from bot.pipeline.detect import detect_language
from bot.translation.languages import to_simplified, to_traditional


def reader_target(locale: object) -> str:
    """The target language of a reader's Discord locale: "zh-Hant", "zh-Hans" or "en"."""
    value = getattr(locale, "value", str(locale))
    if value == "zh-TW":
        return "zh-Hant"
    if value == "zh-CN":
        return "zh-Hans"
    return "en"


@dataclass(frozen=True)
class Reading:
    """What a reader gets: "translated"/"converted" (with `text`), "already", "nothing" or "failed"."""

    kind: str
    text: str = ""


def reading_without_provider(text: str, target: str) -> Reading | None:
    """The answers that need no translation service: nothing to translate, already in the reader's
    language, or only the Chinese script to convert. None: a provider must translate."""
    detection = detect_language(text)
    if not text.strip() or detection.language == "none":
        return Reading("nothing")
    if detection.language != ("en" if target == "en" else "zh"):
        return None
    converted = to_traditional(text) if target == "zh-Hant" else to_simplified(text) if target == "zh-Hans" else text
    return Reading("already") if converted == text else Reading("converted", converted[:2000])




async def reading_for(translator: GlossaryTranslator, text: str, target: str, guild_id: int) -> Reading:
    """`text` for one reader in `target` ("en", "zh-Hans", "zh-Hant"), with the server's glossary.
    Opt-outs are checked by the caller."""
    quick = reading_without_provider(text, target)
    if quick is not None:
        return quick
    detection = detect_language(text)
    source = "en" if detection.language == "en" else ("zh-Hant" if detection.script == "traditional" else "zh-Hans")
    if detection.language not in ("en", "zh"):
        source = "auto"
    result = await translator.translate(text, source, target, guild_id)
    return Reading("translated", result.text[:2000]) if result.ok else Reading("failed")
