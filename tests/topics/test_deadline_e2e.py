"""Commands that call Discord (channel edits, permission overwrites, posts) before answering must
acknowledge first: real Discord drops an answer that comes later than 3 s (404 10062 Unknown
interaction), and channel renames in particular can wait minutes on a rate limit. The double's
deadline is shortened and the REST call slowed so the tests stay fast."""

from __future__ import annotations

import pytest


@pytest.fixture
async def slow_discord(server):
    await server.run(server.moderator, "seed")
    server.double.world.interaction_deadline = 0.3
    yield server
    server.double.faults.clear()


async def test_join_and_leave_answer_although_the_overwrite_is_slow(slow_discord):
    server = slow_discord
    server.double.faults.delay("PUT /channels/*/permissions/*", 0.6)
    joined = await server.run(server.alice, "join", topic="groceries")
    assert joined.deferred and joined.ephemeral and "You joined" in joined.response_text
    assert server.double.faults.triggered
    server.double.faults.clear()
    server.double.faults.delay("DELETE /channels/*/permissions/*", 0.6)
    left = await server.run(server.alice, "leave", topic="groceries")
    assert left.deferred and left.ephemeral and left.response_text


async def test_rename_answers_although_the_channel_edit_is_slow(slow_discord):
    server = slow_discord
    server.double.faults.delay("PATCH /channels/*", 0.6)
    handle = await server.run(server.moderator, "rename", topic="groceries", name_en="Food Prices")
    assert handle.deferred and handle.ephemeral and "Food Prices" in handle.response_text
    assert server.double.faults.triggered  # the edit really was slower than the deadline


async def test_prompt_answers_although_posting_is_slow(slow_discord):
    server = slow_discord
    server.double.faults.delay("POST /channels/*/messages", 0.6)
    handle = await server.run(server.moderator, "prompt", topic="groceries")
    assert handle.deferred and handle.ephemeral and handle.response_text


async def test_a_refusal_after_deferring_still_reaches_the_member(slow_discord):
    server = slow_discord
    handle = await server.run(server.alice, "join", topic="underwater basket weaving")
    assert handle.deferred and handle.ephemeral and handle.response_text
