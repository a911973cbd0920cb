"""Every webhook call of the bridge goes through here: paced, and retried until Discord takes it.

A post waits for its destination's pacer (Discord's 5 per 2 s per webhook, 30 per minute per
channel) and for a global rate limit. A transient failure (`TransientDeliveryError`: 429 of any
scope, 5xx, a dropped socket, a timeout) is never the end of a copy: the destination's pacer is
blocked for the policy's delay (Discord's `retry_after` at least, growing while failures go on,
with jitter) and the same call is made again. Every attempt counts against the pacer's windows,
so retries never exceed Discord's limits, and the outbox behind it keeps queueing (and combining)
what arrives meanwhile. Permanent answers (missing access or permission, unknown channel) are
raised for the engine to pause the destination or end the copy.

A post whose fate is unknown (the socket dropped or timed out after the request went out, or a
proxy answered 5xx) may have been carried out: before it is sent again, the destination's newest
messages are searched for it, so an uncertain failure never doubles a copy.

Discord-free and clock-injectable.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.bridge.catch_up import DISCORD_EPOCH_MS
from bot.bridge.models import Destination
from bot.bridge.deliver.pacing import Pacer, SharedBlock
from bot.bridge.deliver.webhook import SentMessage, TransientDeliveryError
from bot.bridge.deliver.retries import RetryPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")
# Our clock and Discord's may disagree a little about when an uncertain post was made.
CLOCK_SKEW_MS = 5_000


@dataclass(slots=True)
class DeliveryCounters:
    attempts: int = 0
    transient_failures: int = 0
    rate_limited: int = 0
    uncertain: int = 0
    found_after_uncertain: int = 0  # posts that had gone through although no answer came


class DeliveringSender:
    """Wraps the cog's webhook sender: pacing, retries, global limits, no doubles."""

    def __init__(
        self, inner, pacer_for: Callable[[int], Pacer], shared: SharedBlock, *, policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall_clock_ms: Callable[[], int] = lambda: int(time.time() * 1000), rng: random.Random | None = None,
    ) -> None:
        self.inner = inner
        self._pacer_for = pacer_for
        self.shared = shared
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.wall_clock_ms = wall_clock_ms
        self.rng = rng or random.Random()
        self.counters = DeliveryCounters()
        # Destination channel -> the newest copy posted there (bounds the search for an uncertain post).
        self._last_posted: dict[int, int] = {}

    async def send(self, destination: Destination, content: str, *, username: str, avatar_url: str | None) -> SentMessage:
        pacer = self._pacer_for(destination.channel_id)
        failures = 0
        uncertain_since: int | None = None  # snowflake floor of an attempt whose fate is unknown
        while True:
            while (delay := pacer.delay()) > 0:
                await self.sleep(delay)
            try:
                if uncertain_since is not None:
                    found = await self.inner.find_posted(destination, content, after_message_id=uncertain_since)
                    if found is not None:
                        self.counters.found_after_uncertain += 1
                        log.info("bridge: a post to channel=%s had gone through although no answer came", destination.channel_id)
                        return self._posted(destination, found, pacer)
                    uncertain_since = None
                    continue  # the search took time: ask the pacer again before posting
                started = self._snowflake_floor(destination.channel_id)
                pacer.record_send()
                self.counters.attempts += 1
                sent = await self.inner.send(destination, content, username=username, avatar_url=avatar_url)
            except TransientDeliveryError as error:
                failures += 1
                if error.uncertain and uncertain_since is None:
                    self.counters.uncertain += 1
                    uncertain_since = started
                self._back_off(destination, pacer, error, failures)
                continue
            if failures:
                log.info("bridge delivery to channel=%s went through after %d failed attempts", destination.channel_id, failures)
            return self._posted(destination, sent, pacer)

    async def edit(self, destination: Destination, webhook_id: int, message_id: int, content: str) -> None:
        await self._retrying(destination, lambda: self.inner.edit(destination, webhook_id, message_id, content))

    async def delete(self, destination: Destination, webhook_id: int, message_id: int) -> None:
        # Retried after an uncertain delete, a copy already gone answers CopyGone, which callers expect.
        await self._retrying(destination, lambda: self.inner.delete(destination, webhook_id, message_id))

    async def find_posted(self, destination: Destination, content: str, *, after_message_id: int,
                          line: str | None = None) -> SentMessage | None:
        extra = {"line": line} if line is not None else {}
        return await self._retrying(
            destination, lambda: self.inner.find_posted(destination, content, after_message_id=after_message_id, **extra),
        )

    async def _retrying(self, destination: Destination, call: Callable[[], Awaitable[T]]) -> T:
        """Edits and deletes are not paced per channel (other buckets), but obey a global limit."""
        failures = 0
        while True:
            while (delay := self.shared.delay()) > 0:
                await self.sleep(delay)
            try:
                self.counters.attempts += 1
                return await call()
            except TransientDeliveryError as error:
                failures += 1
                await self.sleep(self._delay(destination, error, failures))

    def _posted(self, destination: Destination, sent: SentMessage, pacer: Pacer) -> SentMessage:
        if sent.reset_after:
            pacer.block_for(sent.reset_after)
        self._last_posted[destination.channel_id] = max(self._last_posted.get(destination.channel_id, 0), sent.message_id)
        return sent

    def _back_off(self, destination: Destination, pacer: Pacer, error: TransientDeliveryError, failures: int) -> None:
        pacer.block_for(self._delay(destination, error, failures))

    def _delay(self, destination: Destination, error: TransientDeliveryError, failures: int) -> float:
        self.counters.transient_failures += 1
        if error.retry_after is not None:
            self.counters.rate_limited += 1
        delay = self.policy.delay(failures, error.retry_after, rng=self.rng)
        if error.is_global:
            self.shared.block_for(delay)
        # One warning per run of failures; the retries themselves only at debug level.
        level = logging.WARNING if failures == 1 else logging.DEBUG
        log.log(level, "bridge delivery to channel=%s failed for now (%s); kept queued, retry %d in %.1f s",
                destination.channel_id, error, failures, delay)
        return delay

    def _snowflake_floor(self, channel_id: int) -> int:
        at = max(self.wall_clock_ms() - CLOCK_SKEW_MS - DISCORD_EPOCH_MS, 0) << 22
        return max(at, self._last_posted.get(channel_id, 0))
