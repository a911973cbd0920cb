"""What each translation provider client sends for a long message and for a burst, against the fakes.

Usage: python -m bench.providers [--burst 20]

Every provider's real client code (through TranslationService, so cache, chain and breaker are in
the path) against its local fake, which enforces the real service's limits (Google's URL length,
Baidu's 1 request/s, Tencent's 5/s and 2,000 characters, MyMemory's 500 bytes). Printed per
provider: requests for one 2,000-character Chinese message and for one 2,000-character English
one, the most requests the fake saw in flight during a burst of ``--burst`` different short
messages sent at once, the burst's wall time, and how many of the burst were passed on as busy. The fakes answer after 20 ms; real services
take 100-1,000 ms, so wall times here show pacing, not latency.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp

from bot.translation.service import TranslationService
from bot.translation.settings import TranslationSettings
from tests.translation.fake_servers import FAKE_SERVERS, translator_env

LONG_CHINESE = ("我们明天下午三点在图书馆门口见面，然后一起去吃饭。" * 80)[:2000]
LONG_ENGLISH = ("We will meet at the library at three tomorrow afternoon, then have dinner together. " * 30)[:2000]


async def measure(name: str, burst: int, session: aiohttp.ClientSession) -> tuple[int, int, int, float, int]:
    async with FAKE_SERVERS[name]() as server:
        server.delay = 0.02
        service = TranslationService(TranslationSettings.from_env(translator_env(server)), session)
        try:
            await service.translate([LONG_CHINESE], "zh-Hans", "en")
            chinese = server.request_count
            await service.translate([LONG_ENGLISH], "en", "zh-Hans")
            english = server.request_count - chinese
            server.most_in_flight = 0
            started = time.perf_counter()
            results = await asyncio.gather(*(
                service.translate([f"Burst message number {n}, different each time"], "en", "zh-Hans")
                for n in range(burst)
            ))
            elapsed = time.perf_counter() - started
            busy = sum(1 for result in results if not result.ok and all(f.kind == "busy" for f in result.failures))
            failed = sum(1 for result in results if not result.ok) - busy
            if failed:
                raise SystemExit(f"{name}: {failed} of the burst failed: {results[0].error}")
            return chinese, english, server.most_in_flight, elapsed, busy
        finally:
            await service.aclose()


async def main(burst: int) -> None:
    print(f"burst of {burst} different messages at once; fakes answer in 20 ms; TRANSLATION_TIMEOUT 8 s")
    print(f"{'provider':<15} {'req/2000 zh':>11} {'req/2000 en':>11} {'max in flight':>13} {'burst s':>8} {'busy':>5}")
    async with aiohttp.ClientSession() as session:
        for name in sorted(FAKE_SERVERS):
            chinese, english, in_flight, elapsed, busy = await measure(name, burst, session)
            print(f"{name:<15} {chinese:>11} {english:>11} {in_flight:>13} {elapsed:>8.2f} {busy:>5}")
    print("busy: burst messages not sent to the provider because its rate limit would have kept them waiting "
          "longer than TRANSLATION_TIMEOUT (they go to the next provider in TRANSLATOR)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=20)
    asyncio.run(main(parser.parse_args().burst))
