"""Discord's global REST limit (50 requests a second per bot) shared by the bot's processes.

discord.py keeps to the global limit within one process, learning it from 429s. Several processes of
one bot each think they have all 50: either they run behind an HTTP rate-limit proxy that every
process's REST calls go through (`DISCORD_API_BASE_URL`, e.g. nirn-proxy; then nothing is needed
here), or they share a token bucket in Redis that every bot-authenticated request takes a token
from before it goes out (`SharedRestLimit`, hooked into discord.py's `HTTPClient.request`).

The bucket refills `rate` tokens a second and holds at most `burst`: in any one second at most
`burst + rate` requests start, 5 + 45 = 50 by default. The refill and the take are one Lua script
(atomic in Redis, on Redis's clock, so the processes' clocks need not agree). Interaction answers
(`/interactions/…/callback`, and follow-ups through the interaction's webhook) are not bound to the
global limit, so they never wait here; neither do the bridge's webhook posts, which go through the
bridge's own pacing (Discord limits each webhook on its own).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

DISCORD_GLOBAL_PER_SECOND = 50
RATE_PER_SECOND = 45.0
BURST = 5

# KEYS[1]: the bucket (a hash: tokens, at). ARGV: rate per second, burst, [now in ms, for tests].
# Returns 0 when a token was taken, else the milliseconds until one is there (nothing taken).
_TAKE = """
local now = tonumber(ARGV[3])
if not now then
    local time = redis.call('TIME')
    now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then
    tokens = math.min(burst, tokens + (now - at) * rate / 1000)
else
    now = at
end
local wait = 0
if tokens >= 1 then
    tokens = tokens - 1
else
    wait = math.max(1, math.ceil((1 - tokens) * 1000 / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
"""


class SharedRestLimit:
    """A token bucket in Redis that every process of the bot takes from before a REST request."""

    def __init__(
        self, redis: Any, key: str, *, rate: float = RATE_PER_SECOND, burst: int = BURST,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.redis = redis
        self.key = key
        self.rate = rate
        self.burst = burst
        self._sleep = sleep
        self.granted = 0
        self.waited = 0  # requests that had to wait for a token

    async def try_take(self, now_ms: int | None = None) -> int:
        """Take a token: 0 when taken, else how many milliseconds until one is there."""
        arguments = [self.rate, self.burst] + ([now_ms] if now_ms is not None else [])
        wait = int(await self.redis.eval(_TAKE, 1, self.key, *arguments))
        if not wait:
            self.granted += 1
        return wait

    async def acquire(self) -> None:
        """Wait for a token. Should Redis fail, the request goes out (discord.py still honours 429s)
        rather than the bot stopping: a warning says so."""
        waited = False
        while True:
            try:
                wait = await self.try_take()
            except Exception as error:
                log.warning("shared REST limit: Redis did not answer (%s: %s); sending without it",
                            type(error).__name__, error)
                return
            if not wait:
                self.waited += waited
                return
            waited = True
            await self._sleep(wait / 1000)


def counts_toward_global_limit(route: Any) -> bool:
    """Interaction answers and webhook calls by token are not bound to the bot's global limit."""
    path: str = getattr(route, "path", "")
    return not path.startswith(("/interactions/", "/webhooks/{webhook_id}/{webhook_token}"))


def install_shared_rest_limit(http: Any, limit: SharedRestLimit) -> None:
    """Every request discord.py's HTTP client makes for the bot first takes a token from `limit`."""
    original = http.request

    async def request(route, **kwargs):
        if counts_toward_global_limit(route):
            await limit.acquire()
        return await original(route, **kwargs)

    http.request = request
    http.shared_rest_limit = limit
