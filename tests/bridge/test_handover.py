"""The hand-over between processes on the real Redis: routing, order, once-only new copies, acknowledgement,
pending entries read again after a restart, a dead consumer's entries claimed, changes announced."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as redis

from bot.bridge.handover import Entry, Handover, SharedChanges, handover_for, original_from_dict, original_to_dict
from bot.bridge.models import Attachment, OriginalMessage, RepliedMessage, Sticker
from bot.settings import Settings
from tests.bot_process import VALID_TOKEN

DEADLINE = 20.0


def guild_on(shard: int, count: int) -> int:
    return ((1_700_000_000_000 // count) * count + shard) << 22


@pytest.fixture
async def client(redis_target):
    connection = redis.Redis.from_url(redis_target.url)
    try:
        yield connection
    finally:
        await connection.aclose()


class Received:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    async def __call__(self, entry: Entry) -> None:
        self.entries.append(entry)

    async def wait(self, count: int) -> list[Entry]:
        async def enough() -> None:
            while len(self.entries) < count:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(enough(), DEADLINE)
        return self.entries


def handover(client, redis_target, shard_ids, **options) -> Handover:
    return Handover(client, prefix=redis_target.prefix, shard_count=2, shard_ids=shard_ids, **options)


async def test_entries_reach_the_owning_shard_in_order_and_a_new_copy_only_once(client, redis_target) -> None:
    sender, owner = handover(client, redis_target, [0]), handover(client, redis_target, [1])
    received = Received()
    sent: list[int] = []
    sender.start_sending()
    await owner.start_reading(received)
    try:
        for n in range(50):
            sender.send("new", guild_on(1, 2), {"n": n}, once=f"{n}:99", on_sent=lambda n=n: sent.append(n))
        sender.send("new", guild_on(1, 2), {"n": 7}, once="7:99", on_sent=lambda: sent.append(-1))  # a catch-up again
        sender.send("edit", guild_on(1, 2), {"n": 50})
        entries = await received.wait(51)
        assert await sender.wait_sent(DEADLINE)
    finally:
        await sender.close()
        await owner.close()
    assert [entry.data["n"] for entry in entries] == list(range(51))
    assert [entry.kind for entry in entries] == ["new"] * 50 + ["edit"]
    assert sent == [*range(50), -1]  # told when written, or found written already
    assert sender.counters.sent == 51 and sender.counters.sent_already == 1
    assert not any(entry.redelivered for entry in entries)
    assert sender.owns(guild_on(0, 2)) and not sender.owns(guild_on(1, 2))


async def test_unacknowledged_entries_are_read_again_after_a_restart_and_acknowledged_ones_are_not(client, redis_target) -> None:
    sender = handover(client, redis_target, [0])
    sender.start_sending()
    for n in range(6):
        sender.send("new", guild_on(1, 2), {"n": n})
    assert await sender.wait_sent(DEADLINE)
    first = handover(client, redis_target, [1])
    received = Received()
    await first.start_reading(received)
    entries = await received.wait(6)
    for entry in entries[:3]:
        await first.ack(entry)
    await first.close()  # as if killed: the other three stay pending
    again = handover(client, redis_target, [1])
    after_restart = Received()
    await again.start_reading(after_restart)
    try:
        sender.send("new", guild_on(1, 2), {"n": 6})
        entries = await after_restart.wait(4)
    finally:
        await again.close()
        await sender.close()
    assert [(entry.data["n"], entry.redelivered) for entry in entries] == [(3, True), (4, True), (5, True), (6, False)]
    pending = await client.xpending(sender.stream(1), "relay")
    assert pending["pending"] == 4


async def test_a_dead_consumers_pending_entries_are_claimed_after_they_idle(client, redis_target) -> None:
    sender = handover(client, redis_target, [0])
    sender.start_sending()
    for n in range(3):
        sender.send("new", guild_on(1, 2), {"n": n})
    assert await sender.wait_sent(DEADLINE)
    stream = sender.stream(1)
    await client.xgroup_create(stream, "relay", id="0", mkstream=True)
    # Another process (a consumer by another name) read them and died.
    read = await client.xreadgroup("relay", "gone-process", {stream: ">"}, count=10)
    assert len(read[0][1]) == 3
    survivor = handover(client, redis_target, [1], claim_idle_seconds=0.2, claim_every_seconds=0.1, block_milliseconds=100)
    received = Received()
    await survivor.start_reading(received)
    try:
        entries = await received.wait(3)
        for entry in entries:
            await survivor.ack(entry)
        rounds = survivor.counters.claim_rounds
        await asyncio.wait_for(_until(lambda: survivor.counters.claim_rounds >= rounds + 3), DEADLINE)  # nothing twice
    finally:
        await survivor.close()
        await sender.close()
    assert [(entry.data["n"], entry.redelivered) for entry in received.entries] == [(0, True), (1, True), (2, True)]
    assert survivor.counters.claimed == 3
    assert (await client.xpending(stream, "relay"))["pending"] == 0


async def test_entries_being_worked_on_are_not_claimed_by_their_own_process(client, redis_target) -> None:
    sender = handover(client, redis_target, [0])
    sender.start_sending()
    sender.send("new", guild_on(1, 2), {"n": 0})
    assert await sender.wait_sent(DEADLINE)
    owner = handover(client, redis_target, [1], claim_idle_seconds=0.05, claim_every_seconds=0.05, block_milliseconds=50)
    received = Received()
    await owner.start_reading(received)
    try:
        [entry] = await received.wait(1)
        # Idle past the claim time while being worked on (not acknowledged), through several claim rounds.
        rounds = owner.counters.claim_rounds
        await asyncio.wait_for(_until(lambda: owner.counters.claim_rounds >= rounds + 5), DEADLINE)
        [pending] = await client.xpending_range(sender.stream(1), "relay", "-", "+", 10)
        assert pending["times_delivered"] > 1  # claimed again meanwhile, yet not handed out twice
    finally:
        await owner.close()
        await sender.close()
    assert len(received.entries) == 1


async def test_a_write_waits_for_redis_and_keeps_the_order(redis_target) -> None:
    """Redis unreachable for a while: entries are kept, in order, and written once it answers."""
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    sender = Handover(down, prefix=redis_target.prefix, shard_count=2, shard_ids=[0])
    sender.start_sending()
    for n in range(3):
        sender.send("new", guild_on(1, 2), {"n": n})
    assert not await sender.wait_sent(1.0)
    assert sender.unsent == 3
    await sender.close(timeout=0.1)
    await down.aclose()


async def test_changes_are_announced_to_every_process(client, redis_target) -> None:
    reloaded: list[str] = []

    async def reload_bridges() -> None:
        reloaded.append("bridges")

    listening = SharedChanges(client, prefix=redis_target.prefix)
    listening.on("bridges", reload_bridges)
    await listening.start()

    class Store:
        async def add_channel(self, channel_id: int) -> int:
            return channel_id

    store = Store()
    announcing = SharedChanges(client, prefix=redis_target.prefix)
    announcing.watch(store, ["add_channel"], "bridges")
    try:
        assert await store.add_channel(5) == 5
        await asyncio.wait_for(_until(lambda: reloaded), DEADLINE)
    finally:
        await announcing.close()
        await listening.close()
    assert reloaded == ["bridges"]


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.02)


def test_a_handover_only_for_a_part_of_the_shards_with_redis() -> None:
    base = {"DISCORD_TOKEN": VALID_TOKEN, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    client = object.__new__(redis.Redis)
    client.register_script = lambda script: None
    assert handover_for(Settings.from_env(base), client) is None
    assert handover_for(Settings.from_env({**base, "SHARD_COUNT": "2", "SHARD_IDS": "0-1"}), client) is None
    part = handover_for(Settings.from_env({**base, "SHARD_COUNT": "3", "SHARD_IDS": "0,2", "REDIS_KEY_PREFIX": "bot2:"}), client)
    assert part is not None and part.shard_ids == (0, 2) and part.shard_count == 3
    assert part.stream(1) == "bot2:relay:shard:1"
    assert handover_for(Settings.from_env({**base, "SHARD_COUNT": "3", "SHARD_IDS": "1"}), None) is None


def test_an_original_travels_whole() -> None:
    original = OriginalMessage(
        1, 2, 3, 4, "Ann", "https://cdn/a.png", "hello", attachments=(Attachment("https://cdn/x.png", "x.png", True),),
        stickers=(Sticker(9, "wave", None),), reply_to=RepliedMessage(5, 2, "Bo", "hi", 77), reply_to_id=5, forwarded=True,
    )
    import json

    assert original_from_dict(json.loads(json.dumps(original_to_dict(original)))) == original
