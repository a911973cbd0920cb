"""A circuit breaker per provider, so a failing service is skipped instead of waited on."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

from bot.translation.providers.base import FailureKind


class BreakerState(StrEnum):
    CLOSED = "closed"  # calls go through
    OPEN = "open"  # calls are skipped until the cool-down ends
    HALF_OPEN = "half_open"  # one trial call is in flight; its outcome closes or re-opens


# Failures that no amount of retrying in the next few seconds will fix.
_OPEN_AT_ONCE = frozenset({FailureKind.AUTH, FailureKind.CONFIG, FailureKind.QUOTA})
# Failures about one request, not the provider's health: they open the circuit only when every
# request fails so (``failure_threshold`` in a row without a success), which means the provider
# refuses everything as configured — e.g. a 400 for a setting — and would cost a request per message.
_ABOUT_ONE_REQUEST = frozenset({FailureKind.REJECTED})


class CircuitBreaker:
    """Opens after ``failure_threshold`` consecutive failures, or at once on auth/config/quota errors.

    After the cool-down one trial call is let through (half-open). Each time the circuit opens
    again without a success in between, the cool-down doubles, up to ``max_cooldown``. A failure
    that says when to come back (Retry-After, a quota's reset time) opens it for exactly that long.

    Each opening starts a new ``epoch``. A call takes the epoch when it starts (``epoch`` after
    ``allow()``); its failure, reported with that epoch, counts only if no opening happened
    meanwhile. So a burst of calls already in flight when the provider fails opens the circuit
    once, instead of re-opening it and doubling the cool-down once per call.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 3,
        base_cooldown: float = 30.0,
        max_cooldown: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or base_cooldown <= 0 or max_cooldown < base_cooldown:
            raise ValueError("failure_threshold >= 1 and 0 < base_cooldown <= max_cooldown are required")
        self._threshold = failure_threshold
        self._base_cooldown = base_cooldown
        self._max_cooldown = max_cooldown
        self._clock = clock
        self._consecutive_failures = 0
        self._consecutive_rejections = 0
        self._times_opened = 0  # since the last success; drives the back-off
        self._open_until = 0.0
        self._state = BreakerState.CLOSED
        self._epoch = 0

    @property
    def state(self) -> BreakerState:
        return self._state

    @property
    def epoch(self) -> int:
        """How many times the circuit has opened; a call started now belongs to this epoch."""
        return self._epoch

    @property
    def cooldowns(self) -> int:
        """Openings since the last success (the back-off exponent), for stats and tests."""
        return self._times_opened

    def retry_in(self) -> float:
        """Seconds until a trial call will be allowed (0 when calls are allowed now)."""
        if self._state is BreakerState.OPEN:
            return max(0.0, self._open_until - self._clock())
        return 0.0

    def allow(self) -> bool:
        """May a call go out now? A True in the open state starts the half-open trial."""
        if self._state is BreakerState.CLOSED:
            return True
        if self._state is BreakerState.OPEN and self._clock() >= self._open_until:
            self._state = BreakerState.HALF_OPEN
            return True
        return False

    def record_success(self) -> None:
        self._state = BreakerState.CLOSED
        self._consecutive_failures = 0
        self._consecutive_rejections = 0
        self._times_opened = 0

    def record_failure(self, kind: FailureKind, retry_after: float | None = None, *, epoch: int | None = None) -> None:
        """A call failed. ``epoch``: the epoch the call started in (None: treat it as current)."""
        if epoch is not None and epoch != self._epoch:
            # Started before the latest opening: that opening already accounts for it. Only a
            # later return time it announces (a quota reset) still matters.
            if retry_after is not None and self._state is BreakerState.OPEN:
                self._open_until = max(self._open_until, self._clock() + retry_after)
            return
        if kind in _ABOUT_ONE_REQUEST:
            self._consecutive_rejections += 1
            if self._consecutive_rejections >= self._threshold:
                self._open(None)
            elif self._state is BreakerState.HALF_OPEN:
                self._state = BreakerState.CLOSED  # the provider answered, so it is up
            return
        self._consecutive_failures += 1
        if (
            self._state is BreakerState.HALF_OPEN
            or kind in _OPEN_AT_ONCE
            or retry_after is not None
            or self._consecutive_failures >= self._threshold
        ):
            self._open(retry_after)

    def release(self) -> None:
        """The allowed call ended without an outcome (cancelled): let the next caller try."""
        if self._state is BreakerState.HALF_OPEN:
            self._state = BreakerState.OPEN
            self._open_until = self._clock()

    def _open(self, retry_after: float | None) -> None:
        if retry_after is not None:
            cooldown = retry_after  # the provider said when to come back
        else:
            cooldown = min(self._max_cooldown, self._base_cooldown * 2**self._times_opened)
        self._times_opened += 1
        self._epoch += 1
        self._consecutive_failures = 0
        self._consecutive_rejections = 0
        self._state = BreakerState.OPEN
        self._open_until = self._clock() + cooldown
