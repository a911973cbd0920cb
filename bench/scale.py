"""Relays per second with 1, 2 and 3 bot processes sharing the shards, and what 10,000 and 100,000 servers need.

Usage: python -m bench.scale [--processes 1,2,3] [--messages 1500] [--rounds 2] [--pairs 4]
       python -m bench.scale --estimate-only --per-process 250      # only the estimate, from a figure you give

The run: the Discord double in this process (rate limits off), sharding as Discord does it
(SHARD_COUNT=6, one server per shard, --pairs English/Chinese pairs in each); PostgreSQL (a database
of its own, created and dropped here) and Redis (a key prefix of its own) on 127.0.0.1; a
translator answering at once in each bot process. Each bot process is the real bot (every default
cog, SHARD_COUNT/SHARD_IDS/REDIS_URL from its environment, as `python -m bot` builds it) in its own process, with
the bridge's pacing to Discord's webhook limits lifted after it is ready (the double's limits are
off too), so the hot path and not the pacer is measured. 1 process runs shards 0-5; 2 run 0-2 and
3-5; 3 run 0-1, 2-3 and 4-5. A round posts --messages messages, in turn to every server's English
channels, as fast as the double takes them, and ends when every copy arrived (markers counted; none
may be missing): relays/s = messages / (last copy - first post). The double and the load generator
share the 2 cores with the bots: more processes than cores measure the machine, not the bot.

The estimate prints its assumptions and derives processes and machines for 10,000 and 100,000
servers from the measured relays/s per process (or --per-process).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARD_COUNT = 6
POSTGRES_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SHARD_SPLITS = {1: ["0-5"], 2: ["0-2", "3-5"], 3: ["0-1", "2-3", "4-5"], 6: [str(n) for n in range(6)]}

# -- the estimate -----------------------------------------------------------------------------------

ASSUMPTIONS = {
    "messages_per_server_per_day": (
        200, "bridged messages a day in an average server (most servers are small; a few busy ones dominate)"),
    "peak_to_average": (5, "the busiest hour carries 5x the average rate"),
    "copies_per_message": (1.2, "copies per message (a pair of channels: 1; mixed channels and 3-way bridges: more)"),
    "headroom": (0.5, "processes run at half their measured capacity at peak (catch-up after an outage, GC, noise)"),
    "servers_per_shard": (1000, "servers per shard (Discord: at most 2,500; 1,000 leaves room)"),
    "servers_per_process": (2500, "servers per process, whatever their traffic: discord.py caches every server's "
                            "channels, roles and (SERVER MEMBERS intent) members; bench.footprint measured 2,500 small "
                            "servers in 126 MB, real servers have more members"),
    "cores_per_machine": (4, "cores per machine, one process per core"),
    "memory_per_process_mb": (250, "MB per process (README: 100-250 MB; Pinyin +130 MB, a stats chart +60 MB)"),
    "machine_memory_gb": (8, "GB of memory per machine"),
}


def estimate(per_process: float, servers: int, values: dict[str, float]) -> dict[str, float]:
    per_day = servers * values["messages_per_server_per_day"] * values["copies_per_message"]
    peak_per_second = per_day / 86_400 * values["peak_to_average"]
    by_cpu = math.ceil(peak_per_second / (per_process * values["headroom"]))
    shards = math.ceil(servers / values["servers_per_shard"])
    by_servers = math.ceil(servers / values["servers_per_process"])
    processes = max(by_cpu, by_servers, 1)
    per_machine = min(values["cores_per_machine"],
                      int(values["machine_memory_gb"] * 1024 // values["memory_per_process_mb"]))
    return {"peak_per_second": peak_per_second, "shards": shards, "processes_by_cpu": by_cpu, "processes_by_servers": by_servers,
            "processes": processes, "machines": math.ceil(processes / per_machine), "per_machine": per_machine}


def print_estimate(per_process: float, source: str) -> None:
    values = {name: value for name, (value, _) in ASSUMPTIONS.items()}
    print(f"\nEstimate from {per_process:.0f} relays/s per process ({source}). Assumptions:")
    for name, (value, meaning) in ASSUMPTIONS.items():
        print(f"  {name} = {value}: {meaning}")
    for servers in (10_000, 100_000):
        row = estimate(per_process, servers, values)
        print(f"  {servers:>7,} servers: peak {row['peak_per_second']:.0f} copies/s -> "
              f"{row['processes_by_cpu']} process(es) by CPU, {row['processes_by_servers']} by servers per process -> "
              f"{row['processes']} processes, SHARD_COUNT >= {row['shards']} (rounded up to a multiple of the processes), "
              f"{row['machines']} machine(s) of {values['cores_per_machine']:.0f} "
              f"cores ({row['per_machine']} processes each); plus one PostgreSQL and one Redis "
              f"({row['processes'] * 10} PostgreSQL connections at most)")


# -- a bot process ----------------------------------------------------------------------------------

async def serve() -> None:
    """Child: the real bot (`bot_class` from its settings, every default cog) with an instant translator in
    the process (the translation cache and usage in PostgreSQL, as build_translation_service does); pacing
    lifted once ready; READY, then waits for QUIT."""
    import aiohttp

    from bench.relay import InstantProvider
    from bot.bridge.deliver.pacing import PacingLimits, WindowLimit
    from bot.client import DEFAULT_EXTENSIONS, bot_class
    from bot.discord_endpoints import apply_discord_endpoints
    from bot.settings import Settings
    from bot.storage import Database
    from bot.translation import TranslationService
    from bot.translation.store import SqlTranslationStore

    settings = Settings.from_env()
    apply_discord_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
    loop = asyncio.get_running_loop()
    db = await Database.open(settings.database_url)
    try:
        async with aiohttp.ClientSession() as session:
            translation = TranslationService(settings.translation, None, SqlTranslationStore(db), providers=[InstantProvider()])
            bot = bot_class(settings)(settings=settings, db=db, session=session, translation=translation,
                                      extensions=DEFAULT_EXTENSIONS, guild_ready_timeout=0.05)
            try:
                async with bot:
                    connect = asyncio.create_task(bot.start(settings.discord_token))
                    ready = asyncio.create_task(bot.wait_until_ready())
                    await asyncio.wait([connect, ready], return_when=asyncio.FIRST_COMPLETED)
                    if connect.done():
                        connect.result()
                    unlimited = WindowLimit(64, 1e-6)
                    bot.bridge_relay.engine.set_pacing(PacingLimits(
                        per_webhook=unlimited, per_channel=unlimited, burst=32, safety_fraction=0, safety_seconds=0))
                    print(f"READY {len(bot.guilds)}", flush=True)
                    await loop.run_in_executor(None, sys.stdin.readline)
                    await bot.close()
                    with contextlib.suppress(Exception):
                        await connect
            finally:
                await translation.aclose()
    finally:
        await db.close()


# -- the run ------------------------------------------------------------------------------------------

async def run(args) -> None:
    import asyncpg

    from bench.footprint import seed
    from bench.relay import Clock, cpu_seconds, rss_mb, wait_arrived
    from discord_double.server import DiscordDouble

    print(f"python {sys.version.split()[0]}, {platform.platform()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print(f"SHARD_COUNT={SHARD_COUNT}, one server per shard, {args.pairs} bridged pairs each; {args.messages} messages "
          f"per round, {args.rounds} rounds per process count (median); PostgreSQL and Redis on 127.0.0.1; "
          f"instant translator in each bot process; webhook pacing lifted, double's rate limits off")
    name = f"qiao_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    database = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    results: dict[int, dict] = {}
    try:
        for count in args.processes:
            results[count] = await one_setting(count, args, database, DiscordDouble, Clock, seed, wait_arrived,
                                               cpu_seconds, rss_mb)
            row = results[count]
            print(f"{count} process(es) (SHARD_IDS {' | '.join(SHARD_SPLITS[count])}): {row['rate']:.0f} relays/s "
                  f"(rounds: {', '.join(f'{rate:.0f}' for rate in row['rates'])}); bot CPU {row['cpu_ms']:.2f} ms per "
                  f"relay (all processes), the double and load in this process {row['double_ms']:.2f} ms; RSS per process {', '.join(f'{mb:.0f}' for mb in row['rss'])} MB; "
                  f"load average {os.getloadavg()[0]:.1f}")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    if results:
        base = results[min(results)]
        for count, row in sorted(results.items()):
            print(f"  {count} process(es): {row['rate'] / base['rate']:.2f}x the relays/s of {min(results)}")
        one = results.get(1, base)
        print_estimate(1000 / one["cpu_ms"], f"the bot's CPU per relay in the 1-process run, {one['cpu_ms']:.2f} ms: "
                       "what one process on a core of its own would reach")


async def one_setting(count, args, database, DiscordDouble, Clock, seed, wait_arrived, cpu_seconds, rss_mb) -> dict:
    double = DiscordDouble(shards=SHARD_COUNT)
    clock = Clock(double)
    await double.start()
    double.ratelimiter.config.enabled = False
    servers = []
    for shard in range(SHARD_COUNT):
        guild = double.create_guild(f"Shard {shard}", owner="owner", shard=shard, shard_count=SHARD_COUNT)
        pairs = [(double.create_channel(guild, f"en-{i}"), double.create_channel(guild, f"zh-{i}")) for i in range(args.pairs)]
        speaker = double.add_member(guild, "speaker", display_name="Alice")
        servers.append((guild, pairs, speaker))
    await seed(database.replace("postgresql://", "postgresql+asyncpg://", 1), [(guild.id, [(english.id, "en"), (chinese.id, "zh")]) for guild, pairs, _ in servers for english, chinese in pairs])
    prefix = f"qiao-bench:{uuid.uuid4().hex[:8]}:"
    processes: list[subprocess.Popen] = []
    loop = asyncio.get_running_loop()
    counter = iter(range(10**9))
    try:
        for shard_ids in SHARD_SPLITS[count]:
            env = {**os.environ, "DISCORD_TOKEN": double.token, "DISCORD_API_BASE_URL": double.api_base_url,
                   "DISCORD_GATEWAY_URL": double.gateway_url, "DATABASE_URL": database, "LOG_LEVEL": "WARNING",
                   "SHARD_COUNT": str(SHARD_COUNT), "SHARD_IDS": shard_ids, "REDIS_URL": REDIS_URL,
                   "REDIS_KEY_PREFIX": prefix, "PYTHONPATH": str(ROOT)}
            processes.append(subprocess.Popen([sys.executable, "-m", "bench.scale", "--serve"], cwd=ROOT, env=env,
                                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        for process in processes:
            line = await asyncio.wait_for(loop.run_in_executor(None, process.stdout.readline), 180)
            if not line.startswith("READY"):
                raise RuntimeError(f"bot process: {line!r}, exit {process.poll()}")

        async def flood(messages: int) -> tuple[float, float, float]:
            numbers = [next(counter) for _ in range(messages)]
            cpu = sum(cpu_seconds(process.pid) for process in processes)
            own_cpu = cpu_seconds("self")
            started = time.time()
            for offset, number in enumerate(numbers):
                guild, pairs, speaker = servers[offset % len(servers)]
                english, _ = pairs[(offset // len(servers)) % len(pairs)]
                await double.post(speaker, english, f"Hello there friend, message m{number} for the bridge")
            await wait_arrived(clock, numbers, 600)
            missing = [n for n in numbers if n not in clock.arrived]
            if missing:
                raise RuntimeError(f"{len(missing)} of {messages} not relayed")
            last = max(clock.arrived[n] for n in numbers)
            used = sum(cpu_seconds(process.pid) for process in processes) - cpu
            own = cpu_seconds("self") - own_cpu
            for number in numbers:
                clock.arrived.pop(number, None)
                clock.dispatched.pop(number, None)
            double.requests.clear()
            clock._seen = 0
            return messages / (last - started), used * 1000 / messages, own * 1000 / messages

        await flood(len(servers) * args.pairs * 3)  # warm-up: webhooks created, caches filled
        rounds = [await flood(args.messages) for _ in range(args.rounds)]
        rss = [rss_mb(process.pid) for process in processes]
    finally:
        for process in processes:
            with contextlib.suppress(BrokenPipeError, OSError):
                process.stdin.write("QUIT\n")
                process.stdin.close()
        for process in processes:
            try:
                await loop.run_in_executor(None, process.wait, 60)
            except subprocess.TimeoutExpired:
                process.kill()
        await double.stop()
    return {"rate": statistics.median(rate for rate, _, _ in rounds), "rates": [rate for rate, _, _ in rounds],
            "cpu_ms": statistics.median(cpu for _, cpu, _ in rounds), "rss": rss,
            "double_ms": statistics.median(own for _, _, own in rounds)}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2,3", help="process counts to run, of 1, 2, 3, 6")
    parser.add_argument("--messages", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=4, help="bridged pairs per server")
    parser.add_argument("--estimate-only", action="store_true")
    parser.add_argument("--per-process", type=float, default=0.0, help="relays/s per process for --estimate-only")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.processes = [int(part) for part in args.processes.split(",")]
    unknown = [count for count in args.processes if count not in SHARD_SPLITS]
    if unknown:
        parser.error(f"--processes: {unknown} not one of {sorted(SHARD_SPLITS)}")
    return args


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.serve:
        asyncio.run(serve())
    elif arguments.estimate_only:
        if arguments.per_process <= 0:
            sys.exit("--estimate-only needs --per-process RELAYS_PER_SECOND")
        print_estimate(arguments.per_process, "given with --per-process")
    else:
        asyncio.run(run(arguments))
