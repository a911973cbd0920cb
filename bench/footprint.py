"""Memory and start-up of the real bot, and the cost of a message when one process serves thousands of servers.

Usage: python -m bench.footprint [--relays 300] [--pairs 30]              # the real bot: RSS and start-up
       python -m bench.footprint --servers 2500 [--messages 2000]         # scale: RSS and cost per message

Default run: the real bot (`python -m bot`, every default cog, its own process) against the Discord
double (this process, rate limits off; the bot keeps its own pacing to Discord's limits) and a local
LibreTranslate-compatible server answering at once (TRANSLATOR=libretranslate). The SQLite database is
created and migrated first and holds the bridges (`--pairs` English/Chinese pairs in one server), and the
bot's code is compiled to bytecode first (as the Docker image and any second start have it, even under
PYTHONDONTWRITEBYTECODE), so the start is a start of an existing install on an existing database. Printed: seconds from the process start to on_ready and to
the first relayed copy (probes posted every 50 ms from the gateway IDENTIFY on: discord.py handles
messages before on_ready), then the bot's RSS after --relays relays (English and Simplified Chinese
messages in turn; no Traditional text), and its peak RSS.

--servers N: the bot (the same entry as bench.relay: QiaoBot with every default cog, an instant
translator in the process, pacing lifted, so the hot path and not the pacer is measured) serving N
servers with --channels bridged channels each (English/Chinese pairs), all in its database and its
caches; --messages are relayed through the bridges of the last server created after a warm-up (webhooks created), the
same traffic as the 1-server bot it is compared with; both bots run at once and their floods take turns,
so the shared machine's load drifts alike over both. Printed for 1 server and for N: RSS, CPU ms per
relay of the bot process (median of --rounds floods), and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import gc
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import discord
from aiohttp import web

from bench.relay import Clock, InstantProvider, cpu_seconds, rss_mb, wait_arrived
from bot.bridge.deliver.pacing import PacingLimits, WindowLimit
from bot.bridge.remember.store import BridgeStore
from bot.storage import Database
from discord_double.server import DiscordDouble

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def seed(database_url: str, bridges: list[tuple[int, list[tuple[int, str]]]]) -> None:
    """Create and migrate the database and file the bridges, as /bridge commands would have."""
    db = await Database.open(database_url)
    try:
        store = BridgeStore(db)
        for guild_id, channels in bridges:
            await store.create_bridge(guild_id, "linked", [
                {"channel_id": channel_id, "language": language} for channel_id, language in channels])
    finally:
        await db.close()


class InstantLibreTranslate:
    """A LibreTranslate server answering at once, in its wire format: POST /translate
    {"q": [...], "source", "target", "format"} -> {"translatedText": [...]}."""

    def __init__(self) -> None:
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def translate(self, request: web.Request) -> web.Response:
        body = await request.json()
        marker = "译 " if body["target"].startswith("zh") else "tr "
        texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
        return web.json_response({"translatedText": [marker + text for text in texts]})

    async def __aenter__(self) -> InstantLibreTranslate:
        app = web.Application()
        app.router.add_post("/translate", self.translate)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()


async def real_bot(args) -> None:
    double = DiscordDouble()
    clock = Clock(double)
    await double.start()
    double.ratelimiter.config.enabled = False
    guild = double.create_guild("Footprint", owner="owner")
    pairs = [(double.create_channel(guild, f"en-{i}"), double.create_channel(guild, f"zh-{i}")) for i in range(args.pairs)]
    member = double.add_member(guild, "alice", display_name="Alice")
    compileall.compile_dir(args.bot_dir / "bot", quiet=1)
    compileall.compile_dir(args.bot_dir / "cogs", quiet=1)
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "qiao.sqlite3"
        await seed(f"sqlite+aiosqlite:///{database}", [
            (guild.id, [(english.id, "en"), (chinese.id, "zh")]) for english, chinese in pairs])
        async with InstantLibreTranslate() as translator:
            env = {**os.environ, "DISCORD_TOKEN": double.token, "DISCORD_API_BASE_URL": double.api_base_url,
                   "DISCORD_GATEWAY_URL": double.gateway_url, "DATABASE_URL": f"sqlite:///{database}",
                   "TRANSLATOR": "libretranslate", "LIBRETRANSLATE_URL": translator.url, "LOG_LEVEL": "INFO",
                   "PYTHONPATH": str(args.bot_dir)}
            ready_at: list[float] = []
            lines: list[str] = []
            started, started_wall = time.perf_counter(), time.time()
            process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=args.bot_dir, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

            def read_output() -> None:
                for line in process.stdout:
                    lines.append(f"{time.perf_counter() - started:6.2f} {line.rstrip()}")
                    if "connected as" in line and not ready_at:
                        ready_at.append(time.perf_counter() - started)
                        ready_at.append(cpu_seconds(process.pid))

            reader = threading.Thread(target=read_output, daemon=True)
            reader.start()
            try:
                first_relay = await probe_first_relay(double, clock, member, pairs[0][0], started_wall, process)
                await double.wait_for(lambda: ready_at, timeout=60)
                numbers = range(1_000, 1_000 + args.relays)
                for offset, number in enumerate(numbers):
                    english, chinese = pairs[offset % len(pairs)]
                    if offset % 2:
                        await double.post(member, chinese, f"你好朋友，这是今天的第 m{number} 条消息")
                    else:
                        await double.post(member, english, f"Hello there friend, message m{number} for the bridge")
                    await asyncio.sleep(1 / args.rate)
                await wait_arrived(clock, numbers, 120)
                relayed = sum(1 for n in numbers if n in clock.arrived)
                rss, peak = rss_mb(process.pid), peak_rss_mb(process.pid)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.get_running_loop().run_in_executor(None, process.wait, 30)
                reader.join(5)
                await double.stop()
    failures = [line for line in lines if "Traceback" in line or " ERROR " in line]
    print(f"python {sys.version.split()[0]}, discord.py {discord.__version__}, {platform.platform()}, {os.cpu_count()} CPUs; "
          f"code from {args.bot_dir}")
    print(f"the real bot (python -m bot, every default cog) against the Discord double, LibreTranslate-compatible "
          f"server answering at once, SQLite database with {args.pairs} bridged pairs (created and migrated before)")
    print(f"start-up: on_ready {ready_at[0]:.2f} s after the process started (the bot's CPU until then: {ready_at[1]:.2f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs); first relayed copy {first_relay:.2f} s "
          f"(target: ready <= 3 s)")
    print(f"memory after {relayed}/{args.relays} relays (English and Simplified Chinese in turn): RSS {rss:.1f} MB, "
          f"peak {peak:.1f} MB (target <= 130 MB)")
    if args.log:
        print("\n".join(lines))
    if failures:
        print(f"{len(failures)} error lines in the bot's log, first: {failures[0]}")


async def probe_first_relay(double, clock, member, channel, started_wall: float, process) -> float:
    """Post a probe every 50 ms from the gateway IDENTIFY on; the first copy to arrive ends it."""
    await double.wait_for(lambda: double.gateway.connects or process.poll() is not None, timeout=60)
    if process.poll() is not None:
        raise RuntimeError(f"the bot exited with {process.returncode}: {process.stdout.read()}")
    number = 0
    while time.time() - started_wall < 60:
        await double.post(member, channel, f"Probe message m{number} for the bridge")
        number += 1
        clock.collect()
        if any(n in clock.arrived for n in range(number)):
            return min(clock.arrived[n] for n in range(number) if n in clock.arrived) - started_wall
        await asyncio.sleep(0.05)
    raise TimeoutError("no relay within 60 s of the start")


# -- scale: one process, many servers -------------------------------------------------------------

async def serve(args) -> None:
    """Child process: QiaoBot with every default cog against the double at --api/--gateway."""
    from bot.client import DEFAULT_EXTENSIONS, QiaoBot
    from bot.discord_endpoints import apply_discord_endpoints
    from bot.settings import Settings
    from bot.translation import TranslationService
    from bot.translation.store import SqlTranslationStore

    settings = Settings.from_env({}, require_token=False)
    apply_discord_endpoints(args.api, args.gateway)
    collecting = {"seconds": 0.0, "started": 0.0}

    def on_gc(phase: str, _info: dict) -> None:
        if phase == "start":
            collecting["started"] = time.perf_counter()
        else:
            collecting["seconds"] += time.perf_counter() - collecting["started"]

    gc.callbacks.append(on_gc)
    db = await Database.open(args.database)
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession() as session:
        translation = TranslationService(settings.translation, None, SqlTranslationStore(db), providers=[InstantProvider()])
        bot = QiaoBot(settings=settings, db=db, session=session, translation=translation,
                      extensions=DEFAULT_EXTENSIONS, guild_ready_timeout=0.05)
        try:
            await bot.login(args.token)
            connect = asyncio.create_task(bot.connect(reconnect=True))
            await bot.wait_until_ready()
            unlimited = WindowLimit(64, 1e-6)
            bot.bridge_relay.engine.set_pacing(PacingLimits(
                per_webhook=unlimited, per_channel=unlimited, burst=32, safety_fraction=0, safety_seconds=0))
            print("READY", flush=True)
            while (line := (await loop.run_in_executor(None, sys.stdin.readline)).strip()) not in ("", "QUIT"):
                print(json.dumps({"rss_mb": rss_mb(), "guilds": len(bot.guilds), "gc_seconds": collecting["seconds"]}), flush=True)
        finally:
            await bot.close()
            with contextlib.suppress(Exception):
                await connect
            await translation.aclose()
            await db.close()


async def settle(pid: int, *, quiet: float = 0.05, window: float = 1.0, patience: float = 120.0) -> float:
    """Wait until the process uses under `quiet` of a CPU over `window` seconds (at most
    `patience` seconds); returns how long that took."""
    started = time.perf_counter()
    while time.perf_counter() - started < patience:
        before = cpu_seconds(pid)
        await asyncio.sleep(window)
        if cpu_seconds(pid) - before < quiet * window:
            break
    return time.perf_counter() - started


@contextlib.asynccontextmanager
async def scale_world(servers: int, args, directory: Path):
    """A double with `servers` bridged servers and a bot serving them; yields a flood function
    that relays messages through the bridges of the last server created (the worst place for any
    lookup that walks servers in order)."""
    double = DiscordDouble()
    clock = Clock(double)
    await double.start()
    double.ratelimiter.config.enabled = False
    guilds = [double.create_guild(f"Server {index}", owner="owner") for index in range(servers)]
    worlds = []
    for guild in guilds:
        channels = [double.create_channel(guild, f"{'en' if i % 2 == 0 else 'zh'}-{i // 2}") for i in range(args.channels)]
        worlds.append((guild, [(channels[i], channels[i + 1]) for i in range(0, len(channels), 2)]))
    active_guild, active_pairs = worlds[-1]
    speaker = double.add_member(active_guild, "speaker", display_name="Alice")
    database = f"sqlite+aiosqlite:///{directory / f'scale-{servers}.sqlite3'}"
    await seed(database, [(guild.id, [(english.id, "en"), (chinese.id, "zh")]) for guild, pairs in worlds for english, chinese in pairs])
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.footprint", "--serve", "--api", double.api_base_url, "--gateway", double.gateway_url,
         "--token", double.token, "--database", database],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    loop = asyncio.get_running_loop()
    counter = iter(range(10**9))
    try:
        line = await loop.run_in_executor(None, process.stdout.readline)
        if line.strip() != "READY":
            raise RuntimeError(f"bot process: {line!r}, exit {process.poll()}")
        ready = time.perf_counter() - started

        async def flood(count: int) -> float:
            numbers = [next(counter) for _ in range(count)]
            cpu = cpu_seconds(process.pid)
            for offset, number in enumerate(numbers):
                english, _ = active_pairs[offset % len(active_pairs)]
                await double.post(speaker, english, f"Hello there friend, message m{number} for the bridge")
            await wait_arrived(clock, numbers, 120)
            missing = [n for n in numbers if n not in clock.arrived]
            if missing:
                raise RuntimeError(f"{len(missing)} of {count} not relayed")
            for number in numbers:
                clock.arrived.pop(number, None)
                clock.dispatched.pop(number, None)
            double.requests.clear()
            clock._seen = 0
            return (cpu_seconds(process.pid) - cpu) * 1000 / count

        async def rss() -> dict:
            process.stdin.write("RSS\n")
            process.stdin.flush()
            return json.loads(await loop.run_in_executor(None, process.stdout.readline))

        while (await rss())["guilds"] < servers:  # on_ready comes before thousands of servers have arrived
            await asyncio.sleep(0.5)
        await flood(100)  # webhooks created, caches warm
        # Start-up work in the background (catch-up, command ids, topic rooms) is not a message's cost.
        settled = await settle(process.pid)
        yield SimpleNamespace(servers=servers, flood=flood, rss=rss, ready=ready, settled=settled)
    finally:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write("QUIT\n")
            process.stdin.close()
        await loop.run_in_executor(None, process.wait, 60)
        await double.stop()


async def scale(args) -> None:
    print(f"python {sys.version.split()[0]}, discord.py {discord.__version__}, {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"QiaoBot with every default cog in its own process, Discord double in this process (rate limits off), "
          f"instant translator, pacing lifted; {args.channels} bridged channels per server; {args.messages} messages "
          f"per round through the bridges of the last server created, after 100 warm-up messages; {args.rounds} "
          f"rounds, alternating between the 1-server and the {args.servers}-server bot (both running)")
    with tempfile.TemporaryDirectory() as directory:
        async with scale_world(1, args, Path(directory)) as one, scale_world(args.servers, args, Path(directory)) as many:
            costs: dict[int, list[float]] = {1: [], args.servers: []}
            for _ in range(args.rounds):
                for world in (one, many):
                    costs[world.servers].append(await world.flood(args.messages))
            rows = [(world, await world.rss(), costs[world.servers]) for world in (one, many)]
    for world, figures, row_costs in rows:
        print(f"{world.servers:>6} servers ({figures['guilds']} seen by the bot, ready in {world.ready:.1f} s, "
              f"idle {world.settled:.1f} s after the warm-up, GC {figures['gc_seconds']:.2f} s in all): "
              f"RSS {figures['rss_mb']:.1f} MB, CPU {statistics.median(row_costs):.3f} ms per relay (median; rounds: "
              + ", ".join(f"{cost:.3f}" for cost in row_costs) + ")")
    (_, one_rss, one_costs), (_, many_rss, many_costs) = rows
    print(f"cost per message at {args.servers} servers / at 1 server: "
          f"{statistics.median(many_costs) / statistics.median(one_costs):.2f}x (target <= 1.10x); "
          f"RSS at {args.servers} servers {many_rss['rss_mb']:.1f} MB (target <= 250 MB)")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relays", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=30, help="bridged pairs of the real-bot run")
    parser.add_argument("--rate", type=float, default=50.0, help="messages per second of the real-bot run")
    parser.add_argument("--bot-dir", type=Path, default=ROOT, help="the code to run as the bot (another checkout for before/after)")
    parser.add_argument("--log", action="store_true", help="print the bot's log (real-bot run)")
    parser.add_argument("--servers", type=int, default=0, help="run the scale benchmark with this many servers")
    parser.add_argument("--channels", type=int, default=4, help="bridged channels per server (scale)")
    parser.add_argument("--messages", type=int, default=2000, help="messages per round (scale)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--gateway", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.serve:
        asyncio.run(serve(arguments))
    elif arguments.servers:
        asyncio.run(scale(arguments))
    else:
        asyncio.run(real_bot(arguments))
