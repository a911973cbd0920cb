"""Sender-side pacing per destination channel, so the bridge never leans on Discord's 429s.

discord.py waits out a 429 by itself, which hides a growing backlog inside the library; pacing
*before* each webhook call keeps the backlog visible to the bridge, which can then coalesce it.

Discord-free and clock-injectable: `Pacer(limits, clock=...)`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class WindowLimit:
    """At most `limit` requests in any `seconds`-long window."""

    limit: int
    seconds: float


@dataclass(frozen=True, slots=True)
class PacingLimits:
    """Discord's observed webhook limits, plus how the bridge spends them.

    `burst` posts may go back to back; beyond that sends are smoothed to the channel's rate, so a
    surge never spends a whole minute's budget in its first seconds and then stalls for the rest.
    """

    per_webhook: WindowLimit = WindowLimit(5, 2.0)
    per_channel: WindowLimit = WindowLimit(30, 60.0)
    burst: int = 5
    # Coalesce when posting the backlog one message per post would keep the last one waiting longer.
    target_lag: float = 4.0
    # Our clock starts a window when a request leaves; Discord's when it arrives.
    safety_fraction: float = 0.03
    safety_seconds: float = 0.02

    def scaled(self, factor: float) -> PacingLimits:
        """The same limits with every duration multiplied by `factor` (tests run the double faster)."""
        return replace(
            self,
            per_webhook=WindowLimit(self.per_webhook.limit, self.per_webhook.seconds * factor),
            per_channel=WindowLimit(self.per_channel.limit, self.per_channel.seconds * factor),
            target_lag=self.target_lag * factor,
        )

    @property
    def smoothing_rate(self) -> float:
        # Burst plus a window's worth of refills stays within the channel's window.
        return max(self.per_channel.limit - self.burst, 1) / self.padded(self.per_channel)

    def padded(self, window: WindowLimit) -> float:
        return window.seconds * (1 + self.safety_fraction) + self.safety_seconds


class SharedBlock:
    """A "not before" every pacer obeys: Discord's global rate limit (X-RateLimit-Global) stops
    every request of the bot, not just one webhook's."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.until = 0.0

    def block_for(self, seconds: float) -> None:
        self.until = max(self.until, self.clock() + max(seconds, 0.0))

    def delay(self) -> float:
        return max(0.0, self.until - self.clock())


class Pacer:
    """When the next webhook post to one channel may leave, and how long a backlog would take."""

    def __init__(
        self, limits: PacingLimits | None = None, *, clock: Clock = time.monotonic, shared: SharedBlock | None = None,
    ) -> None:
        self.limits = limits or PacingLimits()
        self.clock = clock
        self.shared = shared
        keep = max(self.limits.per_webhook.limit, self.limits.per_channel.limit)
        self._sent: deque[float] = deque(maxlen=keep)
        self._tokens = float(self.limits.burst)
        self._tokens_at = clock()
        self._blocked_until = 0.0

    def next_send_at(self, count: int = 1) -> float:
        """The time at which the `count`-th post from now may leave (1 = the next post)."""
        at = max(self.clock(), self._blocked_until, self.shared.until if self.shared is not None else 0.0)
        if count <= 1:  # every post asks this: no copy of the send times
            return self._earliest(at, self._sent, self._tokens, self._tokens_at)
        return self._walk(at, count, None)

    def delay(self, count: int = 1) -> float:
        return max(0.0, self.next_send_at(count) - self.clock())

    def waits_longer_than(self, count: int, seconds: float) -> bool:
        """Whether the `count`-th post from now would wait more than `seconds` (the outbox asks
        before every post under a backlog whether to coalesce; the exact delay is not needed)."""
        now = self.clock()
        at = max(now, self._blocked_until, self.shared.until if self.shared is not None else 0.0)
        # Each post leaves at most one window (or one token's refill) after the one before it, and
        # a token deficit left by posts that went out anyway is refilled first: a bound that
        # settles it without walking the posts when the limits are far from binding.
        deficit = max(0.0, -self._tokens) / self._rate
        if at - now + deficit + count * self._step_bound <= seconds:
            return False
        return self._walk(at, count, now + seconds) - now > seconds

    def _walk(self, at: float, count: int, stop_after: float | None) -> float:
        sent = list(self._sent)
        tokens, tokens_at = self._tokens, self._tokens_at
        for _ in range(count):
            at = self._earliest(at, sent, tokens, tokens_at)
            if stop_after is not None and at > stop_after:
                return at
            tokens = min(self._limits.burst, tokens + (at - tokens_at) * self._rate) - 1
            tokens_at = at
            sent.append(at)
        return at

    def record_send(self) -> None:
        now = self.clock()
        self._tokens = min(self._limits.burst, self._tokens + (now - self._tokens_at) * self._rate) - 1
        self._tokens_at = now
        self._sent.append(now)

    def block_for(self, seconds: float) -> None:
        """Discord said so (a 429's retry_after, or Remaining 0 with Reset-After), or a failed post
        backs off: wait that long."""
        self._blocked_until = max(self._blocked_until, self.clock() + max(seconds, 0.0))

    @property
    def limits(self) -> PacingLimits:
        return self._limits

    @limits.setter
    def limits(self, limits: PacingLimits) -> None:
        # Derived once: the outbox asks for dozens of future send times per post under a surge.
        self._limits = limits
        self._windows = tuple((window.limit, limits.padded(window)) for window in (limits.per_webhook, limits.per_channel))
        self._rate = limits.smoothing_rate
        self._step_bound = max(padded for _, padded in self._windows) + 1 / self._rate

    def _earliest(self, at: float, sent: Sequence[float], tokens: float, tokens_at: float) -> float:
        for limit, padded in self._windows:
            if len(sent) >= limit:
                at = max(at, sent[-limit] + padded)
        rate = self._rate
        available = min(self._limits.burst, tokens + (at - tokens_at) * rate)
        if available < 1:
            at += (1 - available) / rate
        return at


class SlidingWindowLimiter:
    """Per-key "at most N per window" for people (e.g. the Translate menu, 10 per minute)."""

    def __init__(self, limit: int, seconds: float, *, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._hits: dict[int, deque[float]] = {}

    def try_acquire(self, key: int) -> float:
        """0 when allowed (and counted); otherwise the seconds until the next use is allowed."""
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.seconds - now
        hits.append(now)
        return 0.0
