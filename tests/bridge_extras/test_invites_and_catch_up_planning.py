"""Invite codes and catch-up planning, without Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bridge.catch_up import Candidate, catch_up_after, plan_catch_up, snowflake_at, snowflake_time_ms
from bot.bridge.invites import Invite, Refusal, hash_code, new_code, normalise_code, refusal_for

NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)


def invite(**changes) -> Invite:
    values = {"bridge_id": 1, "guild_id": 10, "channel_id": 100, "expires_at": NOW + timedelta(minutes=5), "used_at": None}
    values.update(changes)
    return Invite(**values)


def test_codes_are_random_readable_and_hashed_regardless_of_how_they_are_typed() -> None:
    code = new_code()
    assert code.startswith("QIAO-") and len(code) == 16 and code != new_code()
    assert hash_code(code) == hash_code(code.lower().replace("-", " "))
    assert normalise_code("qiao-abcde-fghjk") == "ABCDEFGHJK"


def test_a_fresh_code_from_another_server_is_accepted() -> None:
    assert refusal_for(invite(), accepting_guild_id=20, now=NOW, bridge_exists=True) is None


def test_refusals_name_the_reason() -> None:
    assert refusal_for(None, accepting_guild_id=20, now=NOW, bridge_exists=True) is Refusal.UNKNOWN
    assert refusal_for(invite(used_at=NOW), accepting_guild_id=20, now=NOW, bridge_exists=True) is Refusal.USED
    assert refusal_for(invite(), accepting_guild_id=20, now=NOW + timedelta(minutes=5), bridge_exists=True) is Refusal.EXPIRED
    assert refusal_for(invite(), accepting_guild_id=10, now=NOW, bridge_exists=True) is Refusal.OWN_SERVER
    assert refusal_for(invite(), accepting_guild_id=20, now=NOW, bridge_exists=False) is Refusal.BRIDGE_GONE


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
