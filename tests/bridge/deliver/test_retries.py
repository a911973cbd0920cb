"""Reading Discord's answers for when to retry, and the retry delays."""

from __future__ import annotations

import random

import pytest

from bot.bridge.deliver.retries import DiscordAnswer, RetryPolicy

RATE_LIMIT_BODY = {"message": "You are being rate limited.", "retry_after": 1.25, "global": False, "code": 0}


def test_a_429_waits_for_the_body_retry_after_rather_than_the_rounded_header() -> None:
    answer = DiscordAnswer.of(429, {"Retry-After": "2", "X-RateLimit-Scope": "user"}, RATE_LIMIT_BODY)
    assert answer.transient and answer.retry_after == 1.25 and answer.scope == "user" and not answer.is_global


def test_a_global_429_is_recognised_from_the_header_or_the_body() -> None:
    assert DiscordAnswer.of(429, {"X-RateLimit-Global": "true", "Retry-After": "3"}, "<html>").is_global
    assert DiscordAnswer.of(429, {}, {**RATE_LIMIT_BODY, "global": True}).is_global
    assert DiscordAnswer.of(429, {"x-ratelimit-global": "true"}, None).retry_after is None


def test_a_429_without_a_body_falls_back_to_retry_after_then_reset_after() -> None:
    assert DiscordAnswer.of(429, {"Retry-After": "7"}, "error code: 1015").retry_after == 7.0
    assert DiscordAnswer.of(429, {"X-RateLimit-Reset-After": "0.4"}, None).retry_after == 0.4


def test_5xx_from_a_proxy_is_transient_and_may_carry_retry_after() -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body><center>cloudflare</center></body></html>"
    assert DiscordAnswer.of(502, {}, page).transient
    assert DiscordAnswer.of(503, {"Retry-After": "5"}, "upstream connect error").retry_after == 5.0
    assert not DiscordAnswer.of(403, {}, {"message": "Missing Permissions", "code": 50013}).transient
    assert not DiscordAnswer.of(404, {}, {"message": "Unknown Webhook", "code": 10015}).transient


def test_a_success_that_emptied_the_bucket_says_how_long_to_wait() -> None:
    answer = DiscordAnswer.of(200, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "1.5"})
    assert answer.exhausted and answer.reset_after == 1.5
    assert not DiscordAnswer.of(200, {"X-RateLimit-Remaining": "3", "X-RateLimit-Reset-After": "1.5"}).exhausted
    assert DiscordAnswer.of(200, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "nonsense"}).reset_after is None


def test_the_retry_delay_never_undercuts_discord_grows_without_a_hint_and_is_capped() -> None:
    policy = RetryPolicy(first=1.0, cap=10.0, jitter=0.0)
    assert [policy.delay(failures) for failures in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert policy.delay(1, retry_after=3.0) == 3.0
    assert policy.delay(4, retry_after=0.5) == 8.0  # a long 429 storm backs off past the hint
    assert policy.delay(1, retry_after=60.0) == 60.0  # but never retries before Discord allows


@pytest.mark.parametrize("seed", range(5))
def test_jitter_only_lengthens_the_delay_and_by_at_most_its_fraction(seed: int) -> None:
    policy = RetryPolicy(first=1.0, cap=10.0, jitter=0.2)
    delays = [policy.delay(3, rng=random.Random(seed * 100 + n)) for n in range(50)]
    assert all(4.0 <= delay <= 4.8 for delay in delays)
    assert len(set(delays)) > 1


def test_a_scaled_policy_scales_its_durations() -> None:
    assert RetryPolicy(first=1.0, cap=10.0, jitter=0.0).scaled(0.1).delay(9) == pytest.approx(1.0)
