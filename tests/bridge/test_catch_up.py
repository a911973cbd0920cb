"""Catch-up planning (where to start, which messages) and the high-water mark that stays below every waiting copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bridge.catch_up import Candidate, HighWaterMarks, catch_up_after, plan_catch_up, snowflake_at, snowflake_time_ms

NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)


def test_a_holder_keeps_its_oldest_hold_and_the_mark_stays_below_every_holder() -> None:
    marks = HighWaterMarks(db=None)
    marks.advance(7, 50)
    marks.hold_below(7, ("waiting", 1), 30)
    marks.hold_below(7, ("waiting", 1), 40)  # newer: the older hold stays
    marks.hold_below(7, ("waiting", 2), 20)
    assert marks.get(7) == 19
    marks.hold_below(7, ("waiting", 1), 10)  # an older copy (read back from history) lowers it
    assert marks.get(7) == 9
    marks.release_everywhere(("waiting", 1))
    assert marks.get(7) == 19
    marks.release(7, ("waiting", 2))
    assert marks.get(7) == 50


def test_catch_up_starts_after_the_window_the_link_and_the_high_water_mark() -> None:
    window_start = snowflake_at(NOW - timedelta(minutes=60))
    assert catch_up_after(NOW, 60, None, None) == window_start
    linked = NOW - timedelta(minutes=10)
    assert catch_up_after(NOW, 60, None, linked) == snowflake_at(linked)
    mark = snowflake_at(NOW - timedelta(minutes=1))
    assert catch_up_after(NOW, 60, mark, linked) == mark
    assert abs(snowflake_time_ms(snowflake_at(NOW)) - NOW.timestamp() * 1000) < 1


def test_catch_up_plan_is_ordered_and_skips_relayed_old_and_opted_out() -> None:
    candidates = [Candidate(50, 1), Candidate(30, 1), Candidate(40, 2), Candidate(10, 1), Candidate(60, 3)]
    planned = plan_catch_up(candidates, after=20, already_relayed={50}, opted_out=lambda user: user == 3)
    assert planned == [30, 40]
