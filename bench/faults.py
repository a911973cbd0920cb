"""The fault suite's scenarios at Discord's real durations (the tests run them 10x faster).

Usage: python -m bench.faults [--time-scale 1.0] [--only NAME ...]

Each scenario runs the real bot (open_bot, discord.py client + bridge cog) against the Discord
double with its rate limits on, a fake Microsoft Translator on 127.0.0.1 and a fresh temp SQLite
database, injects its fault, posts numbered messages into #english and counts what reached
#chinese: lost, doubled, out of order, the peak of webhook executes per webhook in any 2 s window
(Discord allows 5), the peak of requests in any 1 s window (Discord allows 50), 429 answers and
5xx/dropped answers. Scenarios: tests/faults/scenarios.py. Takes about 5 minutes at scale 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from tests.bridge.conftest import Harness, SlowFakeMicrosoft
from discord_double.server import DiscordDouble
from tests.faults import scenarios

SCENARIOS = {
    "429-user": lambda h, s: scenarios.rate_limit_storm(h, s, scope="user"),
    "429-shared": lambda h, s: scenarios.rate_limit_storm(h, s, scope="shared"),
    "429-global": lambda h, s: scenarios.rate_limit_storm(h, s, scope="global"),
    "5xx-cloudflare": lambda h, s: scenarios.server_errors(h, s, statuses=(502, 503), proxy="cloudflare"),
    "5xx-envoy": lambda h, s: scenarios.server_errors(h, s, statuses=(503,), proxy="envoy"),
    "reset-before": lambda h, s: scenarios.dropped_sockets(h, s, after_processing=False),
    "reset-after": lambda h, s: scenarios.dropped_sockets(h, s, after_processing=True, times=6),
    "slow": lambda h, s: scenarios.slow_answers(h, s),
    "invalid-session-gap": lambda h, s: scenarios.lost_session(h, s),
    "close-4009": lambda h, s: scenarios.lost_session(h, s, code=4009, invalidate=None, label="closed 4009 session timed out"),
    "resumed-4000": lambda h, s: scenarios.lost_session(h, s, code=4000, invalidate=False, label="closed 4000, resumed"),
    "invalid-session-traffic": lambda h, s: scenarios.invalid_session_mid_traffic(h, s),
    "restart-waiting": lambda h, s: scenarios.restart_while_waiting(h, s),
}


async def harness_for(double: DiscordDouble, translator, directory: Path, name: str) -> Harness:
    guild = double.create_guild(f"Faults {name}", owner="owner")
    general, english, chinese = (double.create_channel(guild, channel) for channel in ("general", "english", "chinese"))
    alice = double.add_member(guild, "alice", display_name="Alice", nick="Ally")
    wang = double.add_member(guild, "wang", display_name="王伟")
    moderator = double.add_member(guild, "mod", display_name="Mod")
    double.give_role(moderator, double.create_role(guild, "mods", permissions=["manage_guild"]))
    return Harness(double, translator, f"sqlite+aiosqlite:///{directory / (name + '.sqlite3')}", guild, english, chinese,
                   general, alice, wang, moderator)


async def run(time_scale: float, only: list[str]) -> int:
    chosen = only or list(SCENARIOS)
    print(f"# bench/faults.py: time scale {time_scale:g}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print("# data: numbered English messages ('m<N> hello') from one member into a linked #english→#chinese pair;"
          " the double's rate limits on (webhook 5/2 s, 30/min per channel)")
    failures = 0
    for name in chosen:
        double = DiscordDouble()
        await double.start()
        try:
            with tempfile.TemporaryDirectory() as directory:
                async with SlowFakeMicrosoft() as translator:
                    harness = await harness_for(double, translator, Path(directory), name)
                    started = time.perf_counter()
                    outcome = await SCENARIOS[name](harness, time_scale)
                    figures = outcome.tally
                    print(f"{figures.line()} [{time.perf_counter() - started:.0f} s]", flush=True)
                    failures += not figures.clean or figures.arrived != figures.sent
        finally:
            await double.stop()
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), default=[])
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    # discord.py logs each refused gateway reconnect with a traceback; the scenarios cause those on purpose.
    logging.getLogger("discord.client").setLevel(logging.CRITICAL)
    sys.exit(asyncio.run(run(arguments.time_scale, arguments.only)))


if __name__ == "__main__":
    main()
