"""Learners' features: slang matching time, notes per 1,000 ordinary messages, Pinyin answer time
and memory before/after the first Pinyin use.

Run: .venv/bin/python -m bench.learners [--chat PATH]

Data:
- ``../shared/data/detect/messages.jsonl`` (33,370 chat-like messages: Tatoeba sentences and
  chatterbot-corpus lines) for matching time and notes on ordinary chat;
- real chat: ``bench/data/chat/sms-*.jsonl`` (772 legitimate messages of the UCI SMS Spam Collection,
  CC BY 4.0, shipped; see its README), and with ``--chat PATH`` the whole collection as
  ``label<TAB>text`` lines (the ``SMSSpamCollection`` file; only ``ham`` lines are read).
- the Chinese side of ``../shared/data/pairs/cmn-eng.tsv`` (Tatoeba) for Pinyin answer times.

Memory is measured in fresh child processes (RSS from /proc/self/status): the bot's modules and
the learning cog's objects loaded, then after the first reading.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.i18n import I18n  # noqa: E402
from bot.learning.answers import PinyinAnswer  # noqa: E402
from bot.learning.reading import Reader  # noqa: E402
from bot.learning.slang import SlangMatcher  # noqa: E402

SHARED = REPO_ROOT.parent / "shared" / "data"
MESSAGES_PATH = SHARED / "detect" / "messages.jsonl"
PAIRS_PATH = SHARED / "pairs" / "cmn-eng.tsv"
REAL_CHAT = sorted((REPO_ROOT / "bench" / "data" / "chat").glob("sms-*.jsonl"))
ANSWERS = 2000

_MEMORY_PROBE = r"""
import sys
sys.path.insert(0, {root!r})
def rss():
    with open("/proc/self/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) / 1024
import bot.client, cogs.learning, cogs.bridge  # the bot's modules, as a running bot has them
from bot.learning.reading import shared_reader
from bot.learning.slang import shared_matcher
shared_matcher()
reader = shared_reader()
before = rss()
import time
start = time.perf_counter()
reader.read("我们去银行办事，他长大了。")
first = time.perf_counter() - start
after = rss()
print(before, after, first)
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def matching(matcher: SlangMatcher, texts: list[str], label: str) -> None:
    for text in texts[:200]:  # warm up
        matcher.find(text)
    times: list[float] = []
    noted = 0
    terms: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for text in texts:
        start = time.perf_counter_ns()
        hits = matcher.find(text)
        times.append((time.perf_counter_ns() - start) / 1000)
        if hits:
            noted += 1
            for hit in hits:
                terms[hit.entry.id] += 1
                examples.setdefault(hit.entry.id, text)
    print(f"{label}: {len(texts):,} messages")
    print(f"  matching: median {statistics.median(times):.1f} µs, p99 {percentile(times, 0.99):.1f} µs per message")
    print(f"  messages with a note: {noted} ({noted / len(texts):.2%}; {1000 * noted / len(texts):.2f} per 1,000)")
    for entry_id, count in terms.most_common(10):
        print(f"    {entry_id} ×{count}: {examples[entry_id][:90]!r}")


def answers(reader: Reader, matcher: SlangMatcher) -> None:
    with PAIRS_PATH.open(encoding="utf-8") as file:
        chinese = [line.split("\t")[1] for line in file if line.count("\t") >= 2][:ANSWERS]
    i18n = I18n.load(REPO_ROOT / "locale")
    start = time.perf_counter()
    reader.ensure_loaded()
    print(f"first reading in this process (loads the dictionaries): {time.perf_counter() - start:.2f} s")
    times: list[float] = []
    for text in chinese:
        start = time.perf_counter()
        PinyinAnswer(i18n, "en-US").words(reader.read(text), matcher.find(text))
        times.append((time.perf_counter() - start) * 1000)
    print(f"Pinyin answer (segment, read, gloss, slang, format), {len(chinese):,} Tatoeba sentences: "
          f"median {statistics.median(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, max {max(times):.2f} ms")


def memory(runs: int = 3) -> None:
    results = []
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", _MEMORY_PROBE.format(root=str(REPO_ROOT))],
                                capture_output=True, text=True, check=True).stdout.split()
        results.append(tuple(float(value) for value in output))
    for before, after, first in results:
        print(f"memory: RSS {before:.0f} MB with the bot's modules and the slang matcher loaded, "
              f"{after:.0f} MB after the first Pinyin reading (+{after - before:.0f} MB; first reading {first:.2f} s)")


