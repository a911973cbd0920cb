"""A surge into one bridged channel under Discord-like rate limits.

Usage: python -m bench.surge [--rate 3] [--duration 60] [--time-scale 1.0]

The real bot (open_bot, bridge cog) against the Discord double with its rate limits ON
(per webhook 5/2 s, webhook posts per channel 30/min, real X-RateLimit headers and 429s), a
fake Microsoft Translator on 127.0.0.1 and a temp SQLite database, all in this process. One
member posts `--rate` messages/s for `--duration` s into #english; the bench waits for every
copy in #chinese, then checks that every original's text arrived, in order, and counts 429s.
Lag per original = Discord timestamp of the post carrying it − the original's timestamp.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.app import open_bot
from bot.bridge.catch_up import snowflake_time_ms
from bot.bridge.deliver.pacing import PacingLimits
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble
from tests.translation.fake_servers import FakeMicrosoft

MARKER = re.compile(r"\bm(\d+)\b")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(rate: float, duration: float, time_scale: float) -> int:
    double = DiscordDouble()
    await double.start()
    double.ratelimiter.config.enabled = True
    double.ratelimiter.config.time_scale = time_scale
    guild = double.create_guild("Surge")
    general, english, chinese = (double.create_channel(guild, name) for name in ("general", "english", "chinese"))
    alice = double.add_member(guild, "alice", display_name="Ana")
    moderator = double.add_member(guild, "mod")
    double.give_role(moderator, double.create_role(guild, "mods", permissions=["manage_guild"]))
    total = int(rate * duration)
    with tempfile.TemporaryDirectory() as directory:
        async with FakeMicrosoft() as translator:
            base = Settings.from_env({"TRANSLATOR": "microsoft", **translator.env()}, require_token=False)
            settings = dataclasses.replace(
                base, database_url=f"sqlite+aiosqlite:///{Path(directory) / 'surge.sqlite3'}",
                discord_api_base_url=double.api_base_url, discord_gateway_url=double.gateway_url,
            )
            async with open_bot(settings, extensions=("cogs.bridge",), guild_ready_timeout=0.05) as bot:
                async with run_client(bot, double, timeout=10):
                    bot.bridge_relay.engine.set_pacing(PacingLimits().scaled(time_scale))
                    handle = await double.invoke_slash(moderator, "bridge link", channel=general,
                                                       options={"english": english, "chinese": chinese})
                    await handle.wait_response()
                    started = time.monotonic()
                    originals = {}
                    for number in range(total):
                        target = started + number / rate
                        await asyncio.sleep(max(0.0, target - time.monotonic()))
                        message = await double.post(alice, english, f"m{number} surge message number {number}")
                        originals[number] = message.id

                    def arrived() -> list[int]:
                        return [int(n) for m in double.messages_in(chinese) if m.webhook_id for n in MARKER.findall(m.content)]

                    await double.wait_for(lambda: len(arrived()) >= total, timeout=max(120, duration * 3))
                    finished = time.monotonic()
                    posts = [m for m in double.messages_in(chinese) if m.webhook_id]
                    lags = []
                    carried: Counter[int] = Counter()
                    for post in posts:
                        numbers = [int(n) for n in MARKER.findall(post.content)]
                        carried[len(numbers)] += 1
                        for number in numbers:
                            lags.append((snowflake_time_ms(post.id) - snowflake_time_ms(originals[number])) / 1000)
    webhook_requests = [r for r in double.requests if r.method == "POST" and "/webhooks/" in r.path
                        and str(double.application_id) not in r.path]
    hits = len(double.rate_limit_hits)
    await double.stop()
    arrived_numbers = [int(n) for m in posts for n in MARKER.findall(m.content)]
    ok_order = arrived_numbers == list(range(total))
    share_429 = hits / max(len(webhook_requests), 1)
    print(f"ran on: Python {platform.python_version()} {platform.machine()} {platform.system()}, "
          f"{os.cpu_count()} CPUs; Discord double in-process, rate limits ON, time scale {time_scale}")
    print(f"surge: {total} messages at {rate}/s for {duration:.0f} s into one bridged channel")
    print(f"arrived: {len(arrived_numbers)}/{total}, in order: {ok_order}, drained {finished - started:.1f} s after the first post")
    print(f"webhook posts: {len(webhook_requests)} requests, {hits} answered 429 ({share_429:.2%})")
    print(f"lag: p50 {percentile(lags, 0.5):.2f} s, p95 {percentile(lags, 0.95):.2f} s, max {max(lags):.2f} s")
    print("posts by messages carried: " + ", ".join(f"{count} post(s) x {size}" for size, count in sorted(carried.items())))
    return 0 if ok_order and share_429 <= 0.01 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=3.0, help="messages per second (default 3)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of surge (default 60)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="shrink Discord's windows (default 1 = real)")
    args = parser.parse_args()
    return asyncio.run(run(args.rate, args.duration, args.time_scale))


if __name__ == "__main__":
    sys.exit(main())
