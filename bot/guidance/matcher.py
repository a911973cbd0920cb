"""Find catalogue terms in chat messages: one Aho-Corasick automaton per effective catalogue.

Terms and messages go through the same `normalise()`, so "習 近 平", "习.近.平" and
"ＸＩ ＪＩＮＰＩＮＧ" all meet the catalogue's "习近平" / "xi jinping". Latin-edged terms only
match whole words; Han terms match as substrings, which is why the catalogue is curated
(see locale/data/GUIDANCE.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from bot.chinese_scripts import to_simplified
from bot.guidance.catalogue import Catalogue, Entry

__all__ = [
    "GuidanceMatcher",
    "GuildGuidanceConfig",
    "Match",
    "MatcherCache",
    "is_han",
    "normalise",
    "normalise_with_offsets",
]


_ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"


def _build_fold_table() -> dict[int, str | None]:
    """Delete invisible characters and combining marks; fold accented Latin letters (pinyin
    tone marks: "Xí Jìnpíng" -> "xi jinping")."""
    table: dict[int, str | None] = {ord(c): None for c in _ZERO_WIDTH}
    table.update({code: None for code in range(0x0300, 0x0370)})
    for code in range(0x00C0, 0x0250):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            table[code] = base.casefold()
    table[ord("ü")] = "u"
    table[ord("ǖ")] = table[ord("ǘ")] = table[ord("ǚ")] = table[ord("ǜ")] = "u"
    return table


_FOLD = _build_fold_table()

_HAN = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002a6df\U0002a700-\U0002ebef\U00030000-\U0003134f"
)
_HAN_CHAR = re.compile(f"[{_HAN}]")
# Anything that is not a letter or digit: spaces, punctuation, symbols, emoji, underscores.
_SEPARATOR_RUN = re.compile(r"[\W_]+")
_SEPARATOR_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])[\W_]+(?=[{_HAN}])")


def is_han(char: str) -> bool:
    return _HAN_CHAR.match(char) is not None


def _fold(text: str) -> str:
    """Width, case, invisible characters, tone marks and Traditional -> Simplified."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return to_simplified(text)


def _collapse_separators(text: str) -> str:
    # Separators between two Han characters vanish ("习.近.平" -> "习近平"); any other run of
    # separators becomes one space ("Xi-Jinping", "6/4/1989" -> "xi jinping", "6 4 1989").
    text = _SEPARATOR_BETWEEN_HAN.sub("", text)
    return _SEPARATOR_RUN.sub(" ", text)


