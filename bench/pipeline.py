"""Time the bot adds to one message between detection and sending, with an instant translator.

Usage: python -m bench.pipeline [--messages N] [--sqlite]

Stages: protect (bot.pipeline.markup) -> translate (TranslationService: cache keys, lookup,
chain, OpenCC script fix, usage counting; the provider itself answers instantly) -> reassemble
-> split (bot.pipeline.split.split_message, Discord's 2000-character limit).
Messages are Tatoeba English and Chinese sentences (../shared/data/pairs/cmn-eng.tsv), every
third one wrapped in Discord markup (a mention, **bold**, a custom emoji and a URL).
Translate is measured twice: a cache miss (first sight of the text) and a cache hit.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench._translation_data import PAIRS, InstantProvider, load_pairs
from bot.translation.service import TranslationService
from bot.translation.settings import TranslationSettings
from bot.translation.store import MemoryTranslationStore

try:
    from bot.pipeline.markup import protect
except ImportError:  # the markup module is optional for this benchmark
    protect = None

try:
    from bot.pipeline.split import split_message
except ImportError:  # the splitter is optional for this benchmark
    split_message = None


def with_markup(text: str, index: int) -> str:
    if index % 3:
        return text
    return f"<@1234567890> **{text}** <:wave:987654321> https://example.com/x?id={index}"


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95)]
    return f"median {statistics.median(ordered):7.1f} µs   p95 {p95:7.1f} µs"


async def run(messages: list[tuple[str, str, str]], store) -> dict[str, list[float]]:
    settings = TranslationSettings.from_env({"TRANSLATION_CACHE_SIZE": "5000"})
    service = TranslationService(settings, None, store, providers=[InstantProvider()], usage_flush_delay=3600)
    timings: dict[str, list[float]] = {name: [] for name in ("protect", "translate (miss)", "translate (hit)", "reassemble", "split", "total (miss)")}
    clock: Callable[[], int] = time.perf_counter_ns
    for text, source, target in messages:
        start = clock()
        protected = protect(text) if protect else None
        segments = protected.prose_segments if protected else [text]
        after_protect = clock()
        result = await service.translate(segments, source, target, guild_id=1)
        after_translate = clock()
        await service.translate(segments, source, target, guild_id=1)
        after_hit = clock()
        reassembled = protected.reassemble(result.texts) if protected else result.texts[0]
        after_reassemble = clock()
        if split_message is not None:
            split_message(reassembled)
        after_split = clock()
        timings["protect"].append((after_protect - start) / 1000)
        timings["translate (miss)"].append((after_translate - after_protect) / 1000)
        timings["translate (hit)"].append((after_hit - after_translate) / 1000)
        timings["reassemble"].append((after_reassemble - after_hit) / 1000)
        timings["split"].append((after_split - after_reassemble) / 1000)
        timings["total (miss)"].append(
            (after_protect - start + after_translate - after_protect + after_split - after_hit) / 1000
        )
    await service.aclose()
    return timings


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--sqlite", action="store_true", help="persist the cache in a temporary SQLite database")
    parser.add_argument("--seed", type=int, default=4)
    options = parser.parse_args()

    pairs = load_pairs()
    rng = random.Random(options.seed)
    chosen = rng.sample(pairs, min(options.messages, len(pairs)))
    messages = []
    for index, (english, chinese) in enumerate(chosen):
        if index % 2:
            messages.append((with_markup(chinese, index), "zh-Hans", "en"))
        else:
            messages.append((with_markup(english, index), "en", "zh-Hant" if index % 4 == 0 else "zh-Hans"))

    database = None
    if options.sqlite:
        from bot.storage import Database
        from bot.translation.store import SqlTranslationStore

        folder = tempfile.mkdtemp()
        database = await Database.open(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        store = SqlTranslationStore(database)
    else:
        store = MemoryTranslationStore()

    print(f"data: {len(messages)} messages from {PAIRS} (half English, half Chinese; every third with markup)")
    print(f"store: {'SQLite (temporary file)' if options.sqlite else 'in memory'}; provider: instant, in process")
    print(f"protect: {'bot.pipeline.markup.protect' if protect else 'not available (segments = whole message)'}; "
          f"split: {'bot.pipeline.split.split_message' if split_message else 'not available yet (0 µs)'}")
    timings = await run(messages, store)
    for name, samples in timings.items():
        print(f"{name:18} {summary(samples)}")
    if database is not None:
        await database.close()


if __name__ == "__main__":
    asyncio.run(main())
