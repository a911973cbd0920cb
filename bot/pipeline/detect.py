"""Language detection for short chat messages: English, Chinese, another language, or nothing.

Two passes, both deterministic:

1. A Unicode-script pass. Kana or Hangul means Japanese or Korean, never Chinese. Han text is
   Chinese unless it holds more Japanese-only kanji (in Shift-JIS but in neither GB2312 nor
   Big5, e.g. 円 駅 気 関) than Chinese-only characters (in GB2312 or Big5 but not Shift-JIS,
   e.g. 你 们 这 吗). Mixed Han/Latin text goes to whichever carries more words; a Han
   character counts as 2/3 of a word, so ``我今天去Costco买了eggs`` and ``hello 你好`` are
   Chinese, ``I love 北京 so much`` is English.
2. For Latin text, English unless there is evidence of another language: its function words,
   letters English does not use (ñ ß ç ã ...), or ¿ ¡. English words (with the shorthand and
   particles of real SMS chat: u, ur, tmr, dunno, lor, leh, lah) and that evidence are counted.
   Chat particles that are also other languages' function words (la, da, de) are evidence
   only when no chat shorthand is around and English words do not outnumber them 3 to 1
   ("Ok da.." is English, "Wat is de maan?" is not). When both sides are present and English
   does not lose outright, a compact character-trigram model (``bot.pipeline.latin_ngrams``)
   breaks the tie in a few microseconds; langdetect is never loaded.

Letterless messages (emoji, numbers, punctuation, URLs, mentions, code) are ``"none"``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from bot.chinese_scripts import is_traditional, to_simplified, to_traditional  # noqa: F401 (re-exported)
from bot.pipeline._wordlists import (
    CHAT_MARKERS,
    CHAT_WORDS,
    ENGLISH_WORDS,
    FOREIGN_FUNCTION_WORDS_BY_LANGUAGE,
    SHARED_PARTICLES,
)
from bot.pipeline.latin_ngrams import latin_model
from bot.pipeline.patterns import NON_PROSE_TOKEN

Language = Literal["en", "zh", "other", "none"]
ChineseScript = Literal["simplified", "traditional"]


@dataclass(frozen=True, slots=True)
class Detection:
    language: Language
    script: ChineseScript | None = None  # set only for "zh"

    @property
    def has_text(self) -> bool:
        return self.language != "none"


NOTHING_TO_TRANSLATE = Detection("none")
ENGLISH = Detection("en")
OTHER = Detection("other")
SIMPLIFIED_CHINESE = Detection("zh", "simplified")
TRADITIONAL_CHINESE = Detection("zh", "traditional")

_LATIN_LETTER_RANGES = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{_HAN_RANGES}]")
# Kana (U+30FB KATAKANA MIDDLE DOT excluded: Chinese uses it in foreign names) and Hangul.
_KANA_OR_HANGUL = re.compile(
    "[\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]"
)
_LATIN_WORD = re.compile(rf"[{_LATIN_LETTER_RANGES}]+(?:['’][A-Za-z]+)*")
# Letters of any script other than Latin and Han (Cyrillic, Arabic, Devanagari, Thai...).
_OTHER_SCRIPT_WORD = re.compile(
    rf"[^\W\d_{_LATIN_LETTER_RANGES}{_HAN_RANGES}]+"
)
_ANY_LETTER = re.compile(r"[^\W\d_]")
_NON_ENGLISH_LATIN_LETTER = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_SPANISH_OPENING_MARK = re.compile("[¿¡]")
_STRUCTURE_HINT = re.compile(r"[`<@]|://")

# A Han character carries about two thirds of an English word's meaning.
_HAN_CHARACTERS_PER_WORD = 1.5
# When a Latin message has English words and another language's function words, the trigram
# model must prefer the other language by this much per trigram to overrule the English words.
_TRIGRAM_MARGIN_AGAINST_ENGLISH = 0.0
# Without other evidence, particles that are also other languages' function words ("da", "la")
# are outweighed by this many English words each.
_ENGLISH_WORDS_PER_PARTICLE = 3


def _encodable(character: str, encoding: str) -> bool:
    try:
        character.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _character_class(characters: list[str]) -> str:
    """A compact regex character class (runs collapsed to ranges) for ``characters``."""
    parts: list[str] = []
    codepoints = sorted(ord(c) for c in characters)
    start = previous = codepoints[0]
    for codepoint in [*codepoints[1:], -1]:
        if codepoint == previous + 1:
            previous = codepoint
            continue
        parts.append(chr(start) if start == previous else f"{chr(start)}-{chr(previous)}")
        start = previous = codepoint
    return "[" + "".join(parts) + "]"


@functools.cache
def _kanji_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Japanese-only kanji and Chinese-only hanzi as two compact regex classes (runs of code
    points as ranges, ~10 KB), built from the codecs on first use (~0.1 s)."""
    japanese_only: list[str] = ["\u3005", "\u3006"]  # 々 〆
    chinese_only: list[str] = []
    for codepoint in range(0x4E00, 0xA000):
        character = chr(codepoint)
        in_japanese = _encodable(character, "cp932")
        in_chinese = _encodable(character, "gb2312") or _encodable(character, "big5")
        if in_japanese and not in_chinese:
            japanese_only.append(character)
        elif in_chinese and not in_japanese:
            chinese_only.append(character)
    return re.compile(_character_class(japanese_only)), re.compile(_character_class(chinese_only))


