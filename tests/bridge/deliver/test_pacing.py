"""Pacing decisions with a fake clock: Discord's windows are never exceeded, bursts are smoothed."""

from __future__ import annotations

from bot.bridge.deliver.pacing import Pacer, PacingLimits, SlidingWindowLimiter, WindowLimit


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def send_all(pacer: Pacer, clock: FakeClock, count: int) -> list[float]:
    times = []
    for _ in range(count):
        clock.now = max(clock.now, pacer.next_send_at())
        pacer.record_send()
        times.append(clock.now)
    return times


def max_in_any_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


def test_a_quiet_channel_posts_at_once() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    assert pacer.delay() == 0
    pacer.record_send()
    assert pacer.delay() == 0


def test_sustained_sending_never_exceeds_the_webhook_or_channel_window() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    times = send_all(pacer, clock, 120)
    assert max_in_any_window(times, 2.0) <= 5
    assert max_in_any_window(times, 60.0) <= 30


def test_after_the_burst_posts_are_spread_at_the_channel_rate_instead_of_stalling() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    times = send_all(pacer, clock, 40)
    gaps = [b - a for a, b in zip(times, times[1:])]
    # No gap anywhere near the 60 s stall a plain "30 per minute" window would cause.
    assert max(gaps) < 5
    assert times[-1] - times[0] > 60


def test_delay_for_a_backlog_grows_with_its_size() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    assert pacer.delay(5) == 0 or pacer.delay(5) < 0.1
    assert pacer.delay(10) > pacer.delay(6) > 0


def test_whether_a_backlog_waits_too_long_agrees_with_its_delay() -> None:
    for limits in (PacingLimits(), PacingLimits().scaled(0.05), PacingLimits(WindowLimit(64, 1e-6), WindowLimit(64, 1e-6), burst=32)):
        clock = FakeClock()
        pacer = Pacer(limits, clock=clock)
        send_all(pacer, clock, 7)
        pacer.block_for(0.5)
        for count in (1, 2, 5, 6, 10, 30, 64):
            for seconds in (0.0, 0.4, 0.6, 1.0, 4.0, 10.0, 100.0):
                assert pacer.waits_longer_than(count, seconds) == (pacer.delay(count) > seconds), (limits, count, seconds)


def test_a_retry_after_from_discord_blocks_the_destination() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.block_for(3.0)
    assert 2.9 < pacer.delay() <= 3.0
    clock.now += 3.0
    assert pacer.delay() == 0


def test_scaled_limits_shrink_every_duration() -> None:
    limits = PacingLimits().scaled(0.05)
    assert limits.per_channel == WindowLimit(30, 3.0)
    assert round(limits.target_lag, 3) == 0.2


def test_person_limiter_allows_ten_per_minute_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, 60, clock=clock)
    assert all(limiter.try_acquire(1) == 0 for _ in range(10))
    assert limiter.try_acquire(1) == 60
    assert limiter.try_acquire(2) == 0
    clock.now += 60
    assert limiter.try_acquire(1) == 0
