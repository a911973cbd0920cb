"""The circuit breaker, with time controlled by a fake clock."""

from __future__ import annotations

import pytest

from bot.translation.breaker import BreakerState, CircuitBreaker
from bot.translation.providers.base import FailureKind


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def breaker(clock: FakeClock, **options) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=3, base_cooldown=30, max_cooldown=240, clock=clock, **options)


def test_opens_after_consecutive_failures(clock) -> None:
    circuit = breaker(clock)
    for _ in range(2):
        circuit.record_failure(FailureKind.SERVER)
        assert circuit.allow()
    circuit.record_failure(FailureKind.TIMEOUT)
    assert circuit.state is BreakerState.OPEN
    assert not circuit.allow()
    assert circuit.retry_in() == 30


def test_a_success_resets_the_failure_count(clock) -> None:
    circuit = breaker(clock)
    circuit.record_failure(FailureKind.SERVER)
    circuit.record_failure(FailureKind.SERVER)
    circuit.record_success()
    circuit.record_failure(FailureKind.SERVER)
    assert circuit.state is BreakerState.CLOSED


@pytest.mark.parametrize("kind", [FailureKind.AUTH, FailureKind.QUOTA])
def test_auth_and_quota_errors_open_at_once(clock, kind) -> None:
    circuit = breaker(clock)
    circuit.record_failure(kind)
    assert circuit.state is BreakerState.OPEN


def test_retry_after_sets_the_cooldown(clock) -> None:
    circuit = breaker(clock)
    circuit.record_failure(FailureKind.RATE_LIMITED, retry_after=7)
    assert not circuit.allow()
    clock.advance(6.9)
    assert not circuit.allow()
    clock.advance(0.2)
    assert circuit.allow()


def test_half_open_allows_a_single_trial(clock) -> None:
    circuit = breaker(clock)
    circuit.record_failure(FailureKind.AUTH)
    clock.advance(30)
    assert circuit.allow()
    assert circuit.state is BreakerState.HALF_OPEN
    assert not circuit.allow()  # a second caller waits for the trial's outcome
    circuit.record_success()
    assert circuit.state is BreakerState.CLOSED and circuit.allow()


def test_failed_trial_reopens_with_doubled_cooldown_up_to_the_maximum(clock) -> None:
    circuit = breaker(clock)
    circuit.record_failure(FailureKind.AUTH)
    cooldowns = []
    for _ in range(5):
        cooldowns.append(circuit.retry_in())
        clock.advance(circuit.retry_in())
        assert circuit.allow()
        circuit.record_failure(FailureKind.SERVER)
    assert cooldowns == [30, 60, 120, 240, 240]


def test_cancelled_trial_lets_the_next_caller_try(clock) -> None:
    circuit = breaker(clock)
    circuit.record_failure(FailureKind.QUOTA)
    clock.advance(30)
    assert circuit.allow()
    circuit.release()
    assert circuit.allow()


def test_a_rejected_request_between_successes_does_not_count_against_the_provider(clock) -> None:
    circuit = breaker(clock)
    for _ in range(5):
        circuit.record_failure(FailureKind.REJECTED)
        circuit.record_failure(FailureKind.REJECTED)
        circuit.record_success()
    assert circuit.state is BreakerState.CLOSED


def test_every_request_rejected_opens_the_circuit(clock) -> None:
    """A 400 on every message is configuration, not one bad text: stop paying a request per message."""
    circuit = breaker(clock)
    circuit.record_failure(FailureKind.REJECTED)
    circuit.record_failure(FailureKind.REJECTED)
    assert circuit.state is BreakerState.CLOSED
    circuit.record_failure(FailureKind.REJECTED)
    assert circuit.state is BreakerState.OPEN and circuit.retry_in() == 30


def test_a_configuration_failure_opens_at_once(clock) -> None:
    circuit = breaker(clock)
    circuit.record_failure(FailureKind.CONFIG)
    assert circuit.state is BreakerState.OPEN and not circuit.allow()


def test_a_burst_in_flight_when_the_provider_fails_opens_the_circuit_once(clock) -> None:
    circuit = CircuitBreaker(failure_threshold=3, base_cooldown=30, max_cooldown=900, clock=clock)
    started = []
    for _ in range(10):  # ten requests go out while the provider still looks healthy
        assert circuit.allow()
        started.append(circuit.epoch)
    for epoch in started:  # then all ten time out
        circuit.record_failure(FailureKind.TIMEOUT, epoch=epoch)
    assert circuit.state is BreakerState.OPEN
    assert circuit.cooldowns == 1 and circuit.retry_in() == 30  # not 15 minutes

    clock.advance(30)
    assert circuit.allow()  # the trial, started in the new epoch
    circuit.record_success()
    assert circuit.state is BreakerState.CLOSED


def test_a_stale_failure_does_not_escalate_while_the_trial_runs(clock) -> None:
    circuit = breaker(clock)
    assert circuit.allow()
    old = circuit.epoch
    circuit.record_failure(FailureKind.AUTH, epoch=old)
    clock.advance(30)
    assert circuit.allow()  # half-open trial
    trial = circuit.epoch
    circuit.record_failure(FailureKind.SERVER, epoch=old)  # a straggler from before the opening
    assert circuit.state is BreakerState.HALF_OPEN
    circuit.record_failure(FailureKind.SERVER, epoch=trial)  # the trial itself fails: that escalates
    assert circuit.state is BreakerState.OPEN and circuit.retry_in() == 60


def test_a_stale_quota_failure_still_extends_the_wait_to_its_reset_time(clock) -> None:
    circuit = breaker(clock)
    old = circuit.epoch
    circuit.record_failure(FailureKind.SERVER, epoch=old)
    circuit.record_failure(FailureKind.SERVER, epoch=old)
    circuit.record_failure(FailureKind.SERVER, epoch=old)
    assert circuit.retry_in() == 30
    circuit.record_failure(FailureKind.QUOTA, retry_after=3600, epoch=old)
    assert circuit.retry_in() == 3600 and circuit.cooldowns == 1
