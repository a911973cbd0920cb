"""Relay throughput and added latency of the real bridge, next to a bare webhook forwarder.

Usage: python -m bench.relay [--messages 2000] [--paced 500] [--rate 50] [--memory 0 --max-seconds 300]

Runs the Discord double in this process (rate limits off), 10 bridged English/Chinese pairs and
an instant in-process translator. For each bot:
- throughput: all messages posted at once across the 10 pairs; relays/s from the first
  MESSAGE_CREATE dispatched to the last webhook execute received;
- latency: messages posted at a steady --rate; per message, the time from the double
  dispatching MESSAGE_CREATE to the double receiving the webhook execute (p50/p99).
The bare forwarder (discord.py, on_message -> webhook.send with the raw text) is the floor.
--memory N relays N messages (bounded by --max-seconds) and prints RSS and tracemalloc.
Double, bots and load generator share one event loop, so figures are pessimistic.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import aiohttp
import discord

from bot.client import QiaoBot
from bot.settings import Settings
from bot.storage import Database
from bot.translation import MemoryTranslationStore, TranslationService
from tests.double.client import run_client
from tests.double.server import DiscordDouble

PAIRS = 10
_MARKER = re.compile(r"\bm(\d+)\b")


class InstantProvider:
    name = "instant"
    targets = frozenset({"en", "zh-Hans", "zh-Hant"})

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return [f"译 {text}" for text in texts]


class BareForwarder(discord.Client):
    """The floor: forwards raw text through a webhook, nothing else."""

    def __init__(self, targets: dict[int, int]) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(intents=intents, guild_ready_timeout=0.05)
        self.targets = targets
        self.webhooks: dict[int, discord.Webhook] = {}

    async def prepare(self) -> None:
        for source, target in self.targets.items():
            self.webhooks[source] = await self.get_channel(target).create_webhook(name="bare")

    async def on_message(self, message: discord.Message) -> None:
        if message.webhook_id or message.author.bot or message.channel.id not in self.webhooks:
            return
        await self.webhooks[message.channel.id].send(
            message.content, username=message.author.display_name, avatar_url=message.author.display_avatar.url,
            allowed_mentions=discord.AllowedMentions.none(), wait=True,
        )


class Clock:
    """Dispatch times of MESSAGE_CREATE (by marker) and arrival times of webhook executes."""

    def __init__(self, double: DiscordDouble) -> None:
        self.dispatched: dict[int, float] = {}
        self.arrived: dict[int, float] = {}
        original_dispatch = double.gateway.dispatch

        def dispatch(event, data, **kwargs):
            if event == "MESSAGE_CREATE" and not data.get("webhook_id"):
                match = _MARKER.search(data.get("content", ""))
                if match:
                    self.dispatched[int(match.group(1))] = time.time()
            return original_dispatch(event, data, **kwargs)

        double.gateway.dispatch = dispatch

        self._double = double
        self._seen = 0

    def collect(self) -> None:
        """Read webhook executes the double recorded (its own arrival timestamps) since last time."""
        requests = self._double.requests
        for request in requests[self._seen:]:
            if request.method == "POST" and "/webhooks/" in request.path and isinstance(request.json, dict):
                match = _MARKER.search(str(request.json.get("content", "")))
                if match and request.status < 300:
                    self.arrived.setdefault(int(match.group(1)), request.at)
        self._seen = len(requests)


async def build_world(double: DiscordDouble):
    guild = double.create_guild("Bench", owner="owner")
    pairs = [(double.create_channel(guild, f"en-{i}"), double.create_channel(guild, f"zh-{i}")) for i in range(PAIRS)]
    member = double.add_member(guild, "alice", display_name="Alice")
    return guild, pairs, member


async def post_all(double, member, pairs, first: int, count: int, rate: float | None) -> None:
    interval = 1 / rate if rate else 0
    started = time.perf_counter()
    for offset in range(count):
        number = first + offset
        english, _ = pairs[number % PAIRS]
        await double.post(member, english, f"Hello there friend, message m{number} for the bridge")
        if interval:
            await asyncio.sleep(max(0.0, started + (offset + 1) * interval - time.perf_counter()))


async def wait_arrived(clock: Clock, numbers: range, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        clock.collect()
        if all(n in clock.arrived for n in numbers):
            return
        await asyncio.sleep(0.01)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(double, clock, member, pairs, first, args) -> dict[str, float]:
    flood = range(first, first + args.messages)
    await post_all(double, member, pairs, flood.start, len(flood), None)
    await wait_arrived(clock, flood, 120)
    done = [n for n in flood if n in clock.arrived]
    span = max(clock.arrived[n] for n in done) - min(clock.dispatched[n] for n in flood)
    paced = range(flood.stop, flood.stop + args.paced)
    await post_all(double, member, pairs, paced.start, len(paced), args.rate)
    await wait_arrived(clock, paced, 60)
    latencies = [(clock.arrived[n] - clock.dispatched[n]) * 1000 for n in paced if n in clock.arrived]
    return {
        "relays_per_s": len(done) / span, "relayed": len(done), "sent": len(flood),
        "p50_ms": statistics.median(latencies), "p99_ms": percentile(latencies, 0.99),
        "paced_relayed": len(latencies),
    }


@contextlib.asynccontextmanager
async def qiao(double, pairs, database_url):
    settings = Settings.from_env({}, require_token=False)
    db = await Database.open(database_url)
    async with aiohttp.ClientSession() as session:
        translation = TranslationService(settings.translation, None, MemoryTranslationStore(), providers=[InstantProvider()])
        bot = QiaoBot(settings=settings, db=db, session=session, translation=translation,
                      extensions=("cogs.bridge",), guild_ready_timeout=0.05)
        try:
            async with run_client(bot, double):
                for english, chinese in pairs:
                    await bot.bridge_relay.store.create_bridge(english.guild_id, "linked", [
                        {"channel_id": english.id, "language": "en"}, {"channel_id": chinese.id, "language": "zh"}])
                yield bot
        finally:
            await translation.aclose()
            await db.close()


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def main(args) -> None:
    print(f"python {sys.version.split()[0]}, discord.py {discord.__version__}, {platform.platform()}, "
          f"{os.cpu_count()} CPUs; double, bot and load in one event loop; rate limits off; instant translator")
    double = DiscordDouble()
    clock = Clock(double)
    await double.start()
    double.ratelimiter.config.enabled = False
    guild, pairs, member = await build_world(double)
    try:
        bare = BareForwarder({english.id: chinese.id for english, chinese in pairs})
        async with run_client(bare, double):
            await bare.prepare()
            floor = await measure(double, clock, member, pairs, 0, args)
        with tempfile.TemporaryDirectory() as directory:
            async with qiao(double, pairs, f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}") as bot:
                ours = await measure(double, clock, member, pairs, 1_000_000, args)
                print(f"{'':24}{'relays/s':>10}{'p50 ms':>9}{'p99 ms':>9}   relayed")
                for name, row in (("bare forwarder", floor), ("qiao bridge", ours)):
                    print(f"{name:24}{row['relays_per_s']:10.0f}{row['p50_ms']:9.1f}{row['p99_ms']:9.1f}   "
                          f"{row['relayed']}/{row['sent']} flood, {row['paced_relayed']}/{args.paced} paced at {args.rate}/s")
                print(f"qiao / bare throughput: {ours['relays_per_s'] / floor['relays_per_s']:.2f}x "
                      f"(targets: >= 200 relays/s, p99 <= 25 ms, >= 0.7x)")
                if args.memory:
                    await memory_run(double, clock, member, pairs, bot, args)
    finally:
        await double.stop()


async def memory_run(double, clock, member, pairs, bot, args) -> None:
    tracemalloc.start()
    before_rss = rss_mb()
    first = 10_000_000
    started = time.perf_counter()
    batch = 500
    sent = 0
    while sent < args.memory and time.perf_counter() - started < args.max_seconds:
        numbers = range(first + sent, first + sent + batch)
        await post_all(double, member, pairs, numbers.start, batch, None)
        await wait_arrived(clock, numbers, 60)
        for n in numbers:  # the bench's own bookkeeping must not count as the bot's memory
            clock.dispatched.pop(n, None)
            clock.arrived.pop(n, None)
        double.world.messages.clear()
        double.requests.clear()
        clock._seen = 0
        double.events.clear()
        sent += batch
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory after {sent} relayed messages in {time.perf_counter() - started:.0f} s: RSS {rss_mb():.0f} MB "
          f"(was {before_rss:.0f} MB; includes the double), tracemalloc current {current / 2**20:.1f} MB, "
          f"peak {peak / 2**20:.1f} MB")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--paced", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--memory", type=int, default=0, help="also relay this many messages and report memory")
    parser.add_argument("--max-seconds", type=float, default=300.0)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
