"""python -m discord_double --port N [--seed-file scenario.json] [--token T] [--shards N [--sharding-required]]"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal

from .control import DEFAULT_SCENARIO, seed
from .ratelimit import RateLimitConfig
from .server import DEFAULT_TOKEN, DiscordDouble


async def main(args: argparse.Namespace) -> None:
    double = DiscordDouble(token=args.token, rate_limits=RateLimitConfig(enabled=not args.no_rate_limits),
                           shards=args.shards, sharding_required=args.sharding_required)
    scenario = DEFAULT_SCENARIO
    if args.seed_file:
        with open(args.seed_file, encoding="utf-8") as fh:
            scenario = json.load(fh)
    seed(double, scenario)
    await double.start(args.host, args.port)
    print(f"DISCORD_API_BASE_URL={double.api_base_url}", flush=True)
    print(f"DISCORD_GATEWAY_URL={double.gateway_url}", flush=True)
    print(f"DISCORD_TOKEN={double.token}", flush=True)
    print(f"CONTROL_URL={double.base_url}/_double/state", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await double.stop()


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m discord_double", description="Run the Discord double.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed-file", help="scenario JSON: {\"guilds\": [{name, roles, channels, members}]}")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--no-rate-limits", action="store_true")
    parser.add_argument("--shards", type=int, default=1,
                        help="shard count GET /gateway/bot recommends; a seeded guild's \"shard\" counts with it")
    parser.add_argument("--sharding-required", action="store_true",
                        help="close an IDENTIFY with fewer shards than --shards with 4011, as Discord does")
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
