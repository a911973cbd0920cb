"""Which captions get translated, and into what (the translator is a stand-in)."""

from bot.bridge.translate import TranslatedText
from bot.cattax.captions import translate_caption


class RecordingTranslator:
    def __init__(self, *, ok: bool = True) -> None:
        self.ok = ok
        self.calls: list[tuple[str, str, str]] = []

    async def translate(self, text: str, source: str, target: str, guild_id: int) -> TranslatedText:
        self.calls.append((text, source, target))
        if not self.ok:
            return TranslatedText(False, text, None, "provider down")
        return TranslatedText(True, f"<{target}>{text}", "fake")


async def test_an_english_caption_is_translated_into_simplified_chinese() -> None:
    translator = RecordingTranslator()
    result = await translate_caption("Meet my dog Biscuit", translator, 1)
    assert result.text == "<zh-Hans>Meet my dog Biscuit" and translator.calls[0][1:] == ("en", "zh-Hans")


async def test_a_traditional_chinese_caption_is_translated_into_english() -> None:
    translator = RecordingTranslator()
    result = await translate_caption("這是我家的貓咪", translator, 1)
    assert (result.source, result.target) == ("zh", "en")


async def test_emoji_numbers_and_empty_captions_are_left_alone() -> None:
    translator = RecordingTranslator()
    for caption in ("", "   ", "🐱🐱🐱", "666"):
        assert await translate_caption(caption, translator, 1) is None
    assert translator.calls == []


async def test_a_failed_translation_posts_nothing() -> None:
    assert await translate_caption("Meet my dog Biscuit", RecordingTranslator(ok=False), 1) is None
