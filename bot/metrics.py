"""Prometheus metrics and a health answer for one process, served on METRICS_PORT.

Counters the bot already keeps (the bridge's `RelayStats`, the translation service's usage totals)
are read when Prometheus scrapes, not counted a second time; only what nothing else records as a
distribution (relay lag, provider latency) is observed here as it happens.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from bot.errors import StartupError

if TYPE_CHECKING:
    from bot.bridge.engine import RelayStats
    from bot.translation.usage import UsageCounts

log = logging.getLogger(__name__)

# Bind every interface: the scraper runs in another container or on another machine.
METRICS_HOST = "0.0.0.0"
LAG_BUCKETS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
PROVIDER_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class ShardState:
    shard_id: int
    connected: bool
    latency: float | None  # seconds of the last heartbeat round trip; None before the first


@dataclass
class MetricsSources:
    """What the process reads at each scrape; each callable answers for the present moment."""

    shards: Callable[[], list[ShardState]]
    relay: Callable[[], RelayStats | None] = lambda: None  # None: the bridge is not loaded
    backlog: Callable[[], Mapping[int, int]] = dict  # destination channel id -> copies waiting
    providers: Callable[[], Mapping[str, UsageCounts]] = dict  # provider name ("cache" for hits) -> since start
    rate_limited: Callable[[], Mapping[str, int]] = dict  # HTTP client -> Discord's 429 answers it met


class Metrics:
    """One registry per bot (not prometheus_client's global one), so several bots in a process keep apart."""

    def __init__(self, sources: MetricsSources) -> None:
        self.sources = sources
        self.registry = CollectorRegistry(auto_describe=True)
        self.relay_lag = Histogram(
            "qiao_relay_lag_seconds", "Time from a message being posted to its translated copy being posted.",
            buckets=LAG_BUCKETS, registry=self.registry,
        )
        self.provider_latency = Histogram(
            "qiao_translation_provider_latency_seconds", "Duration of calls to a translation provider.",
            ["provider"], buckets=PROVIDER_BUCKETS, registry=self.registry,
        )
        self.registry.register(_ReadAtScrape(sources))

    def observe_lags_ms(self, lags_ms: Iterable[float]) -> None:
        for lag in lags_ms:
            self.relay_lag.observe(lag / 1000)

    def observe_provider_call(self, provider: str, seconds: float) -> None:
        self.provider_latency.labels(provider=provider).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _ReadAtScrape:
    """A custom collector: the existing counters, read when Prometheus asks."""

    def __init__(self, sources: MetricsSources) -> None:
        self.sources = sources

    def describe(self) -> list[Metric]:
        return []  # families vary with what is loaded; nothing to check against other collectors

    def collect(self) -> Iterable[Metric]:
        yield from self._shards()
        yield from self._relay()
        yield from self._providers()
        rate_limited = CounterMetricFamily(
            "qiao_discord_rate_limited", "Rate-limit answers (429) from Discord, per HTTP client.", labels=["client"],
        )
        for client, count in sorted(self.sources.rate_limited().items()):
            rate_limited.add_metric([client], count)
        yield rate_limited

    def _shards(self) -> Iterable[Metric]:
        connected = GaugeMetricFamily("qiao_gateway_connected", "1 while the shard's gateway session is ready.", labels=["shard"])
        latency = GaugeMetricFamily("qiao_gateway_latency_seconds", "Last gateway heartbeat round trip.", labels=["shard"])
        for shard in self.sources.shards():
            connected.add_metric([str(shard.shard_id)], 1.0 if shard.connected else 0.0)
            if shard.latency is not None and math.isfinite(shard.latency):
                latency.add_metric([str(shard.shard_id)], shard.latency)
        yield connected
        yield latency

    def _relay(self) -> Iterable[Metric]:
        counts = self.sources.relay()
        if counts is None:
            return
        for name, value, text in (
            ("qiao_relays", counts.relayed, "Messages relayed (each may have several copies)."),
            ("qiao_relay_copies_posted", counts.copies_posted, "Translated copies posted."),
            ("qiao_relay_edits", counts.edits, "Edits mirrored to copies."),
            ("qiao_relay_deletes", counts.deletes, "Deletes mirrored to copies."),
            ("qiao_relay_translation_failures", counts.translation_failures, "Copies posted untranslated."),
            ("qiao_relay_fill_ins", counts.fill_ins, "Untranslated copies filled in later."),
        ):
            yield CounterMetricFamily(name, text, value=value)
        backlog = GaugeMetricFamily(
            "qiao_relay_backlog", "Copies waiting to be posted, per destination channel.", labels=["destination"],
        )
        for channel_id, waiting in sorted(self.sources.backlog().items()):
            backlog.add_metric([str(channel_id)], waiting)
        yield backlog

    def _providers(self) -> Iterable[Metric]:
        calls = CounterMetricFamily("qiao_translation_provider_calls", "Successful provider calls.", labels=["provider"])
        errors = CounterMetricFamily("qiao_translation_provider_errors", "Failed provider calls.", labels=["provider"])
        characters = CounterMetricFamily(
            "qiao_translation_provider_characters", "Characters sent in successful calls.", labels=["provider"],
        )
        cache_hits = 0
        for provider, counts in sorted(self.sources.providers().items()):
            cache_hits += counts.cache_hits
            if counts.calls or counts.failures or counts.characters:
                calls.add_metric([provider], counts.calls)
                errors.add_metric([provider], counts.failures)
                characters.add_metric([provider], counts.characters)
        yield calls
        yield errors
        yield characters
        yield CounterMetricFamily(
            "qiao_translation_cache_hits", "Translations answered from the cache, without a provider call.", value=cache_hits,
        )


class MetricsServer:
    """`/metrics` (Prometheus text format) and `/healthz` (200 once every shard of the process is connected)."""

    def __init__(self, metrics: Metrics, port: int, *, host: str = METRICS_HOST) -> None:
        self.metrics = metrics
        self.host = host
        self.requested_port = port
        self.port: int | None = None  # the bound port once started (METRICS_PORT, or a free one for 0)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._health)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.requested_port)
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise MetricsPortUnavailable(self.requested_port, error) from error
        self._runner = runner
        self.port = site._server.sockets[0].getsockname()[1]
        log.info("metrics on port %d (/metrics, /healthz)", self.port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
            log.info("metrics server stopped")

    async def _metrics(self, _request: web.Request) -> web.Response:
        body = self.metrics.exposition()
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def _health(self, _request: web.Request) -> web.Response:
        shards = self.metrics.sources.shards()
        healthy = bool(shards) and all(shard.connected for shard in shards)
        body = {
            "status": "ok" if healthy else "unavailable",
            "shards": {str(shard.shard_id): "connected" if shard.connected else "not connected" for shard in shards},
        }
        return web.Response(status=200 if healthy else 503, text=json.dumps(body), content_type="application/json")


class MetricsPortUnavailable(StartupError):
    def __init__(self, port: int, error: OSError) -> None:
        super().__init__(
            f"METRICS_PORT={port}: cannot listen there ({os.strerror(error.errno) if error.errno else error})",
            "Choose a free port, or unset METRICS_PORT to run without metrics",
        )
