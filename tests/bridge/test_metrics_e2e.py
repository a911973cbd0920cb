"""METRICS_PORT end to end: the real bot relays through the Discord double while /metrics and /healthz are read
over HTTP and parsed with prometheus_client's own text parser."""

from __future__ import annotations

import json
import socket

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.app import open_bot
from discord_double.client import run_client

ENGLISH = "Good morning everyone, the weather is lovely today"


async def scrape(http: aiohttp.ClientSession, base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with http.get(f"{base}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = await response.text()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def health(http: aiohttp.ClientSession, base: str) -> tuple[int, dict]:
    async with http.get(f"{base}/healthz") as response:
        return response.status, json.loads(await response.text())


def value(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


async def test_metrics_count_relays_and_health_follows_the_gateway(harness) -> None:
    double = harness.double
    settings = harness.settings(metrics_port=0)
    async with open_bot(settings, extensions=("cogs.bridge",), guild_ready_timeout=0.05) as bot:
        server = await bot.serve_metrics()
        base = f"http://127.0.0.1:{server.port}"
        async with aiohttp.ClientSession() as http:
            status, body = await health(http, base)
            assert (status, body) == (503, {"status": "unavailable", "shards": {"0": "not connected"}})
            idle = await scrape(http, base)
            assert value(idle, "qiao_gateway_connected", shard="0") == 0
            assert value(idle, "qiao_translation_cache_hits_total") == 0

            async with run_client(bot, double):
                harness.bot = bot
                status, body = await health(http, base)
                assert (status, body) == (200, {"status": "ok", "shards": {"0": "connected"}})
                # discord.py's own calls: the answer to /bridge link meets a 429 first.
                double.faults.rate_limit("POST /interactions/*", retry_after=0.05, times=1)
                await harness.link()
                before = await scrape(http, base)
                assert value(before, "qiao_relays_total") == 0
                assert value(before, "qiao_discord_rate_limited_total", client="discord.py") == 1

                # One relay whose webhook post Discord answers with a 429 first (discord.py waits and retries).
                double.faults.rate_limit("POST /webhooks/*", retry_after=0.05, times=1)
                await double.post(harness.alice, harness.english, ENGLISH)
                await harness.copies(harness.chinese, 1)
                # The same text again is answered from the translation cache.
                await double.post(harness.alice, harness.english, ENGLISH)
                await harness.copies(harness.chinese, 2)
                after = await scrape(http, base)

                assert value(after, "qiao_relays_total") == 2
                assert value(after, "qiao_relay_copies_posted_total") == 2
                assert value(after, "qiao_relay_lag_seconds_count") == 2
                assert value(after, "qiao_relay_lag_seconds_sum") > 0
                assert value(after, "qiao_relay_backlog", destination=str(harness.chinese.id)) == 0
                assert value(after, "qiao_translation_provider_calls_total", provider="microsoft") == 1
                assert value(after, "qiao_translation_provider_errors_total", provider="microsoft") == 0
                assert value(after, "qiao_translation_provider_characters_total", provider="microsoft") == len(ENGLISH)
                assert value(after, "qiao_translation_provider_latency_seconds_count", provider="microsoft") == 1
                assert value(after, "qiao_translation_cache_hits_total") == 1
                assert value(after, "qiao_discord_rate_limited_total", client="bridge webhooks") == 1
                assert value(after, "qiao_discord_rate_limited_total", client="discord.py") == 1
                assert len(double.rate_limit_hits) == 2
                assert value(after, "qiao_gateway_connected", shard="0") == 1
                assert value(after, "qiao_gateway_latency_seconds", shard="0") is not None

                # A provider that fails is counted as an error, with its duration.
                harness.translator.fail_next(harness.translator.malformed())
                await double.post(harness.alice, harness.english, "The cat is sleeping on the sofa again")
                await harness.copies(harness.chinese, 3)
                failed = await scrape(http, base)
                assert value(failed, "qiao_translation_provider_errors_total", provider="microsoft") == 1
                assert value(failed, "qiao_translation_provider_latency_seconds_count", provider="microsoft") == 2
                assert value(failed, "qiao_relays_total") == 3

        port = server.port
    # Closing the bot stopped the server and let go of its port.
    async with aiohttp.ClientSession() as http:
        try:
            await http.get(f"http://127.0.0.1:{port}/healthz")
        except aiohttp.ClientConnectorError:
            pass
        else:
            raise AssertionError("the metrics server still answers after shutdown")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