def normalise(text: str) -> str:
    """The form in which terms and messages are compared. Apply it to both."""
    return _collapse_separators(_fold(text)).strip()


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalise(text)` plus, for each of its characters, the index in `text` it came from.

    Slower than `normalise`; the matcher only calls it for messages that matched something.
    The result can differ from `normalise` only where OpenCC rewrites a phrase to a different
    length, which the caller detects by comparing.
    """
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = char.lower() if char.isascii() else (
            unicodedata.normalize("NFKC", char).casefold().translate(_FOLD)
        )
        pieces.append(folded)
        origins.extend([index] * len(folded))
    folded_text = "".join(pieces)
    simplified = to_simplified(folded_text)
    if len(simplified) != len(folded_text):
        simplified = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in folded_text)

    kept_chars: list[str] = []
    kept_origins: list[int] = []
    position = 0
    for separator in _SEPARATOR_RUN.finditer(simplified):
        start, end = separator.span()
        kept_chars.append(simplified[position:start])
        kept_origins.extend(origins[position:start])
        between_han = (
            start > 0 and end < len(simplified)
            and is_han(simplified[start - 1]) and is_han(simplified[end])
        )
        if not between_han:
            kept_chars.append(" ")
            kept_origins.append(origins[start])
        position = end
    kept_chars.append(simplified[position:])
    kept_origins.extend(origins[position:])
    normalised = "".join(kept_chars)

    stripped = normalised.strip()
    leading = len(normalised) - len(normalised.lstrip())
    return stripped, kept_origins[leading:leading + len(stripped)]


def _is_word_char(char: str) -> bool:
    return char.isalnum() and not is_han(char)


@dataclass(frozen=True, slots=True)
class Match:
    """One catalogue entry found in a message.

    `terms` are the normalised catalogue terms that matched (one per part for a multi-part
    rule); `spans` are (start, end) indexes of those terms in the original message, in the
    same order, or empty when they could not be recovered.
    """

    entry_id: str
    terms: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    def excerpts(self, message: str) -> tuple[str, ...]:
        return tuple(message[start:end] for start, end in self.spans)


# What a normalised term means to each entry that lists it.
_STANDALONE = -1
_EXCEPTION = -2
# Parts of a near rule (_Target.part_index when _Target.near is set).
_NEAR_NAME = 0
_NEAR_CONTEXT = 1
_NEAR_EXCEPTION = 2

# Tokens for near rules' distances: one per Chinese character, one per run of letters/digits.
_TOKEN = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+")


@dataclass(frozen=True, slots=True)
class _Target:
    entry_index: int
    rule_index: int  # _STANDALONE, _EXCEPTION, or the index of a multi-part (or near) rule
    part_index: int = 0
    near: bool = False


@dataclass(frozen=True, slots=True)
class _Key:
    term: str
    needs_left_boundary: bool
    needs_right_boundary: bool
    targets: tuple[_Target, ...]


@dataclass(slots=True)
class _Hit:
    term: str
    start: int  # in the normalised message
    end: int


class GuidanceMatcher:
    """All terms of one effective catalogue in one automaton. Immutable once built."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self._rule_sizes: list[list[int]] = [
            [len(rule) for rule in entry.all_of] for entry in self.entries
        ]
        targets_by_term: dict[str, list[_Target]] = {}

        def add(term: str, target: _Target) -> None:
            key = normalise(term)
            if key:
                targets_by_term.setdefault(key, []).append(target)

        for entry_index, entry in enumerate(self.entries):
            for term in entry.terms:
                add(term, _Target(entry_index, _STANDALONE))
            for term in entry.not_when:
                add(term, _Target(entry_index, _EXCEPTION))
            for rule_index, rule in enumerate(entry.all_of):
                for part_index, alternatives in enumerate(rule):
                    for term in alternatives:
                        add(term, _Target(entry_index, rule_index, part_index))
            for rule_index, near in enumerate(entry.near):
                for part_index, terms in (
                    (_NEAR_NAME, near.names),
                    (_NEAR_CONTEXT, near.context),
                    (_NEAR_EXCEPTION, near.not_when),
                ):
                    for term in terms:
                        add(term, _Target(entry_index, rule_index, part_index, near=True))

        self._automaton = ahocorasick.Automaton()
        for term, targets in targets_by_term.items():
            self._automaton.add_word(term, _Key(
                term=term,
                needs_left_boundary=_is_word_char(term[0]),
                needs_right_boundary=_is_word_char(term[-1]),
                targets=tuple(dict.fromkeys(targets)),
            ))
        self.term_count = len(targets_by_term)
        if self.term_count:
            self._automaton.make_automaton()

    def find(self, message: str) -> list[Match]:
        """Entries whose terms (or all parts of a multi-part rule) occur in `message`,
        one Match per entry, in catalogue order."""
        if not self.term_count:
            return []
        normalised = normalise(message)
        if not normalised:
            return []
        hits = self._hits(normalised)
        if not hits:
            return []
        matches = self._resolve(hits, normalised)
        if not matches:
            return []
        return self._with_original_spans(message, normalised, matches)

    def _hits(self, normalised: str) -> list[tuple[_Hit, _Key]]:
        hits = []
        last = len(normalised) - 1
        for end, key in self._automaton.iter(normalised):
            start = end - len(key.term) + 1
            if key.needs_left_boundary and start > 0 and _is_word_char(normalised[start - 1]):
                continue
            if key.needs_right_boundary and end < last and _is_word_char(normalised[end + 1]):
                continue
            hits.append((_Hit(key.term, start, end + 1), key))
        return hits

    def _resolve(self, hits: list[tuple[_Hit, _Key]], normalised: str) -> dict[int, list[_Hit]]:
        exceptions: dict[int, list[_Hit]] = {}
        near_exceptions: dict[tuple[int, int], list[_Hit]] = {}
        for hit, key in hits:
            for target in key.targets:
                if target.near and target.part_index == _NEAR_EXCEPTION:
                    near_exceptions.setdefault((target.entry_index, target.rule_index), []).append(hit)
                elif target.rule_index == _EXCEPTION:
                    exceptions.setdefault(target.entry_index, []).append(hit)

        def inside(hit: _Hit, phrases: list[_Hit]) -> bool:
            return any(other.start <= hit.start and hit.end <= other.end for other in phrases)

        standalone: dict[int, _Hit] = {}
        parts: dict[tuple[int, int], dict[int, _Hit]] = {}
        near_parts: dict[tuple[int, int], tuple[list[_Hit], list[_Hit]]] = {}
        for hit, key in hits:
            for target in key.targets:
                if target.rule_index == _EXCEPTION or inside(hit, exceptions.get(target.entry_index, [])):
                    continue
                if target.near:
                    rule = (target.entry_index, target.rule_index)
                    if target.part_index == _NEAR_EXCEPTION:
                        continue
                    if target.part_index == _NEAR_CONTEXT and inside(hit, near_exceptions.get(rule, [])):
                        continue
                    names, contexts = near_parts.setdefault(rule, ([], []))
                    (names if target.part_index == _NEAR_NAME else contexts).append(hit)
                elif target.rule_index == _STANDALONE:
                    standalone.setdefault(target.entry_index, hit)
                else:
                    found = parts.setdefault((target.entry_index, target.rule_index), {})
                    found.setdefault(target.part_index, hit)

        matched: dict[int, list[_Hit]] = {i: [hit] for i, hit in standalone.items()}
        for (entry_index, rule_index), found in sorted(parts.items()):
            if entry_index in matched:
                continue
            if len(found) == self._rule_sizes[entry_index][rule_index]:
                matched[entry_index] = [found[i] for i in sorted(found)]
        for (entry_index, rule_index), (names, contexts) in sorted(near_parts.items()):
            if entry_index in matched:
                continue
            within = self.entries[entry_index].near[rule_index].within
            pair = _nearest_pair(names, contexts, normalised, within)
            if pair is not None:
                matched[entry_index] = pair
        return dict(sorted(matched.items()))

    def _with_original_spans(
        self, message: str, normalised: str, matched: dict[int, list[_Hit]]
    ) -> list[Match]:
        mapped, origins = normalise_with_offsets(message)
        exact = mapped == normalised
        matches = []
        for entry_index, hits in matched.items():
            spans: tuple[tuple[int, int], ...] = ()
            if exact:
                spans = tuple((origins[h.start], origins[h.end - 1] + 1) for h in hits)
            matches.append(Match(
                entry_id=self.entries[entry_index].id,
                terms=tuple(h.term for h in hits),
                spans=spans,
            ))
        return matches


def _nearest_pair(
    names: list[_Hit], contexts: list[_Hit], normalised: str, within: int
) -> list[_Hit] | None:
    """The first name/context pair at most `within` tokens apart, in message order."""
    for name in names:
        for context in contexts:
            if context.start < name.end and name.start < context.end:
                continue  # one inside the other ("天安门" in a context "天安门事件"): not two words
            first, second = (name, context) if name.start < context.start else (context, name)
            if len(_TOKEN.findall(normalised, first.end, second.start)) <= within:
                return [first, second]
    return None


@dataclass(frozen=True, slots=True)
class GuildGuidanceConfig:
    """What a guild changed about the shipped catalogue. `version` must change whenever any
    other field does (storage bumps it on every write)."""

    version: int = 0
    disabled_categories: frozenset[str] = frozenset()
    custom_entries: tuple[Entry, ...] = ()
    imported_terms: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        return not (self.disabled_categories or self.custom_entries or self.imported_terms)


class MatcherCache:
    """One matcher per guild configuration version; guilds that changed nothing share one."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._default: GuidanceMatcher | None = None
        self._by_guild: dict[int, tuple[int, GuidanceMatcher]] = {}

    def matcher_for(self, guild_id: int, config: GuildGuidanceConfig) -> GuidanceMatcher:
        if config.is_default:
            self._by_guild.pop(guild_id, None)
            if self._default is None:
                self._default = GuidanceMatcher(self.catalogue.entries)
            return self._default
        cached = self._by_guild.get(guild_id)
        if cached is not None and cached[0] == config.version:
            return cached[1]
        matcher = GuidanceMatcher(self.catalogue.effective_entries(
            disabled_categories=config.disabled_categories,
            custom_entries=config.custom_entries,
            imported_terms=config.imported_terms,
        ))
        self._by_guild[guild_id] = (config.version, matcher)
        return matcher

    def forget(self, guild_id: int) -> None:
        """Drop a guild's matcher (the bot left the guild)."""
        self._by_guild.pop(guild_id, None)
