"""Discord-like rate limits (fixed windows per bucket); injected faults are in faults.py."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Limit:
    limit: int
    window: float


@dataclass
class RateLimitConfig:
    enabled: bool = True
    time_scale: float = 1.0
    webhook: Limit = field(default_factory=lambda: Limit(5, 2.0))
    webhook_channel: Limit = field(default_factory=lambda: Limit(30, 60.0))
    channel_messages: Limit = field(default_factory=lambda: Limit(5, 5.0))


@dataclass
class Window:
    count: int = 0
    reset_at: float = 0.0


@dataclass
class RateLimitHit:
    method: str
    path: str
    bucket: str
    scope: str
    retry_after: float
    at: float


@dataclass
class Verdict:
    headers: dict[str, str]
    retry_after: float | None = None
    scope: str = "user"
    bucket: str = ""


class RateLimiter:
    def __init__(self, config: RateLimitConfig | None = None):
        self.config = config or RateLimitConfig()
        self.windows: dict[str, Window] = {}
        self.hits: list[RateLimitHit] = []

    def check(self, method: str, path: str, buckets: list[tuple[str, Limit, str]]) -> Verdict:
        """Count one request against each (key, limit, scope); the first exhausted bucket answers 429."""
        if not self.config.enabled or not buckets:
            return Verdict({})
        clock = time.monotonic()
        states = []
        for key, limit, scope in buckets:
            window = self.windows.setdefault(key, Window())
            span = limit.window * self.config.time_scale
            if clock >= window.reset_at:
                window.count, window.reset_at = 0, clock + span
            states.append((key, limit, scope, window))
        for key, limit, scope, window in states:
            if window.count >= limit.limit:
                retry = max(window.reset_at - clock, 0.001)
                self.hits.append(RateLimitHit(method, path, _bucket_hash(key), scope, retry, time.time()))
                return Verdict(_headers(limit, 0, retry, key, scope), retry, scope, _bucket_hash(key))
        for _, _, _, window in states:
            window.count += 1
        key, limit, scope, window = states[0]
        return Verdict(_headers(limit, limit.limit - window.count, window.reset_at - clock, key, None))

    def reset(self) -> None:
        self.windows.clear()


def _bucket_hash(key: str) -> str:
    return hashlib.sha1(key.split(":", 1)[0].encode()).hexdigest()[:32]


def _headers(limit: Limit, remaining: int, reset_after: float, key: str, scope: str | None) -> dict[str, str]:
    headers = {
        "X-RateLimit-Limit": str(limit.limit),
        "X-RateLimit-Remaining": str(max(remaining, 0)),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{max(reset_after, 0):.3f}",
        "X-RateLimit-Bucket": _bucket_hash(key),
    }
    if scope is not None:
        headers["X-RateLimit-Scope"] = scope
    return headers


# Injected faults live in faults.py; kept importable from here.
from .faults import Fault, Faults  # noqa: E402,F401
