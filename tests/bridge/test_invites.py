"""Invite codes: made, typed, refused for a reason; without Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
