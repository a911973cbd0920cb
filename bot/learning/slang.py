"""The slang catalogue (locale/data/slang.json) and the matcher that finds its terms in a message.

Every entry is a term people type (yyds, 躺平, no cap, rizz…) with a short meaning in English
and Chinese. ``SlangMatcher.find(text)`` returns the entries a message really uses: one
Aho-Corasick pass over the lower-cased text finds candidate terms, whole-word checks keep
Latin terms from matching inside words, and each entry's context rules (``only_when``,
``not_when``, ``rule: standalone``) keep ordinary uses quiet ("I ate lunch", "based on",
"the total is 88"). How to review and extend the catalogue: locale/data/SLANG.md.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from bot.chinese_scripts import TRADITIONAL_FORMS_T2S_KEEPS, is_traditional, to_simplified, to_traditional

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "locale" / "data" / "slang.json"
MAX_NOTES_PER_MESSAGE = 3

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_RULES = frozenset({"standalone"})
_LANGUAGES = frozenset({"en", "zh"})
# Curly apostrophes and full-width ASCII read like their plain forms; every mapping is 1:1 so
# positions in the folded text are positions in the message.
_FOLD = {0x2019: "'", 0x2018: "'", 0x02BC: "'", 0xFF07: "'", **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}}
_MASKED = re.compile(r"https?://\S+|<[@#:a!&]?[^>\s]*>|`[^`]*`")
_SENTENCE_PUNCTUATION = set(",.!?~;:，。！？～；：、…")
# A number right after one of these is a quantity or a score (是88, 考了88, 第88), not slang.
_NUMBER_TAKERS = set("是了到有考共第价号分元块为约近超过打得等前后个")


def _is_han(character: str) -> bool:
    return "\u3400" <= character <= "\u9fff" or "\uf900" <= character <= "\ufaff"


def _is_word(character: str) -> bool:
    return (character.isalnum() and not _is_han(character)) or character == "_"


def _latin_edge(character: str) -> bool:
    return character.isascii() and character.isalnum()


def fold(text: str) -> str:
    """The text the matcher reads: lower case, plain apostrophes, ASCII digits/letters; same length."""
    folded = text.translate(_FOLD).lower()
    if len(folded) != len(text):  # a few characters lower-case into two ("İ")
        folded = "".join(character.lower()[:1] or character for character in text.translate(_FOLD))
    return folded


@dataclass(frozen=True, slots=True)
class SlangEntry:
    id: str
    language: str  # "en" or "zh": the language the term is slang in
    terms: tuple[str, ...]
    meaning_en: str
    meaning_zh: str
    source: str
    expansion: str = ""
    pinyin: str = ""
    rule: str = ""
    only_when: tuple[re.Pattern[str], ...] = ()
    not_when: tuple[re.Pattern[str], ...] = ()

    def meaning(self, reader: str) -> str:
        if reader == "en":
            return self.meaning_en
        return to_traditional(self.meaning_zh) if reader == "zh-Hant" else self.meaning_zh

    def note(self, written: str, reader: str) -> str:
        """One short line explaining the term as written, in the reader's language
        ("en", "zh-Hans" or "zh-Hant"): ``yyds = 永远的神 (yǒngyuǎn de shén), the GOAT``."""
        expansion = self.expansion
        if reader == "zh-Hant":
            expansion = to_traditional(expansion)
        head = written
        if expansion and expansion.casefold() != written.casefold():
            head += f" = {expansion}"
        if self.pinyin and reader == "en":
            head += f" ({self.pinyin})"
        if reader == "en":
            return f"{head}, {self.meaning_en}" if expansion else f"{head} = {self.meaning_en}"
        return f"{head}：{self.meaning(reader)}" if expansion else f"{head} = {self.meaning(reader)}"


@dataclass(frozen=True, slots=True)
class SlangHit:
    entry: SlangEntry
    start: int
    end: int
    written: str  # the term exactly as the message has it


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the entry and the problem."""


