"""Guidance matcher figures: catalogue size, automaton build time, per-message match time
(shipped catalogue alone, and with 10,000 synthetic imported terms) and how often ordinary chat
gets flagged: the shared Tatoeba/chatterbot lines and the real SMS chat in bench/data/chat/.
Run: .venv/bin/python bench/guidance.py
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.guidance.catalogue import Catalogue  # noqa: E402
from bot.guidance.importer import COMMON_WORDS  # noqa: E402
from bot.guidance.matcher import GuidanceMatcher, is_han  # noqa: E402

MESSAGES_PATH = REPO_ROOT.parent / "shared" / "data" / "detect" / "messages.jsonl"
CHAT_PATHS = (
    REPO_ROOT / "bench" / "data" / "chat" / "sms-dev.jsonl",
    REPO_ROOT / "bench" / "data" / "chat" / "sms-heldout.jsonl",
)
SYNTHETIC_TERM_COUNT = 10_000
SEED = 20250118

_SYLLABLES = (
    "ba bo bu da de di du fa fei fu ga ge gu ha he hu ji jia jin ke ku la le li liu lu ma mei "
    "min na ne ni pa pi qi qian qin ran ren ri sa se shi shu si ta te ti tu wa wei wu xi xian "
    "xin ya ye yi yu za ze zhi zhu zi"
).split()
_ENGLISH = (
    "freedom rally banner candle square march strike petition archive memorial leak exile "
    "uprising crackdown dissent censor firewall proxy tunnel mirror forum samizdat broadcast "
    "vigil anthem manifesto tribunal detention"
).split()


def load_messages() -> list[dict]:
    with MESSAGES_PATH.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file]


def synthetic_imported_terms(count: int, seed: int, han_pool: str) -> list[str]:
    """Terms that look like an imported research list: Han bigrams to 4-grams drawn from the
    characters people actually use, pinyin run-togethers and English phrases."""
    rng = random.Random(seed)
    terms: set[str] = set()
    while len(terms) < count:
        kind = rng.random()
        if kind < 0.6:
            term = "".join(rng.choice(han_pool) for _ in range(rng.choice((2, 3, 3, 4))))
        elif kind < 0.8:
            term = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3))))
            if len(term) < 5:
                continue
        else:
            term = " ".join(rng.sample(_ENGLISH, 2))
        if term not in COMMON_WORDS:
            terms.add(term)
    return sorted(terms)


def time_matching(matcher: GuidanceMatcher, texts: list[str]) -> tuple[float, float, int]:
    """Median and p99 microseconds per message, and how many messages matched."""
    durations = []
    flagged = 0
    clock = time.perf_counter_ns
    for text in texts:
        start = clock()
        found = matcher.find(text)
        durations.append(clock() - start)
        flagged += bool(found)
    durations.sort()
    median = statistics.median(durations) / 1000
    p99 = durations[int(len(durations) * 0.99)] / 1000
    return median, p99, flagged


def timed_build(entries) -> tuple[GuidanceMatcher, float]:
    start = time.perf_counter()
    matcher = GuidanceMatcher(entries)
    return matcher, (time.perf_counter() - start) * 1000


def main() -> None:
    catalogue = Catalogue.load()
    per_category = Counter()
    for entry in catalogue.entries:
        per_category[entry.category] += len(entry.all_terms())
    print(f"catalogue: {len(catalogue.entries)} entries, {len(catalogue.categories)} categories, "
          f"{sum(per_category.values())} terms (incl. multi-part alternatives)")
    for category, terms in per_category.items():
        entries = sum(e.category == category for e in catalogue.entries)
        print(f"  {category:<16} {entries:>2} entries {terms:>4} terms")

    if not MESSAGES_PATH.exists():
        print(f"no chat data at {MESSAGES_PATH}; only the build was measured")
        timed_build(catalogue.entries)
        return
    messages = load_messages()
    texts = [m["text"] for m in messages]
    print(f"\ndata: {MESSAGES_PATH} ({len(messages)} messages; Tatoeba + chatterbot-corpus)")

    han_pool = "".join(sorted({c for t in texts for c in t if is_han(c)}))
    imported = synthetic_imported_terms(SYNTHETIC_TERM_COUNT, SEED, han_pool)

    shipped, shipped_ms = timed_build(catalogue.entries)
    with_imports, imports_ms = timed_build(catalogue.effective_entries(imported_terms=imported))
    print(f"\nbuild: catalogue {shipped.term_count} keys {shipped_ms:.1f} ms; "
          f"+{len(imported)} synthetic imported terms {with_imports.term_count} keys {imports_ms:.1f} ms")

    for label, matcher in (("catalogue", shipped), ("catalogue + 10k imported", with_imports)):
        for _ in range(2):  # warm-up pass, then the measured one
            median, p99, flagged = time_matching(matcher, texts)
        print(f"match ({label}): median {median:.2f} µs, p99 {p99:.2f} µs per message; "
              f"flagged {flagged}/{len(texts)} ({flagged / len(texts):.2%})")

    print("\nfalse positives of the shipped catalogue on ordinary chat:")
    print_false_positives(shipped, MESSAGES_PATH, messages)
    for path in CHAT_PATHS:
        with path.open(encoding="utf-8") as file:
            print_false_positives(shipped, path, [json.loads(line) for line in file if line.strip()])


def print_false_positives(matcher: GuidanceMatcher, path: Path, messages: list[dict]) -> None:
    by_gold = Counter(m["gold"] for m in messages)
    flagged_by_gold: Counter[str] = Counter()
    top_terms: Counter[str] = Counter()
    examples: list[str] = []
    for message in messages:
        found = matcher.find(message["text"])
        if found:
            flagged_by_gold[message["gold"]] += 1
            top_terms.update(term for match in found for term in match.terms)
            if len(examples) < 10:
                examples.append(f"    {message['text'][:70]!r} -> {[m.entry_id for m in found]}")
    total = sum(flagged_by_gold.values())
    print(f"  {path.name}: total {total}/{len(messages)} ({total / len(messages):.3%})")
    for gold, count in sorted(by_gold.items()):
        print(f"    gold={gold:<5} {flagged_by_gold[gold]}/{count} ({flagged_by_gold[gold] / count:.3%})")
    print(f"    top flagged terms: {top_terms.most_common(10) or 'none'}")
    if examples:
        print("\n".join(examples))


if __name__ == "__main__":
    main()
