"""The text of a Pinyin answer: one line per word, then the slang it uses, within Discord's limit."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import shorten
from bot.learning.reading import WordReading
from bot.learning.slang import SlangHit, notes_for

MESSAGE_LIMIT = 2000
TRANSLATION_EXCERPT = 600


def reader_language(locale: object) -> str:
    """"en", "zh-Hans" or "zh-Hant" for a Discord locale (Traditional for zh-TW and zh-HK)."""
    value = str(getattr(locale, "value", locale) or "")
    if value in ("zh-TW", "zh-HK"):
        return "zh-Hant"
    return "zh-Hans" if value.startswith("zh") else "en"


def word_line(word: WordReading) -> str:
    line = f"**{word.text}** {word.pinyin}"
    if word.gloss:
        line += f" — {word.gloss}"
    if word.hsk_label:
        line += f" · HSK {word.hsk_label}"
    return line


class PinyinAnswer:
    def __init__(self, i18n, locale: object) -> None:
        self.i18n = i18n
        self.locale = locale
        self.language = reader_language(locale)

    def words(self, words: Sequence[WordReading], slang: Sequence[SlangHit], *, intro: str = "") -> str:
        head = [intro] if intro else []
        head.append(self.i18n.t("learning.pinyin.header", self.locale))
        tail = self._slang_lines(slang)
        lines: list[str] = []
        seen: set[str] = set()
        unique = [word for word in words if not (word.text in seen or seen.add(word.text))]
        budget = MESSAGE_LIMIT - len("\n".join(head + tail)) - 80
        for index, word in enumerate(unique):
            line = word_line(word)
            if len(line) + 1 > budget:
                lines.append(self.i18n.t("learning.pinyin.more", self.locale, count=len(unique) - index))
                break
            lines.append(line)
            budget -= len(line) + 1
        return "\n".join(head + lines + tail)[:MESSAGE_LIMIT]

    def translation(self, translated: str, words: Sequence[WordReading], slang: Sequence[SlangHit]) -> str:
        intro = self.i18n.t("learning.pinyin.no_chinese", self.locale) + "\n> " + shorten(" ".join(translated.split()), TRANSLATION_EXCERPT)
        return self.words(words, slang, intro=intro)

    def no_chinese_untranslated(self, slang: Sequence[SlangHit]) -> str:
        return "\n".join([self.i18n.t("learning.pinyin.no_chinese_failed", self.locale), *self._slang_lines(slang)])

    def no_chinese_opted_out(self, slang: Sequence[SlangHit]) -> str:
        return "\n".join([self.i18n.t("learning.pinyin.no_chinese_opted_out", self.locale), *self._slang_lines(slang)])

    def _slang_lines(self, slang: Sequence[SlangHit]) -> list[str]:
        if not slang:
            return []
        return [self.i18n.t("learning.pinyin.slang_header", self.locale),
                *(f"💬 {note}" for note in notes_for(slang, self.language, limit=5))]
