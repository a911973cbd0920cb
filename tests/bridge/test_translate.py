"""A copy's words: translated with slang kept and noted, converted to the channel's script, or as written."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bridge.models import BridgeChannel, OriginalMessage
from bot.bridge.plan import CopyPlan
from bot.bridge.translate import TranslatedText, copy_words

ENGLISH = BridgeChannel(20, 1, 7, "en")
TRADITIONAL = BridgeChannel(21, 1, 7, "zh", script="traditional")


class Translator:
    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.kept: list[tuple[str, ...]] = []

    async def translate(self, text, source, target, guild_id, *, keep=()) -> TranslatedText:
        self.kept.append(tuple(keep))
        if text not in self.table:
            return TranslatedText(False, text, None, "provider down")
        return TranslatedText(True, self.table[text], "table")


@dataclass
class Notes:
    terms: tuple[str, ...]
    line: str


class SlangNotes:
    def annotate(self, text, target, channel_id, guild_id) -> Notes | None:
        return Notes(("yyds",), "-# 💬 yyds = the greatest") if "yyds" in text else None


def original(content: str) -> OriginalMessage:
    return OriginalMessage(100, 10, 7, 5, "Ann", None, content)


async def test_a_translation_keeps_slang_as_written_with_its_note_below() -> None:
    translator = Translator({"他 yyds": "he is yyds"})
    words = await copy_words(translator, SlangNotes(), original("他 yyds"), CopyPlan(ENGLISH, "en", "zh-Hans"))
    assert words.ok and words.translation == "he is yyds"
    assert words.text == "he is yyds\n-# 💬 yyds = the greatest"
    assert translator.kept == [("yyds",)]


async def test_a_failed_translation_leaves_the_words_as_written() -> None:
    words = await copy_words(Translator({}), None, original("你好"), CopyPlan(ENGLISH, "en", "zh-Hans"))
    assert not words.ok and words.text == "你好" and words.translation is None


async def test_a_copy_in_its_own_language_is_only_converted_to_the_channels_script() -> None:
    translator = Translator({})
    plan = CopyPlan(TRADITIONAL, None, "zh-Hans", convert_script="zh-Hant")
    words = await copy_words(translator, SlangNotes(), original("汉语"), plan)
    assert words.ok and words.text == "漢語" and words.translation is None
    assert translator.kept == []
