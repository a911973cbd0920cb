"""Relay throughput and added latency of the real bridge, next to a bare webhook forwarder.

Usage: python -m bench.relay [--runs 3] [--messages 2000] [--paced 500] [--rate 50] [--cogs all|bridge]
       [--memory 0 --max-seconds 300] [--profile PREFIX] [--one-process]

Each bot runs in its own process (Discord is remote in reality: the double's CPU must not be charged
to the bot under test, nor the bot's to the double) against its own Discord double in this process:
two instances of the same double, each with the same world (10 bridged English/Chinese pairs,
--channels), rate limits off. Both bots run throughout and relay --warm-up messages first (webhooks
created, caches loaded), then --runs paired runs, the order alternating (bare first, then Qiao first,
...): in each run both relay the same messages (same texts, same markers). Qiao is the real bot
(`QiaoBot`, every default cog unless --cogs bridge) with an instant in-process translator
(translation cache and usage in its SQLite database, as in production). For each bot and run:
- throughput: --messages posted at once across the pairs; relays/s from the first MESSAGE_CREATE
  dispatched to the last webhook execute received;
- latency: --paced messages at a steady --rate; per message, the time from the double dispatching
  MESSAGE_CREATE to the double receiving the webhook execute (p50/p99);
- CPU ms per relay: the bot process's user+system CPU (all threads) over both, divided by relays;
  "bench process" is this process's CPU during the flood (near 100 %: the double is the limit).
The bare forwarder (discord.py, on_message -> webhook.send with the raw text, unbounded concurrency,
no ordering guarantee) is the floor; Qiao keeps copies in order per channel. Printed per run and
then the lowest throughput ratio and highest CPU ratio over the runs.
--memory N relays N messages through Qiao (bounded by --max-seconds) and prints the bot process's
RSS and tracemalloc. --profile PREFIX writes cProfile stats of each bot's measured runs.
--one-process puts double, bots and load in one event loop (whichever bot runs also pays for the
double, so ratios are compressed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import platform
import re
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from dataclasses import dataclass
from types import SimpleNamespace

import aiohttp
import discord

from bot.bridge.deliver.pacing import PacingLimits, WindowLimit
from bot.client import DEFAULT_EXTENSIONS, QiaoBot
from bot.settings import Settings
from bot.storage import Database
from bot.translation import TranslationService
from bot.translation.store import SqlTranslationStore
from discord_double.client import run_client
from discord_double.server import DiscordDouble

PAIRS = 10
# Message numbers (the "m123" markers): every run relays the same texts on both sides, and every
# marker has the same number of digits.
RUN_FIRST = 1_000_000
WARM_UP_FIRST = 9_000_000
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
                if request.status < 300:  # a combined post carries several originals
                    for match in _MARKER.finditer(str(request.json.get("content", ""))):
                        self.arrived.setdefault(int(match.group(1)), request.at)
        self._seen = len(requests)


async def build_world(double: DiscordDouble, count: int = PAIRS):
    guild = double.create_guild("Bench", owner="owner")
    pairs = [(double.create_channel(guild, f"en-{i}"), double.create_channel(guild, f"zh-{i}")) for i in range(count)]
    member = double.add_member(guild, "alice", display_name="Alice")
    return guild, pairs, member


async def post_all(double, member, pairs, first: int, count: int, rate: float | None) -> None:
    interval = 1 / rate if rate else 0
    started = time.perf_counter()
    for offset in range(count):
        number = first + offset
        english, _ = pairs[number % len(pairs)]
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


async def measure(double, clock, member, pairs, first, args, pid: int | None = None) -> dict[str, float]:
    flood = range(first, first + args.messages)
    cpu_before = cpu_seconds(pid) if pid else 0.0
    bench_before = cpu_seconds()
    await post_all(double, member, pairs, flood.start, len(flood), None)
    await wait_arrived(clock, flood, 120)
    flood_cpu = cpu_seconds(pid) - cpu_before if pid else float("nan")
    bench_cpu = cpu_seconds() - bench_before
    done = [n for n in flood if n in clock.arrived]
    span = max(clock.arrived[n] for n in done) - min(clock.dispatched[n] for n in flood)
    paced = range(flood.stop, flood.stop + args.paced)
    await post_all(double, member, pairs, paced.start, len(paced), args.rate)
    await wait_arrived(clock, paced, 60)
    latencies = [(clock.arrived[n] - clock.dispatched[n]) * 1000 for n in paced if n in clock.arrived]
    return {
        "relays_per_s": len(done) / span, "relayed": len(done), "sent": len(flood),
        "p50_ms": statistics.median(latencies), "p99_ms": percentile(latencies, 0.99),
        "paced_relayed": len(latencies), "flood_busy": flood_cpu / span, "bench_busy": bench_cpu / span,
    }


@contextlib.asynccontextmanager
async def qiao(double, pairs, database_url, cogs: str = "all"):
    settings = Settings.from_env({}, require_token=False)
    db = await Database.open(database_url)
    async with aiohttp.ClientSession() as session:
        # The translation cache and usage in the bot's database, as build_translation_service does.
        translation = TranslationService(settings.translation, None, SqlTranslationStore(db), providers=[InstantProvider()])
        bot = QiaoBot(settings=settings, db=db, session=session, translation=translation,
                      extensions=DEFAULT_EXTENSIONS if cogs == "all" else ("cogs.bridge",), guild_ready_timeout=0.05)
        try:
            async with run_client(bot, double):
                for english, chinese in pairs:
                    await bot.bridge_relay.store.create_bridge(english.guild_id, "linked", [
                        {"channel_id": english.id, "language": "en"}, {"channel_id": chinese.id, "language": "zh"}])
                # The double's rate limits are off, so the bridge's own pacing to Discord's limits
                # (30 webhook posts a minute per channel) is lifted too: this bench measures the hot
                # path, not the pacer (tests/bridge cover pacing and coalescing).
                unlimited = WindowLimit(64, 1e-6)
                bot.bridge_relay.engine.set_pacing(PacingLimits(
                    per_webhook=unlimited, per_channel=unlimited, burst=32, safety_fraction=0, safety_seconds=0))
                yield bot
        finally:
            await translation.aclose()
            await db.close()


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU of a whole process (all threads)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the bot side, in its own process ------------------------------------------------------------

async def serve(args) -> None:
    """Child process: run one bot against the double at --api/--gateway; obey commands on stdin."""
    remote = SimpleNamespace(api_base_url=args.api, gateway_url=args.gateway, token=args.token)
    pairs = [tuple(SimpleNamespace(id=int(part), guild_id=args.guild) for part in pair.split(":"))
             for pair in args.pairs.split(",")]
    loop = asyncio.get_running_loop()
    collecting = {"seconds": 0.0, "collections": [0, 0, 0], "started": 0.0}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collecting["started"] = time.perf_counter()
        else:
            collecting["seconds"] += time.perf_counter() - collecting["started"]
            collecting["collections"][info["generation"]] += 1

    gc.callbacks.append(on_gc)

    async def commands(bot) -> None:
        print("READY", flush=True)
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
            if line in ("", "QUIT"):
                return
            if line == "GC":
                print(json.dumps({key: collecting[key] for key in ("seconds", "collections")}), flush=True)
            elif line == "PROFILE_START":
                import cProfile
                collecting["profile"] = cProfile.Profile()
                collecting["profile"].enable()
                print("{}", flush=True)
            elif line.startswith("PROFILE_STOP "):
                profile = collecting.pop("profile")
                profile.disable()
                profile.dump_stats(line.split(" ", 1)[1])
                print("{}", flush=True)
            elif line == "MEM_START":
                tracemalloc.start()
                print(json.dumps({"rss_mb": rss_mb()}), flush=True)
            elif line == "MEM_REPORT":
                current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(json.dumps({"rss_mb": rss_mb(), "current_mb": current / 2**20, "peak_mb": peak / 2**20}), flush=True)

    if args.serve == "bare":
        bare = BareForwarder({english.id: chinese.id for english, chinese in pairs})
        async with run_client(bare, remote):
            await bare.prepare()
            await commands(bare)
    else:
        with tempfile.TemporaryDirectory() as directory:
            async with qiao(remote, pairs, f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}", args.cogs) as bot:
                await commands(bot)


class BotProcess:
    def __init__(self, kind: str, double: DiscordDouble, pairs, guild, args) -> None:
        spec = ",".join(f"{english.id}:{chinese.id}" for english, chinese in pairs)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.relay", "--serve", kind, "--api", double.api_base_url,
             "--gateway", double.gateway_url, "--token", double.token, "--pairs", spec, "--guild", str(guild.id),
             "--cogs", args.cogs],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent,
        )
        self.pid = self.process.pid
        self.kind = kind

    async def read(self) -> str:
        line = await asyncio.get_running_loop().run_in_executor(None, self.process.stdout.readline)
        if not line:
            raise RuntimeError(f"bot process exited with {self.process.wait()}")
        return line.strip()

    async def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(await self.read())

    async def __aenter__(self) -> BotProcess:
        while (line := await self.read()) != "READY":
            print(line)
        return self

    async def __aexit__(self, *exc) -> None:
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.write("QUIT\n")
            self.process.stdin.close()
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.process.wait, 30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- the Discord side: double, load and clock ----------------------------------------------------

async def measured(double, clock, member, pairs, first, args, process: BotProcess | None) -> dict[str, float]:
    if process is None:
        row = await measure(double, clock, member, pairs, first, args)
        return {**row, "cpu_ms": float("nan"), "gc_ms": float("nan")}
    if args.profile:
        await process.ask("PROFILE_START")
    cpu_before, gc_before = cpu_seconds(process.pid), (await process.ask("GC"))["seconds"]
    row = await measure(double, clock, member, pairs, first, args, process.pid)
    if args.profile:
        await process.ask(f"PROFILE_STOP {args.profile}-{process.kind}.prof")
    # CPU (and the part of it spent in the garbage collector) of the flood and the paced run,
    # per relay counted over both.
    relays = row["relayed"] + row["paced_relayed"]
    row["cpu_ms"] = (cpu_seconds(process.pid) - cpu_before) * 1000 / relays
    row["gc_ms"] = ((await process.ask("GC"))["seconds"] - gc_before) * 1000 / relays
    return row


@dataclass
class Side:
    """One bot under test with its own Discord double (same code, same world, same messages)."""

    kind: str
    double: DiscordDouble
    clock: Clock
    guild: object
    pairs: list
    member: object
    process: BotProcess | None = None


async def new_side(kind: str, args) -> Side:
    double = DiscordDouble()
    clock = Clock(double)
    await double.start()
    double.ratelimiter.config.enabled = False
    guild, pairs, member = await build_world(double, args.pairs_count)
    return Side(kind, double, clock, guild, pairs, member)


async def warm_up(side: Side, count: int) -> None:
    """Webhooks created, caches loaded, first-use imports done: not part of any measured run."""
    numbers = range(WARM_UP_FIRST, WARM_UP_FIRST + count)
    await post_all(side.double, side.member, side.pairs, numbers.start, count, None)
    await wait_arrived(side.clock, numbers, 120)
    missing = [n for n in numbers if n not in side.clock.arrived]
    if missing:
        raise RuntimeError(f"{side.kind}: {len(missing)} of {count} warm-up messages not relayed")


async def main(args) -> None:
    setup = ("double, bots and load in one event loop" if args.one_process
             else "each bot in its own process with its own Discord double (same world) in this process")
    print(f"python {sys.version.split()[0]}, discord.py {discord.__version__}, {platform.platform()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {setup}; {args.pairs_count} bridged pairs; "
          f"rate limits off (double) and pacing lifted (bridge); instant translator; Qiao cogs: {args.cogs}")
    if args.one_process:
        await one_process(args)
        return
    print(f"(Discord is remote in reality: the doubles run here, not in the bots' processes. Bare forwarder: plain "
          f"discord.py, on_message -> webhook.send, unbounded and unordered; Qiao: translated, one post in flight per "
          f"channel so copies keep their order. Both bots run throughout and are warmed up with {args.warm_up} messages; "
          f"{args.runs} paired runs, the order alternating; both relay the same {args.messages} + {args.paced} "
          f"messages in each run.)")
    sides = {kind: await new_side(kind, args) for kind in ("bare", "qiao")}
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    try:
        async with contextlib.AsyncExitStack() as stack:
            for side in sides.values():
                side.process = await stack.enter_async_context(BotProcess(side.kind, side.double, side.pairs, side.guild, args))
            for side in sides.values():
                await warm_up(side, args.warm_up)
            for run in range(args.runs):
                order = ("bare", "qiao") if run % 2 == 0 else ("qiao", "bare")
                first = RUN_FIRST * (run + 1)
                rows = {}
                for kind in order:
                    side = sides[kind]
                    rows[kind] = await measured(side.double, side.clock, side.member, side.pairs, first, args, side.process)
                print(f"paired run {run + 1} of {args.runs} ({order[0]} first):")
                ratio, cpu_ratio = report(rows["bare"], rows["qiao"], args)
                ratios.append(ratio)
                cpu_ratios.append(cpu_ratio)
            if args.memory:
                side = sides["qiao"]
                await memory_run(side.double, side.clock, side.member, side.pairs, args, side.process)
    finally:
        for side in sides.values():
            await side.double.stop()
    if args.runs > 1:
        listed = ", ".join(f"{ratio:.2f}" for ratio in ratios)
        print(f"qiao / bare throughput: {min(ratios):.2f}x (the lowest of {args.runs} paired runs: {listed}; target >= 0.8x in each)")
        print(f"qiao / bare CPU per relay: {max(cpu_ratios):.2f}x (the highest of {args.runs} paired runs: "
              + ", ".join(f"{ratio:.2f}" for ratio in cpu_ratios) + "; target <= 1.5x)")


async def one_process(args) -> None:
    double = DiscordDouble()
    clock = Clock(double)
    await double.start()
    double.ratelimiter.config.enabled = False
    guild, pairs, member = await build_world(double, args.pairs_count)
    try:
        bare = BareForwarder({english.id: chinese.id for english, chinese in pairs})
        async with run_client(bare, double):
            await bare.prepare()
            floor = await measured(double, clock, member, pairs, RUN_FIRST, args, None)
        with tempfile.TemporaryDirectory() as directory:
            async with qiao(double, pairs, f"sqlite+aiosqlite:///{Path(directory) / 'bench.sqlite3'}", args.cogs):
                ours = await measured(double, clock, member, pairs, 2 * RUN_FIRST, args, None)
                report(floor, ours, args)
                if args.memory:
                    await memory_run(double, clock, member, pairs, args, None)
    finally:
        await double.stop()


def report(floor, ours, args) -> tuple[float, float]:
    print(f"{'':24}{'relays/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/relay':>14}{'of it GC':>10}   relayed")
    for name, row in (("bare forwarder", floor), ("qiao bridge", ours)):
        print(f"{name:24}{row['relays_per_s']:10.0f}{row['p50_ms']:9.1f}{row['p99_ms']:9.1f}{row['cpu_ms']:14.2f}"
              f"{row['gc_ms']:10.2f}   "
              f"{row['relayed']}/{row['sent']} flood (bot CPU {row.get('flood_busy', float('nan')):.0%} busy, "
              f"bench process {row.get('bench_busy', float('nan')):.0%}), "
              f"{row['paced_relayed']}/{args.paced} paced at {args.rate}/s")
    ratio = ours["relays_per_s"] / floor["relays_per_s"]
    cpu_ratio = ours["cpu_ms"] / floor["cpu_ms"]
    print(f"qiao / bare throughput: {ratio:.2f}x; CPU per relay {cpu_ratio:.2f}x; Qiao's added p99 "
          f"{ours['p99_ms']:.1f} ms (targets: >= 0.8x, <= 1.5x, <= 25 ms)")
    return ratio, cpu_ratio


async def memory_run(double, clock, member, pairs, args, process: BotProcess | None) -> None:
    if process is None:
        tracemalloc.start()
        before_rss = rss_mb()
    else:
        before_rss = (await process.ask("MEM_START"))["rss_mb"]
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
    elapsed = time.perf_counter() - started
    if process is None:
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures = {"rss_mb": rss_mb(), "current_mb": current / 2**20, "peak_mb": peak / 2**20}
        where = "this process, includes the double"
    else:
        figures = await process.ask("MEM_REPORT")
        where = "Qiao's process only"
    print(f"memory after {sent} relayed messages in {elapsed:.0f} s ({sent / elapsed:.0f}/s under tracemalloc): "
          f"RSS {figures['rss_mb']:.0f} MB (was {before_rss:.0f} MB; {where}), "
          f"tracemalloc current {figures['current_mb']:.1f} MB, peak {figures['peak_mb']:.1f} MB")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--paced", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--memory", type=int, default=0, help="also relay this many messages and report memory")
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--runs", type=int, default=3, help="paired runs (bare and Qiao each relay the same messages)")
    parser.add_argument("--warm-up", type=int, default=100, help="messages each bot relays before the measured runs")
    parser.add_argument("--cogs", choices=("all", "bridge"), default="all",
                        help="Qiao with every default cog (as `python -m bot` runs) or the bridge cog alone")
    parser.add_argument("--profile", help="write cProfile stats of each bot process's measured runs to PREFIX-<bot>.prof")
    parser.add_argument("--one-process", action="store_true", help="double, bots and load in one event loop")
    parser.add_argument("--channels", dest="pairs_count", type=int, default=PAIRS,
                        help="bridged pairs (Qiao posts one copy at a time per channel, so this bounds its concurrency)")
    # internal: run one bot in this process against a double elsewhere
    parser.add_argument("--serve", choices=("bare", "qiao"), help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--gateway", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--pairs", help=argparse.SUPPRESS)
    parser.add_argument("--guild", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    asyncio.run(serve(arguments) if arguments.serve else main(arguments))