_ENGLISH_WORDS: frozenset[str] = ENGLISH_WORDS | CHAT_WORDS
_FOREIGN_WORDS: frozenset[str] = frozenset(
    word
    for words in FOREIGN_FUNCTION_WORDS_BY_LANGUAGE.values()
    for word in words.split()
    if len(word) > 1 and word not in _ENGLISH_WORDS and word not in SHARED_PARTICLES
)

def detect_language(text: str) -> Detection:
    if _STRUCTURE_HINT.search(text):
        text = NON_PROSE_TOKEN.sub(" ", text)
    if text.isascii():  # most chat: no Han, kana, Hangul or other scripts to look for
        latin_words = _LATIN_WORD.findall(text)
        return _detect_latin(latin_words, text) if latin_words else NOTHING_TO_TRANSLATE
    if _KANA_OR_HANGUL.search(text):
        return OTHER
    han_count = len(_HAN.findall(text))
    if han_count:
        latin_words = _LATIN_WORD.findall(text)
        other_words = len(_OTHER_SCRIPT_WORD.findall(text))
        if han_count / _HAN_CHARACTERS_PER_WORD >= max(len(latin_words), other_words):
            return _detect_han(text)
        if other_words > len(latin_words):
            return OTHER
        return _detect_latin(latin_words, text)
    if not _ANY_LETTER.search(text):
        return NOTHING_TO_TRANSLATE
    latin_words = _LATIN_WORD.findall(text)
    if len(_OTHER_SCRIPT_WORD.findall(text)) >= len(latin_words):
        return OTHER
    return _detect_latin(latin_words, text)


# Everyday Japanese words written only in kanji that are not (or hardly) words in Chinese. Shared
# characters defeat the character test on short all-kanji lines such as "株主。" or "多分？".
_JAPANESE_KANJI_WORDS = re.compile(
    "株式|株主|会社|人間|多分|大丈夫|勉強|手紙|切手|仕事|自動車|電車|面白|素敵|綺麗|一緒|丁寧|友達|部屋|本当|大切|"
    "心配|料金|番号|野菜|果物|牛乳|散歩|留守|出来|出張|案内|予約|弁当|駐車|残念|返事|上手|下手|元気|失礼|挨拶|"
    "今度|自分|時計|^銃"
)
# Chinese function characters: with one of these the line is Chinese whatever words it borrows.
_CHINESE_FUNCTION_CHARACTERS = re.compile("[的了是我你他她在吗嗎呢吧们們这這那不很也都就说說有没沒]")


def _detect_han(text: str) -> Detection:
    japanese_only, chinese_only = _kanji_classes()
    if japanese_only.search(text):
        japanese = len(japanese_only.findall(text))
        if japanese > len(chinese_only.findall(text)):
            return OTHER
    if (
        _JAPANESE_KANJI_WORDS.search(text)
        and not _CHINESE_FUNCTION_CHARACTERS.search(text)
        and not chinese_only.search(text)
    ):
        return OTHER
    return TRADITIONAL_CHINESE if is_traditional(text) else SIMPLIFIED_CHINESE


def _english_word(lowered: str) -> bool:
    if lowered in _ENGLISH_WORDS:
        return True
    # Shorthand with a clitic: "ü'll", "u're", "tmr's".
    stem, apostrophe, _ = lowered.partition("'")
    return bool(apostrophe) and stem in _ENGLISH_WORDS


def _detect_latin(words: list[str], text: str) -> Detection:
    english = foreign = particles = 0
    chat = False
    for position, word in enumerate(words):
        lowered = word.lower().replace("’", "'").replace("‘", "'")
        if _english_word(lowered):
            english += 1
            chat = chat or lowered in CHAT_MARKERS
        elif lowered in SHARED_PARTICLES:
            particles += 1  # "la", "da", "de": chat particles in English chat, articles elsewhere
        elif word.isupper() and len(word) > 1:
            continue  # acronyms (AI, NASA) say nothing about the language around them
        elif position and word[0].isupper():
            continue  # a capitalised word mid-message is most likely a name: Björk, Los Angeles
        elif lowered in _FOREIGN_WORDS or _NON_ENGLISH_LATIN_LETTER.search(lowered):
            foreign += 1
    if _SPANISH_OPENING_MARK.search(text):
        foreign += 1
    if not foreign and (chat or english >= _ENGLISH_WORDS_PER_PARTICLE * particles):
        return ENGLISH  # "Ok da..", "I think i am disturbing her da": a particle among English
    if not chat:
        foreign += particles
    if foreign > english:
        return OTHER
    model = latin_model()
    margin = model.english_margin(text) if model is not None else None
    if margin is not None and margin < -_TRIGRAM_MARGIN_AGAINST_ENGLISH:
        return OTHER
    return ENGLISH


def warm_up() -> None:
    """Build the kanji classes and the trigram model now rather than on the first message that
    needs them (the bot calls this in a thread while it starts)."""
    _kanji_classes()
    latin_model()
