"""The fault scenarios, at any time scale: the fault suite runs them scaled down (tests/faults/),
bench/faults.py at Discord's real durations. Each drives numbered messages (`m<N>`) through the
real bot (discord.py client + bridge cog) against the Discord double with the fault on, waits
until the bridge has nothing left to post, and returns the counts (`Tally`).

Durations scale together: the double's rate-limit windows, the faults' lengths and retry_after,
the posting rate, the bot's pacing and retry policy."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from bot.bridge.deliver.pacing import PacingLimits
from bot.bridge.deliver.retries import RetryPolicy
from tests.faults.tally import Tally, numbers_in_copies, tally

WEBHOOK_EXECUTE = "POST /webhooks/*/*"


@dataclass
class Outcome:
    tally: Tally
    delivery: object = None  # the bot's DeliveryCounters
    gateway: dict[str, int] = field(default_factory=dict)


def prepare_double(harness, scale: float) -> None:
    config = harness.double.ratelimiter.config
    config.enabled = True
    config.time_scale = scale


def scale_bot(bot, scale: float) -> None:
    engine = bot.bridge_relay.engine
    engine.set_pacing(PacingLimits().scaled(scale))
    engine.delivery.policy = RetryPolicy().scaled(scale)


async def post_numbered(harness, numbers: range, *, per_second: float, scale: float, text: str = "hello") -> list:
    """People post `m<N> <text>` at `per_second` (in scaled time)."""
    posted = []
    for number in numbers:
        posted.append(await harness.double.post(harness.alice, harness.english, f"m{number} {text}"))
        await asyncio.sleep(scale / per_second)
    return posted


async def settle(harness, bot, expected: int, *, timeout: float) -> None:
    """Wait until `expected` numbers arrived and the bridge has nothing left to post."""
    channel = harness.chinese
    try:
        await harness.double.wait_for(lambda: len(numbers_in_copies(harness.double, channel)) >= expected, timeout=timeout)
    except TimeoutError:
        raise AssertionError(f"only these arrived: {numbers_in_copies(harness.double, channel)}") from None
    assert await bot.bridge_relay.engine.drain(timeout), "the bridge still had copies waiting"


def counted(harness, name: str, expected: range, since: float, scale: float, bot=None) -> Outcome:
    figures = tally(name, expected, numbers_in_copies(harness.double, harness.chinese), harness.double.requests,
                    time_scale=scale, since=since)
    gateway = harness.double.gateway
    return Outcome(figures, bot.bridge_relay.engine.delivery.counters if bot else None,
                   {"identifies": gateway.identifies, "resumes": gateway.resumes, "invalid_sessions": gateway.invalid_sessions})


def _timeout(scale: float) -> float:
    return max(30.0, 120.0 * scale)


async def rate_limit_storm(harness, scale: float, *, scope: str = "user", seconds: float = 20.0,
                           retry_after: float = 1.0, messages: int = 60) -> Outcome:
    """Webhook executes answer 429 (`scope`) with Retry-After 1 for 20 s while 60 messages arrive at 3/s."""
    prepare_double(harness, scale)
    async with harness.running() as bot:
        scale_bot(bot, scale)
        await harness.link()
        since = time.time()
        harness.double.faults.rate_limit(WEBHOOK_EXECUTE, retry_after=retry_after * scale, scope=scope,
                                         for_seconds=seconds * scale)
        await post_numbered(harness, range(messages), per_second=3, scale=scale)
        await settle(harness, bot, messages, timeout=_timeout(scale))
        return counted(harness, f"429 storm ({scope}) {seconds:g} s, Retry-After {retry_after:g}", range(messages),
                       since, scale, bot)


async def server_errors(harness, scale: float, *, statuses: tuple[int, ...] = (502, 503), proxy: str = "cloudflare",
                        seconds: float = 30.0, messages: int = 60) -> Outcome:
    """Webhook executes answer 5xx from a proxy for 30 s (longer than discord.py's own retries)."""
    prepare_double(harness, scale)
    async with harness.running() as bot:
        scale_bot(bot, scale)
        await harness.link()
        since = time.time()
        harness.double.faults.fail(WEBHOOK_EXECUTE, status=statuses, proxy=proxy, for_seconds=seconds * scale)
        await post_numbered(harness, range(messages), per_second=3, scale=scale)
        await settle(harness, bot, messages, timeout=_timeout(scale))
        return counted(harness, f"{'/'.join(map(str, statuses))} from {proxy} for {seconds:g} s", range(messages),
                       since, scale, bot)


async def dropped_sockets(harness, scale: float, *, after_processing: bool, seconds: float = 10.0, times: int | None = None,
                          messages: int = 30) -> Outcome:
    """Webhook executes lose their socket: before the post is made (for `seconds`), or after it was
    made (`times` times: the message exists, the answer never came)."""
    prepare_double(harness, scale)
    async with harness.running() as bot:
        scale_bot(bot, scale)
        await harness.link()
        since = time.time()
        if after_processing:
            harness.double.faults.reset(WEBHOOK_EXECUTE, times=times or 6, after_processing=True)
            name = f"sockets cut after the post was made ({times or 6} times)"
        else:
            harness.double.faults.reset(WEBHOOK_EXECUTE, for_seconds=seconds * scale)
            name = f"sockets cut before the post for {seconds:g} s"
        await post_numbered(harness, range(messages), per_second=3, scale=scale)
        await settle(harness, bot, messages, timeout=_timeout(scale))
        return counted(harness, name, range(messages), since, scale, bot)


async def slow_answers(harness, scale: float, *, delay: float = 3.0, seconds: float = 20.0, messages: int = 60) -> Outcome:
    """Every webhook execute is answered `delay` seconds late for 20 s."""
    prepare_double(harness, scale)
    async with harness.running() as bot:
        scale_bot(bot, scale)
        await harness.link()
        since = time.time()
        harness.double.faults.delay(WEBHOOK_EXECUTE, delay * scale, for_seconds=seconds * scale)
        await post_numbered(harness, range(messages), per_second=3, scale=scale)
        await settle(harness, bot, messages, timeout=_timeout(scale))
        return counted(harness, f"webhook answers {delay:g} s slow for {seconds:g} s", range(messages), since, scale, bot)


async def lost_session(harness, scale: float, *, code: int | None = None, invalidate: bool | None = True,
                       label: str = "socket dropped, RESUME answered Invalid Session", history_errors: int = 0) -> Outcome:
    """10 messages, then the gateway drops and stays down while 20 more are posted; the session is
    (or is not, `invalidate=False`) resumable; then 10 more. `history_errors`: that many history
    reads answer envoy's 503 when the bot comes back."""
    prepare_double(harness, scale)
    double = harness.double
    async with harness.running() as bot:
        scale_bot(bot, scale)
        await harness.link()
        since = time.time()
        await post_numbered(harness, range(10), per_second=3, scale=scale, text="before")
        await settle(harness, bot, 10, timeout=_timeout(scale))
        identifies, resumes = double.gateway.identifies, double.gateway.resumes
        double.gateway.refuse_connections()
        await double.drop_gateway(code, invalidate=invalidate)
        await post_numbered(harness, range(10, 30), per_second=20, scale=scale, text="in the gap")
        if history_errors:
            double.faults.fail("GET /channels/*/messages", status=503, proxy="envoy", times=history_errors)
        double.gateway.accept_connections()
        await double.wait_for(lambda: double.gateway.identifies > identifies or double.gateway.resumes > resumes, timeout=30)
        await post_numbered(harness, range(30, 40), per_second=3, scale=scale, text="after")
        await settle(harness, bot, 40, timeout=_timeout(scale))
        return counted(harness, f"gateway {label}: 20 posted in the gap", range(40), since, scale, bot)


async def invalid_session_mid_traffic(harness, scale: float, *, messages: int = 40) -> Outcome:
    """Discord sends Invalid Session (op 9, d=false) while messages arrive at 10/s."""
    prepare_double(harness, scale)
    double = harness.double
    async with harness.running() as bot:
        scale_bot(bot, scale)
        await harness.link()
        since = time.time()
        identifies = double.gateway.identifies
        sender = asyncio.create_task(post_numbered(harness, range(messages), per_second=10, scale=scale, text="busy"))
        await asyncio.sleep(5 * scale)
        await double.gateway.invalid_session(resumable=False)
        await sender
        await double.wait_for(lambda: double.gateway.identifies > identifies, timeout=30)
        await settle(harness, bot, messages, timeout=_timeout(scale))
        return counted(harness, "gateway Invalid Session (op 9) mid-traffic", range(messages), since, scale, bot)


async def restart_while_waiting(harness, scale: float) -> Outcome:
    """30 copies wait out a long 429 storm when the bot shuts down (drain gives up); after the
    restart they are read back from history, once, in order, marked late."""
    prepare_double(harness, scale)
    double = harness.double
    since = time.time()
    async with harness.running() as bot:
        bot.bridge_drain_seconds = 0.5
        scale_bot(bot, scale)
        await harness.link()
        await post_numbered(harness, range(10), per_second=3, scale=scale, text="before")
        await settle(harness, bot, 10, timeout=_timeout(scale))
        double.faults.rate_limit(WEBHOOK_EXECUTE, retry_after=50 * scale, for_seconds=600 * scale)
        await post_numbered(harness, range(10, 40), per_second=3, scale=scale, text="waiting")
        engine = bot.bridge_relay.engine
        await double.wait_for(lambda: engine.backlog(harness.chinese.id) >= 25, timeout=_timeout(scale))
    double.faults.clear()
    async with harness.running() as bot:
        scale_bot(bot, scale)
        await settle(harness, bot, 40, timeout=_timeout(scale))
        await post_numbered(harness, range(40, 45), per_second=3, scale=scale, text="after the restart")
        await settle(harness, bot, 45, timeout=_timeout(scale))
        return counted(harness, "restart while 30 copies wait (429 storm)", range(45), since, scale, bot)


async def restart_while_one_destination_waits(harness, scale: float) -> tuple[Outcome, Outcome]:
    """A bridge of three channels: #chinese takes every copy while a storm holds #chinese-tw's
    webhook back; the bot restarts; #chinese-tw then gets exactly what it missed, once, in order,
    and #chinese nothing twice."""
    prepare_double(harness, scale)
    double = harness.double
    traditional = double.create_channel(harness.guild, "chinese-tw")
    since = time.time()
    async with harness.running() as bot:
        bot.bridge_drain_seconds = 0.5
        scale_bot(bot, scale)
        await harness.link()
        await harness.link(chinese=traditional)
        await post_numbered(harness, range(5), per_second=3, scale=scale, text="before")
        await settle(harness, bot, 5, timeout=_timeout(scale))
        await double.wait_for(lambda: len(numbers_in_copies(double, traditional)) >= 5, timeout=_timeout(scale))
        [webhook] = double.webhooks_in(traditional)
        double.faults.rate_limit(f"POST /webhooks/{webhook.id}/*", retry_after=50 * scale, for_seconds=600 * scale)
        await post_numbered(harness, range(5, 25), per_second=3, scale=scale, text="waiting")
        await double.wait_for(lambda: len(numbers_in_copies(double, harness.chinese)) >= 25, timeout=_timeout(scale))
        assert len(numbers_in_copies(double, traditional)) < 25
    double.faults.clear()
    async with harness.running() as bot:
        scale_bot(bot, scale)
        await double.wait_for(lambda: len(numbers_in_copies(double, traditional)) >= 25, timeout=_timeout(scale))
        assert await bot.bridge_relay.engine.drain(_timeout(scale))
        simplified = counted(harness, "restart while one of two destinations waits: #chinese", range(25), since, scale, bot)
        waited = tally("restart while one of two destinations waits: #chinese-tw", range(25),
                       numbers_in_copies(double, traditional), double.requests, time_scale=scale, since=since)
        return simplified, Outcome(waited, simplified.delivery, simplified.gateway)