async def menu_through_the_double(count: int) -> None:
    """The Pinyin menu end to end: the real bot (learning cog) and the Discord double in this
    process; time from the interaction going out to the private answer being readable."""
    import tempfile

    from bot.app import open_bot
    from bot.settings import Settings
    from discord_double.client import run_client
    from discord_double.server import DiscordDouble

    with PAIRS_PATH.open(encoding="utf-8") as file:
        chinese = [line.split("\t")[1] for line in file if line.count("\t") >= 2][:count + 1]
    double = DiscordDouble()
    await double.start()
    try:
        double.ratelimiter.config.enabled = False
        guild = double.create_guild("Learners")
        channel = double.create_channel(guild, "general")
        writer, reader = double.add_member(guild, "wang"), double.add_member(guild, "alice")
        with tempfile.TemporaryDirectory() as directory:
            settings = dataclasses.replace(
                Settings.from_env({}, require_token=False),
                database_url=f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}",
                discord_api_base_url=double.api_base_url, discord_gateway_url=double.gateway_url,
            )
            async with open_bot(settings, extensions=("cogs.learning",), guild_ready_timeout=0.05) as bot:
                async with run_client(bot, double, timeout=10):
                    cog = bot.get_cog("Learning")
                    cog.limiter.limit = count + 10  # the bench is one very busy person
                    times: list[float] = []
                    for number, text in enumerate(chinese):
                        message = await double.post(writer, channel, text)
                        start = time.perf_counter()
                        handle = await double.invoke_message_command(reader, "Pinyin", message)
                        await handle.wait_text(timeout=60)
                        times.append((time.perf_counter() - start) * 1000)
        first, rest = times[0], times[1:]
        print(f"Pinyin menu through the double (real discord.py client, bot and double in this process): "
              f"first use {first:.0f} ms (loads the dictionaries, answer deferred); then {len(rest)} answers: "
              f"median {statistics.median(rest):.1f} ms, p95 {percentile(rest, 0.95):.1f} ms")
    finally:
        await double.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chat", type=Path, help="label<TAB>text lines (UCI SMS Spam Collection); ham lines are read")
    parser.add_argument("--menu", type=int, default=200, help="Pinyin menu answers to time through the double (0: skip)")
    args = parser.parse_args()
    start = time.perf_counter()
    matcher = SlangMatcher.load()
    print(f"slang catalogue: {len(matcher.entries)} entries "
          f"({sum(e.language == 'zh' for e in matcher.entries)} Chinese, {sum(e.language == 'en' for e in matcher.entries)} English), "
          f"built in {(time.perf_counter() - start) * 1000:.0f} ms")
    with MESSAGES_PATH.open(encoding="utf-8") as file:
        shared = [json.loads(line)["text"] for line in file]
    matching(matcher, shared, f"shared chat sample {MESSAGES_PATH.name}")
    shipped = [json.loads(line)["text"] for path in REAL_CHAT for line in path.open(encoding="utf-8")]
    matching(matcher, shipped, "real chat bench/data/chat/sms-*.jsonl (UCI SMS Spam Collection, ham)")
    if args.chat:
        with args.chat.open(encoding="utf-8") as file:
            ham = [line.split("\t", 1)[1].rstrip("\n") for line in file if line.startswith("ham\t")]
        matching(matcher, ham, f"real chat {args.chat.name} (ham)")
    answers(Reader(), matcher)
    memory()
    if args.menu:
        asyncio.run(menu_through_the_double(args.menu))


if __name__ == "__main__":
    main()
