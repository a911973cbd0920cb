"""Cache hit rate of the translation service on a replayed chat stream.

Usage: python -m bench.cache_replay [--messages N] [--short-share S] [--zipf S] [--cache-size N]

Assumptions (none of this is measured from a real server; change them with the flags):
- A share of messages (--short-share, default 0.30) is common short chat ("lol", "ok", "谢谢",
  "哈哈", "gg", …, 80 phrases in English and Chinese) whose popularity follows a Zipf law with
  exponent --zipf (default 1.1): the top phrase is about 2x as frequent as the second.
- The rest are Tatoeba sentences (14,570 pairs, English or Chinese side) drawn without
  replacement, so a longer message never repeats until all 29,140 are used: a pessimistic
  assumption (real chat repeats greetings and questions), making the rate a lower bound.
- English goes to zh-Hans, Chinese to English; one guild; one glossary.
- Emoji-only or number-only messages are not counted (they never reach a provider).
Both the in-memory LRU alone (--cache-size entries) and LRU + database (nothing forgotten) run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random

from bench._translation_data import PAIRS, InstantProvider, NullStore, load_pairs
from bot.translation.service import TranslationService
from bot.translation.settings import TranslationSettings
from bot.translation.store import MemoryTranslationStore

SHORT_CHAT_EN = [
    "lol", "ok", "thanks", "lmao", "yes", "no", "gg", "haha", "ty", "good morning", "nice", "same",
    "thank you", "hi", "hello", "good night", "wow", "omg", "yeah", "true", "np", "brb", "idk", "welcome!",
    "nice one", "congrats!", "sure", "rip", "oh no", "see you", "me too", "what?", "cool", "hey everyone",
    "agreed", "sounds good", "wait what", "lets go", "good luck", "hahaha",
]
SHORT_CHAT_ZH = [
    "哈哈", "谢谢", "好的", "哈哈哈", "对", "嗯嗯", "早", "晚安", "是的", "好", "厉害", "牛", "加油",
    "早上好", "大家好", "不是", "没事", "可以", "真的吗", "笑死", "好吧", "谢谢你", "欢迎", "对啊", "我也是",
    "666", "不知道", "太好了", "恭喜", "拜拜", "哇", "好的谢谢", "辛苦了", "是吗", "没问题", "收到", "好久不见",
    "哈哈哈哈", "确实", "有道理",
]


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1 / rank**exponent for rank in range(1, count + 1)]


def make_stream(count: int, short_share: float, exponent: float, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    phrases = [(text, "en", "zh-Hans") for text in SHORT_CHAT_EN] + [(text, "zh-Hans", "en") for text in SHORT_CHAT_ZH]
    rng.shuffle(phrases)  # interleave languages across popularity ranks
    cumulative = list(itertools.accumulate(zipf_weights(len(phrases), exponent)))
    sentences = [(english, "en", "zh-Hans") for english, _ in load_pairs()]
    sentences += [(chinese, "zh-Hans", "en") for _, chinese in load_pairs()]
    rng.shuffle(sentences)
    unique_sentences = itertools.cycle(sentences)
    stream = []
    for _ in range(count):
        if rng.random() < short_share:
            stream.append(rng.choices(phrases, cum_weights=cumulative)[0])
        else:
            stream.append(next(unique_sentences))
    return stream


async def replay(stream, store, cache_size: int) -> tuple[int, int, int, int]:
    provider = InstantProvider()
    settings = TranslationSettings.from_env({"TRANSLATION_CACHE_SIZE": str(cache_size)})
    service = TranslationService(settings, None, store, providers=[provider], usage_flush_delay=3600)
    hits = asked = characters = 0
    for text, source, target in stream:
        result = await service.translate([text], source, target, guild_id=1)
        if result.provider == "passthrough":
            continue
        asked += 1
        characters += len(text)
        hits += result.cached
    await service.aclose()
    return hits, asked, characters, provider.characters


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=40_000)  # stays within the 29,140 unique sentences
    parser.add_argument("--short-share", type=float, default=0.30)
    parser.add_argument("--zipf", type=float, default=1.1)
    parser.add_argument("--cache-size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()

    stream = make_stream(options.messages, options.short_share, options.zipf, options.seed)
    print(f"data: {len(stream)} messages; {options.short_share:.0%} common short chat "
          f"({len(SHORT_CHAT_EN)} English + {len(SHORT_CHAT_ZH)} Chinese phrases, Zipf s={options.zipf}), "
          f"the rest Tatoeba sentences without repetition from {PAIRS}")
    for label, store in ((f"LRU {options.cache_size} only", NullStore()), ("LRU + database", MemoryTranslationStore())):
        hits, asked, characters, sent = await replay(stream, store, options.cache_size)
        print(f"{label:18} hit rate {hits / asked:6.1%} ({hits}/{asked} translated messages); "
              f"characters sent {sent}/{characters} ({1 - sent / characters:.1%} saved)")


if __name__ == "__main__":
    asyncio.run(main())
