"""How the bridge waits out Discord's transient failures instead of dropping copies.

Discord (and the Cloudflare/envoy proxies in front of it) answer with 429s of three scopes,
502/503/504s with HTML or plain-text bodies, or drop the socket. None of that means the copy is
unwanted: it waits, in order, and is retried. `DiscordAnswer.of` reads what an answer says about
waiting (`Retry-After`, `X-RateLimit-*`, the 429 body); `RetryPolicy` turns consecutive failures
into a delay that follows Discord's hint, grows when there is none, carries jitter so destinations
do not retry in lockstep, and is capped so recovery is noticed soon.

Discord-free: the cog's webhook sender parses HTTP answers with it; the engine's delivery (deliver/webhook_calls.py) schedules.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

# Discord's 5xx answers come from its proxies too; 429 is a rate limit; the rest are final.
RATE_LIMITED = 429


@dataclass(frozen=True, slots=True)
class DiscordAnswer:
    """What one HTTP answer says about when to try again."""

    status: int
    retry_after: float | None = None  # seconds, from the 429 body or Retry-After
    reset_after: float | None = None  # X-RateLimit-Reset-After, when Remaining is 0
    scope: str | None = None  # X-RateLimit-Scope: user, global or shared
    is_global: bool = False

    @property
    def transient(self) -> bool:
        return self.status == RATE_LIMITED or self.status >= 500

    @property
    def exhausted(self) -> bool:
        """A success that used the bucket's last request: wait `reset_after` before the next."""
        return self.status < 300 and self.reset_after is not None

    @classmethod
    def of(cls, status: int, headers: Mapping[str, str], body: object = None) -> DiscordAnswer:
        lowered = {key.lower(): value for key, value in headers.items()}
        retry_after = None
        is_global = _truthy(lowered.get("x-ratelimit-global"))
        if status == RATE_LIMITED:
            if isinstance(body, Mapping):
                retry_after = _seconds(body.get("retry_after"))
                is_global = is_global or bool(body.get("global"))
            if retry_after is None:
                retry_after = _seconds(lowered.get("retry-after"))
            if retry_after is None:
                retry_after = _seconds(lowered.get("x-ratelimit-reset-after"))
        elif status >= 500:
            # Proxies sometimes say when to come back (503 with Retry-After).
            retry_after = _seconds(lowered.get("retry-after"))
        reset_after = None
        if status < 300 and lowered.get("x-ratelimit-remaining") == "0":
            reset_after = _seconds(lowered.get("x-ratelimit-reset-after"))
        return cls(status, retry_after, reset_after, lowered.get("x-ratelimit-scope"), is_global)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Delay before attempt `failures + 1` after `failures` consecutive transient failures.

    Discord's `retry_after` is a floor (never retry earlier than told). Without it the delay
    doubles from `first` up to `cap`; a long storm of 429s also grows past the hint, so many
    destinations hitting the same wall spend few requests (each 429 counts against the
    invalid-request limit of 10,000 per 10 minutes)."""

    first: float = 1.0
    cap: float = 10.0
    jitter: float = 0.2  # up to +20 %, so destinations do not retry in lockstep

    def delay(self, failures: int, retry_after: float | None = None, *, rng: random.Random | None = None) -> float:
        grown = min(self.cap, self.first * 2 ** max(failures - 1, 0))
        base = grown if retry_after is None else max(retry_after, min(grown, self.cap))
        spread = (rng or random).uniform(0.0, self.jitter)
        return base * (1.0 + spread)

    def scaled(self, factor: float) -> RetryPolicy:
        return RetryPolicy(self.first * factor, self.cap * factor, self.jitter)


def _seconds(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() == "true"
