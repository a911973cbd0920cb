"""Language detection for short chat messages: English, Chinese, another language, or nothing.

Two passes, both deterministic:

1. A Unicode-script pass. Kana or Hangul means Japanese or Korean, never Chinese. Han text is
   Chinese unless it holds more Japanese-only kanji (in Shift-JIS but in neither GB2312 nor
   Big5, e.g. 円 駅 気 関) than Chinese-only characters (in GB2312 or Big5 but not Shift-JIS,
   e.g. 你 们 这 吗). Mixed Han/Latin text goes to whichever carries more words; a Han
   character counts as 2/3 of a word, so ``我今天去Costco买了eggs`` and ``hello 你好`` are
   Chinese, ``I love 北京 so much`` is English.
2. For Latin text, English unless there is evidence of another language: its function words,
   letters English does not use (ñ ß ç ã ...), or ¿ ¡. Evidence and English words are counted;
   only when both are present in a longer message does a seeded langdetect break the tie.

Letterless messages (emoji, numbers, punctuation, URLs, mentions, code) are ``"none"``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

import opencc

from bot.pipeline._wordlists import ENGLISH_WORDS, FOREIGN_FUNCTION_WORDS_BY_LANGUAGE
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
# langdetect is slow (~1 ms) and unreliable on short text: ask it only from this many words.
_MIN_WORDS_FOR_LANGDETECT = 4


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


def _build_kanji_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
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


_JAPANESE_ONLY_KANJI, _CHINESE_ONLY_HANZI = _build_kanji_classes()

_FOREIGN_WORDS: frozenset[str] = frozenset(
    word
    for words in FOREIGN_FUNCTION_WORDS_BY_LANGUAGE.values()
    for word in words.split()
    if len(word) > 1 and word not in ENGLISH_WORDS
)

# OpenCC converters are pure functions over bundled dictionaries; build each once.
_to_simplified = opencc.OpenCC("t2s")
_to_traditional = opencc.OpenCC("s2t")
_to_taiwan_traditional = opencc.OpenCC("s2twp")


def to_simplified(text: str) -> str:
    return _to_simplified.convert(text)


def to_traditional(text: str, *, taiwan: bool = True) -> str:
    """Simplified → Traditional; ``taiwan=True`` also uses Taiwan's vocabulary (s2twp)."""
    converter = _to_taiwan_traditional if taiwan else _to_traditional
    return converter.convert(text)


def is_traditional(text: str) -> bool:
    return _to_simplified.convert(text) != text


def detect_language(text: str) -> Detection:
    if _STRUCTURE_HINT.search(text):
        text = NON_PROSE_TOKEN.sub(" ", text)
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
    if _JAPANESE_ONLY_KANJI.search(text):
        japanese = len(_JAPANESE_ONLY_KANJI.findall(text))
        if japanese > len(_CHINESE_ONLY_HANZI.findall(text)):
            return OTHER
    if (
        _JAPANESE_KANJI_WORDS.search(text)
        and not _CHINESE_FUNCTION_CHARACTERS.search(text)
        and not _CHINESE_ONLY_HANZI.search(text)
    ):
        return OTHER
    return TRADITIONAL_CHINESE if is_traditional(text) else SIMPLIFIED_CHINESE


def _detect_latin(words: list[str], text: str) -> Detection:
    english = foreign = 0
    for position, word in enumerate(words):
        lowered = word.lower().replace("’", "'")
        if lowered in ENGLISH_WORDS:
            english += 1
        elif word.isupper() and len(word) > 1:
            continue  # acronyms (AI, NASA) say nothing about the language around them
        elif position and word[0].isupper():
            continue  # a capitalised word mid-message is most likely a name: Björk, Los Angeles
        elif lowered in _FOREIGN_WORDS or _NON_ENGLISH_LATIN_LETTER.search(lowered):
            foreign += 1
    if _SPANISH_OPENING_MARK.search(text):
        foreign += 1
    if not foreign:
        return ENGLISH
    if foreign > english:
        return OTHER
    if (foreign == english or len(words) >= _MIN_WORDS_FOR_LANGDETECT) and _langdetect_language(
        text
    ) not in ("en", "unknown"):
        return OTHER
    return ENGLISH


def _langdetect_language(text: str) -> str:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _langdetect_factory().create()
    detector.append(text)
    try:
        return detector.detect()
    except LangDetectException:
        return "unknown"


@functools.cache
def _langdetect_factory():  # type: ignore[no-untyped-def]
    """langdetect's profiles take ~1 s to load, so load them on first use, seeded."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory


def warm_up() -> None:
    """Load langdetect's profiles now rather than on the first message that needs them."""
    _langdetect_factory()
