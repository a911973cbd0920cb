"""A compact character-trigram model telling English from 30 other Latin-script languages.

Language detection asks it only to break a tie: a Latin message that has both English words and
function words of another language ("Ik ben de man", "Ela kano, il download, come wen ur free").

The trigram frequencies come from langdetect's language profiles (Wikipedia text, Apache-2.0),
read as plain JSON files from the installed package, never through langdetect's detector: that
detector keeps 55 profiles as Python floats (~60 MB) and takes ~1 ms per message. Here each
language keeps its 2,000 most frequent trigrams, each cost a small integer (a quantised negative
log probability) packed with the other languages' into one int, so the whole model is one dict
of ~11,500 ints (~5 MB) and scoring a trigram is one integer addition.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import re
from collections import Counter
from pathlib import Path

LANGUAGES: tuple[str, ...] = (
    "en", "af", "ca", "cs", "cy", "da", "de", "es", "et", "fi", "fr", "hr", "hu", "id", "it",
    "lt", "lv", "nl", "no", "pl", "pt", "ro", "sk", "sl", "so", "sq", "sv", "sw", "tl", "tr", "vi",
)
TRIGRAMS_PER_LANGUAGE = 2000
# Quantisation: a cost is round(-ln(p) * _SCALE), at most 254.
_SCALE = 4.0
_UNSEEN_EXTRA = 4

_WORD = re.compile(r"[^\W\d_]+")


# Each trigram's costs for all languages are packed into one int, _LANE_BITS per language, so
# scoring a trigram is one integer addition instead of a loop over 31 languages.
_LANE_BITS = 24
_LANE_MASK = (1 << _LANE_BITS) - 1
# Enough evidence for any decision; keeps a 2,000-character message as cheap as a long sentence
# (and a word's trigrams past it, at most 254 each, can never overflow a lane).
MAX_TRIGRAMS = 200


class LatinTrigramModel:
    def __init__(self, rows: dict[str, int]) -> None:
        self.rows = rows  # trigram -> packed costs, LANGUAGES[0] (English) in the lowest lane
        # Chat repeats its words: remember the packed cost of the most recent ones.
        self._word_cost = functools.lru_cache(maxsize=4096)(self._score_word)

    def _score_word(self, word: str) -> tuple[int, int]:
        rows = self.rows
        padded = f" {word} "
        total = known = 0
        for start in range(len(padded) - 2):
            row = rows.get(padded[start:start + 3])
            if row is not None:
                total += row
                known += 1
        return total, known

    def costs(self, text: str) -> tuple[list[int], int]:
        """Summed costs per language in LANGUAGES order (lower is likelier) and how many
        trigrams were known to the model."""
        total = known = 0
        for word in _WORD.findall(text.lower()):
            word_total, word_known = self._word_cost(word)
            total += word_total
            known += word_known
            if known >= MAX_TRIGRAMS:
                break
        return [(total >> (_LANE_BITS * i)) & _LANE_MASK for i in range(len(LANGUAGES))], known

    def english_margin(self, text: str) -> float | None:
        """How much likelier English is than the likeliest other language, per known trigram
        (positive: English; negative: another language), or None when nothing is known."""
        totals, known = self.costs(text)
        if not known:
            return None
        return (min(totals[1:]) - totals[0]) / (_SCALE * known)


def _profiles_directory() -> Path | None:
    spec = importlib.util.find_spec("langdetect")
    if spec is None or not spec.submodule_search_locations:
        return None
    directory = Path(next(iter(spec.submodule_search_locations))) / "profiles"
    return directory if directory.is_dir() else None


def build_model(directory: Path) -> LatinTrigramModel:
    """Read the profiles of LANGUAGES from ``directory`` (langdetect's JSON layout)."""
    tables: list[dict[str, int]] = []
    unseen: list[int] = []  # an unseen trigram costs a little more than the rarest kept one
    for language in LANGUAGES:
        profile = json.loads((directory / language).read_text(encoding="utf-8"))
        trigram_total = profile["n_words"][2]
        counts: Counter[str] = Counter()
        for gram, count in profile["freq"].items():
            lowered = gram.lower()
            if len(gram) == 3 and len(lowered) == 3:
                counts[lowered] += count
        table = {
            gram: min(254, round(-math.log(count / trigram_total) * _SCALE))
            for gram, count in counts.most_common(TRIGRAMS_PER_LANGUAGE)
        }
        tables.append(table)
        unseen.append(min(254, max(table.values()) + _UNSEEN_EXTRA))
    rows: dict[str, int] = {}
    for gram in set().union(*tables):
        packed = 0
        for lane, table in enumerate(tables):
            packed |= table.get(gram, unseen[lane]) << (_LANE_BITS * lane)
        rows[gram] = packed
    return LatinTrigramModel(rows=rows)


@functools.cache
def latin_model() -> LatinTrigramModel | None:
    """The model, built once from the installed profiles; None if they cannot be found."""
    directory = _profiles_directory()
    if directory is None:
        return None
    return build_model(directory)
