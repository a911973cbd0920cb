"""Time from a forum post's creation to its partner post's, under a surge of other traffic.

Usage: python -m bench.forums [--threads 20] [--rate 3] [--duration 40] [--time-scale 1.0]

As bench/threads.py, with two linked forums (#help / #求助, tags Question ❓ / 问题 ❓) instead of
#english/#chinese: members open `--threads` posts tagged Question over the surge (which goes into
another linked pair of text channels) and post 3 replies in each. Printed: partner post delay
p50/p95/max (THREAD_CREATE of the member's post to THREAD_CREATE of Qiao's post, both as the double
emitted them), posts whose tag was mapped, and replies lost / doubled / out of order.

The real bot (open_bot, bridge cog) against the Discord double with its rate limits ON (per
webhook 5/2 s, webhook posts per channel 30/min, real X-RateLimit headers and 429s), a fake
Microsoft Translator on 127.0.0.1 and a temp SQLite database, all in this process. """

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

from bot.app import open_bot
from bot.bridge.deliver.pacing import PacingLimits
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble
from tests.translation.fake_servers import FakeMicrosoft

MARKER = re.compile(r"\bt(\d+)-(\d+)\b")
MESSAGES_PER_THREAD = 3


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(threads: int, rate: float, duration: float, time_scale: float) -> int:
    double = DiscordDouble()
    await double.start()
    double.ratelimiter.config.enabled = True
    double.ratelimiter.config.time_scale = time_scale
    guild = double.create_guild("Forums")
    general, busy_en, busy_zh = (double.create_channel(guild, name) for name in ("general", "busy-en", "busy-zh"))
    english = double.create_channel(guild, "help", type="forum", tags=[("Question", "❓")])
    chinese = double.create_channel(guild, "求助", type="forum", tags=[("问题", "❓")])
    alice = double.add_member(guild, "alice", display_name="Ana")
    bob = double.add_member(guild, "bob", display_name="Bob")
    moderator = double.add_member(guild, "mod")
    double.give_role(moderator, double.create_role(guild, "mods", permissions=["manage_guild"]))
    created_at: dict[int, float] = {}
    emit = double.world.emit

    def timed_emit(event: str, data: dict, **kwargs) -> None:
        if event == "THREAD_CREATE" and data.get("newly_created"):
            created_at[int(data["id"])] = time.monotonic()
        emit(event, data, **kwargs)

    double.world.emit = timed_emit
    surge_channel = busy_en
    surge_total = int(rate * duration)
    with tempfile.TemporaryDirectory() as directory:
        async with FakeMicrosoft() as translator:
            base = Settings.from_env({"TRANSLATOR": "microsoft", **translator.env()}, require_token=False)
            settings = dataclasses.replace(
                base, database_url=f"sqlite+aiosqlite:///{Path(directory) / 'forums.sqlite3'}",
                discord_api_base_url=double.api_base_url, discord_gateway_url=double.gateway_url,
            )
            async with open_bot(settings, extensions=("cogs.bridge",), guild_ready_timeout=0.05) as bot:
                async with run_client(bot, double, timeout=10):
                    bot.bridge_relay.engine.set_pacing(PacingLimits().scaled(time_scale))
                    for en, zh in ((english, chinese), (busy_en, busy_zh)):
                        handle = await double.invoke_slash(moderator, "bridge link", channel=general,
                                                           options={"english": en, "chinese": zh})
                        await handle.wait_response()
                    pairs = bot.bridge_relay.store.threads
                    started = time.monotonic()
                    sources = []

                    async def surge() -> None:
                        for number in range(surge_total):
                            await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()))
                            await double.post(bob, surge_channel, f"s{number} surge message number {number}")

                    async def open_threads() -> None:
                        for number in range(threads):
                            await asyncio.sleep(max(0.0, started + number * duration / threads - time.monotonic()))
                            thread, _ = await double.create_post(alice, english, f"Post number {number}",
                                                                 f"starter of post {number}", tags=["Question"])
                            sources.append(thread)
                            for message in range(MESSAGES_PER_THREAD):
                                await double.post(alice, thread, f"t{number}-{message} in the thread")

                    await asyncio.gather(surge(), open_threads())

                    def partner(source):
                        pairing = pairs.pairing_of(source.id)
                        return pairing.partners(source.id)[0].thread_id if pairing and pairing.partners(source.id) else None

                    def thread_copies(thread_id: int) -> list[tuple[int, int]]:
                        return [(int(a), int(b)) for m in double.messages_in(double.world.channels[thread_id]) if m.webhook_id
                                for a, b in MARKER.findall(m.content)]

                    def all_arrived() -> bool:
                        return all(partner(s) is not None and len(thread_copies(partner(s))) >= MESSAGES_PER_THREAD
                                   for s in sources)

                    await double.wait_for(all_arrived, timeout=max(180, duration * 4))
                    finished = time.monotonic()
                    delays, tagged, lost, doubled, out_of_order = [], 0, 0, 0, 0
                    for number, source in enumerate(sources):
                        partner_id = partner(source)
                        delays.append(created_at[partner_id] - created_at[source.id])
                        partner_post = double.world.channels[partner_id]
                        tagged += partner_post.applied_tags == [chinese.available_tags[0].id]
                        got = [b for a, b in thread_copies(partner_id) if a == number]
                        lost += len(set(range(MESSAGES_PER_THREAD)) - set(got))
                        doubled += len(got) - len(set(got))
                        out_of_order += got != sorted(got)
    hits = len(double.rate_limit_hits)
    await double.stop()
    print(f"ran on: Python {platform.python_version()} {platform.machine()} {platform.system()}, "
          f"{os.cpu_count()} CPUs; Discord double in-process, rate limits ON, time scale {time_scale}")
    print(f"surge: {surge_total} messages at {rate}/s for {duration:.0f} s into "
          f"another linked pair; {threads} forum posts opened over it, {MESSAGES_PER_THREAD} replies each")
    print(f"partner post created after: p50 {percentile(delays, 0.5):.2f} s, p95 {percentile(delays, 0.95):.2f} s, "
          f"max {max(delays):.2f} s; {tagged}/{threads} with the tag mapped")
    print(f"replies: lost {lost}, doubled {doubled}, posts out of order {out_of_order}; "
          f"all arrived {finished - started:.1f} s after the start; 429s {hits}")
    return 0 if not (lost or doubled or out_of_order) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=20, help="forum posts opened (default 20)")
    parser.add_argument("--rate", type=float, default=3.0, help="surge messages per second (default 3)")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds of surge (default 40)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="shrink Discord's windows (default 1 = real)")
    args = parser.parse_args()
    return asyncio.run(run(args.threads, args.rate, args.duration, args.time_scale))


if __name__ == "__main__":
    sys.exit(main())