def _compile(entry_id: str, patterns: Iterable[str], field_name: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise CatalogueError(f"slang entry {entry_id!r}: {field_name} pattern {pattern!r} does not compile ({error})") from None
    return tuple(compiled)


def entry_from_dict(data: dict) -> SlangEntry:
    entry_id = data.get("id", "")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise CatalogueError(f"slang entry id {entry_id!r}: use lowercase letters, digits and dashes")
    language = data.get("language")
    if language not in _LANGUAGES:
        raise CatalogueError(f"slang entry {entry_id!r}: language must be 'en' or 'zh', not {language!r}")
    terms = tuple(term.strip() for term in data.get("terms", ()) if isinstance(term, str) and term.strip())
    if not terms:
        raise CatalogueError(f"slang entry {entry_id!r}: needs at least one term")
    meaning = data.get("meaning") or {}
    if not str(meaning.get("en", "")).strip() or not str(meaning.get("zh", "")).strip():
        raise CatalogueError(f"slang entry {entry_id!r}: needs a meaning in both 'en' and 'zh'")
    source = str(data.get("source", ""))
    if not source.startswith("https://"):
        raise CatalogueError(f"slang entry {entry_id!r}: needs a source (an https:// address)")
    rule = data.get("rule", "")
    if rule and rule not in _RULES:
        raise CatalogueError(f"slang entry {entry_id!r}: unknown rule {rule!r} (known: {', '.join(sorted(_RULES))})")
    only_when = _compile(entry_id, data.get("only_when", ()), "only_when")
    for term in terms:
        if term.isascii() and len(re.sub(r"[^a-z0-9]", "", term.lower())) < 3 and not (rule or only_when):
            raise CatalogueError(
                f"slang entry {entry_id!r}: the short term {term!r} needs a context rule (rule or only_when)"
            )
    return SlangEntry(
        id=entry_id, language=language, terms=terms, meaning_en=meaning["en"].strip(), meaning_zh=meaning["zh"].strip(),
        source=source, expansion=str(data.get("expansion", "")), pinyin=str(data.get("pinyin", "")), rule=rule,
        only_when=only_when, not_when=_compile(entry_id, data.get("not_when", ()), "not_when"),
    )


def load_entries(path: Path | None = None) -> list[SlangEntry]:
    data = json.loads((path or DEFAULT_CATALOGUE_PATH).read_text(encoding="utf-8"))
    if data.get("schema") != 1:
        raise CatalogueError("slang catalogue: unknown schema (expected 1)")
    entries = [entry_from_dict(item) for item in data.get("entries", [])]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise CatalogueError(f"slang entry {entry.id!r}: the id is used twice")
        seen.add(entry.id)
    return entries


@dataclass(slots=True)
class SlangMatcher:
    """Finds the catalogue's terms in a message.

    Terms are matched as written and in Simplified; their Traditional forms (whole-phrase s2twp/s2t
    and per-character mixes) go into a second automaton built the first time a message has
    Traditional text (t2s changes it), so a bot that never meets Traditional text never loads
    OpenCC's Simplified -> Traditional dictionaries (~42 MB)."""

    entries: Sequence[SlangEntry]
    _automaton: ahocorasick.Automaton = field(init=False)
    _with_traditional: ahocorasick.Automaton | None = field(init=False, default=None)
    # Characters of Traditional forms that t2s keeps (躺著也中枪): text holding one needs the
    # second automaton although it does not look Traditional.
    _kept_forms: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self._automaton = self._build(traditional=False)
        self._kept_forms = frozenset(
            TRADITIONAL_FORMS_T2S_KEEPS[character] for entry in self.entries for term in entry.terms
            for character in term if character in TRADITIONAL_FORMS_T2S_KEEPS)

    def _build(self, *, traditional: bool) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        owners: dict[str, str] = {}
        for index, entry in enumerate(self.entries):
            for term in entry.terms:
                forms = {fold(term)}
                if any(_is_han(character) for character in term):
                    variants = _script_variants(term) if traditional else {term, to_simplified(term)}
                    forms |= {fold(variant) for variant in variants}
                for form in forms:
                    if form in owners and owners[form] != entry.id:
                        if traditional:  # the catalogue's own forms were checked at load; keep the first
                            continue
                        raise CatalogueError(f"slang term {term!r} is in both {owners[form]!r} and {entry.id!r}")
                    owners[form] = entry.id
                    automaton.add_word(form, (index, len(form)))
        automaton.make_automaton()
        return automaton

    def _automaton_for(self, folded: str) -> ahocorasick.Automaton:
        if folded.isascii() or not (is_traditional(folded) or not self._kept_forms.isdisjoint(folded)):
            return self._automaton
        if self._with_traditional is None:
            self._with_traditional = self._build(traditional=True)
        return self._with_traditional

    @classmethod
    def load(cls, path: Path | None = None) -> SlangMatcher:
        return cls(load_entries(path))

    def find(self, text: str) -> list[SlangHit]:
        """The entries `text` uses, in the order they appear, one hit per entry."""
        if not text:
            return []
        folded = fold(text)
        if "`" in folded or "://" in folded or "<" in folded:
            folded = _MASKED.sub(lambda match: " " * len(match.group()), folded)
        candidates: list[tuple[int, int, int]] = []
        for end_index, (index, length) in self._automaton_for(folded).iter(folded):
            start, end = end_index - length + 1, end_index + 1
            if _whole_word(folded, start, end):
                candidates.append((start, end, index))
        if not candidates:
            return []
        candidates.sort(key=lambda item: (item[0], item[0] - item[1]))
        hits: list[SlangHit] = []
        taken_until = -1
        seen: set[int] = set()
        for start, end, index in candidates:
            if start < taken_until:
                continue
            entry = self.entries[index]
            if index in seen or not _context_allows(entry, folded, start, end):
                continue
            seen.add(index)
            taken_until = end
            hits.append(SlangHit(entry, start, end, text[start:end]))
        return hits


def _script_variants(term: str, limit: int = 64) -> set[str]:
    """How a Simplified term may be written in Traditional: whole-phrase conversions plus every
    mix of per-character forms (內卷 and 內捲 are both written), at most `limit` of them."""
    variants = {term, to_traditional(term), to_simplified(term)}
    choices = [{character, to_traditional(character), to_traditional(character, taiwan=False)} for character in term]
    mixes = [""]
    for options in choices:
        mixes = [prefix + option for prefix in mixes for option in sorted(options)]
        if len(mixes) > limit:
            return variants
    return variants | set(mixes)


def _whole_word(text: str, start: int, end: int) -> bool:
    if _latin_edge(text[start]) and start > 0 and _is_word(text[start - 1]):
        return False
    if _latin_edge(text[end - 1]) and end < len(text) and _is_word(text[end]):
        return False
    return True


def _covers(patterns: Iterable[re.Pattern[str]], text: str, start: int, end: int) -> bool:
    return any(match.start() <= start and end <= match.end() for pattern in patterns for match in pattern.finditer(text))


def _overlaps(patterns: Iterable[re.Pattern[str]], text: str, start: int, end: int) -> bool:
    return any(match.start() < end and start < match.end() for pattern in patterns for match in pattern.finditer(text))


def _context_allows(entry: SlangEntry, text: str, start: int, end: int) -> bool:
    if entry.not_when and _overlaps(entry.not_when, text, start, end):
        return False
    if not entry.rule and not entry.only_when:
        return True
    if entry.rule == "standalone" and _standalone(text, start, end):
        return True
    return bool(entry.only_when) and _covers(entry.only_when, text, start, end)


def _only_punctuation(text: str) -> bool:
    return not any(character.isalnum() or _is_han(character) for character in text)


def _standalone(text: str, start: int, end: int) -> bool:
    """A number used as a word: the whole message ("88!"), closing it after a break or Chinese
    ("明天见88", "ok, 88"), or opening it before a break ("666，太强了") — never a quantity."""
    before, after = text[:start], text[end:]
    if unicodedata.category(text[start]) == "Nd" and (before[-1:].isdigit() or after[:1].isdigit()):
        return False
    if _only_punctuation(before) and _only_punctuation(after):
        return True
    if _only_punctuation(after):
        stripped = before.rstrip()
        last = stripped[-1:]
        if not last:
            return True
        if last in _SENTENCE_PUNCTUATION:
            return True
        return _is_han(last) and last not in _NUMBER_TAKERS and stripped == before
    if _only_punctuation(before):
        first = after[:1]
        return first in _SENTENCE_PUNCTUATION or (first.isspace() and any(_is_han(c) for c in after.lstrip()[:1]))
    return False


@functools.cache
def shared_matcher() -> SlangMatcher:
    """The shipped catalogue's matcher, built once per process (the bridge and the menu share it)."""
    return SlangMatcher.load()


def notes_for(hits: Iterable[SlangHit], reader: str, *, limit: int = MAX_NOTES_PER_MESSAGE) -> list[str]:
    return [hit.entry.note(hit.written, reader) for hit in list(hits)[:limit]]
