"""Bridges and the original↔copy map on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from bot.bridge.models import CopyRecord
from bot.bridge.remember.store import BridgeStore
from bot.storage import Database

GUILD = 42


def record(original: int, copy: int, channel: int, part: int = 0) -> CopyRecord:
    return CopyRecord(original, 10, GUILD, 5, copy, channel, 900, part, "zh-Hans", "h", False)


async def test_bridges_survive_a_new_store_on_the_same_database(database: Database) -> None:
    store = BridgeStore(database)
    bridge = await store.create_bridge(GUILD, "linked", [{"channel_id": 10, "language": "en"}, {"channel_id": 20, "language": "zh"}])
    await store.add_channel(bridge.id, 30, "zh", script="traditional")
    await store.update_channel(10, show_label=False)

    fresh = BridgeStore(database)
    loaded = await fresh.bridge_of(30)
    assert [(c.channel_id, c.language, c.script, c.show_label) for c in loaded.channels] == [
        (10, "en", "simplified", False), (20, "zh", "simplified", True), (30, "zh", "traditional", True),
    ]
    assert [b.id for b in await fresh.guild_bridges(GUILD)] == [bridge.id]


async def test_a_channel_of_another_server_is_found_only_from_its_own_server(database: Database) -> None:
    store = BridgeStore(database)
    bridge = await store.create_bridge(GUILD, "linked", [{"channel_id": 10, "language": "en"}])
    await store.add_channel(bridge.id, 20, "zh", guild_id=77)
    assert (await store.membership(20, 77))[1].guild_id == 77
    assert await store.membership(20, GUILD) is None
    assert await store.membership(10, 77) is None
    assert await store.membership(99, GUILD) is None
    assert (await BridgeStore(database).membership(20, 77))[0].id == bridge.id


async def test_refiling_moves_only_channels_filed_under_the_wrong_server(database: Database) -> None:
    store = BridgeStore(database)
    await store.create_bridge(GUILD, "linked", [{"channel_id": 10, "language": "en"}, {"channel_id": 20, "language": "zh"}])
    assert await store.refile({10: GUILD, 20: 77, 30: 5}) == 1
    assert await store.refile({10: GUILD, 20: 77}) == 0
    fresh = BridgeStore(database)
    assert [(c.channel_id, c.guild_id) for c in (await fresh.bridge_of(10)).channels] == [(10, GUILD), (20, 77)]


async def test_removing_a_channel_keeps_a_bridge_of_two_and_deletes_a_bridge_of_one(database: Database) -> None:
    store = BridgeStore(database)
    bridge = await store.create_bridge(GUILD, "linked", [{"channel_id": c, "language": l} for c, l in ((1, "en"), (2, "zh"), (3, "zh"))])
    await store.remove_channel(3)
    assert (await store.bridge_of(1)).id == bridge.id
    await store.remove_channel(2)
    assert await store.bridge_of(1) is None
    assert await BridgeStore(database).guild_bridges(GUILD) == []


async def test_copy_map_records_finds_replaces_and_forgets(database: Database) -> None:
    store = BridgeStore(database)
    await store.record_copies([record(1, 101, 20), record(1, 102, 20, part=1), record(1, 103, 30)])
    assert [r.copy_message_id for r in await store.copies_of(1)] == [101, 102, 103]
    assert (await store.copy(103)).original_message_id == 1

    await store.replace_copies(1, 20, [record(1, 101, 20)])
    assert [r.copy_message_id for r in await store.copies_of(1)] == [101, 103]
    await store.forget_copies([103])
    await store.forget_originals([1])
    assert await store.copies_of(1) == []


async def test_prune_drops_only_old_rows(database: Database) -> None:
    store = BridgeStore(database)
    await store.record_copies([record(1, 101, 20)])
    assert await store.prune(30) == 0
    assert await store.prune(30, now=datetime.now(UTC) + timedelta(days=31)) == 1
    assert await store.copies_of(1) == []


async def test_a_large_copy_map_flush_and_other_writers_share_the_database_without_lock_errors(database: Database) -> None:
    import asyncio

    from bot.bridge.catch_up import HighWaterMarks

    store = BridgeStore(database)
    marks = HighWaterMarks(database)
    await store.record_copies([record(n, 100_000 + n, 20) for n in range(1, 3001)])

    async def other_writer(channel: int) -> None:
        marks.advance(channel, 1)
        await marks.flush()

    await asyncio.gather(store.flush(), *(other_writer(channel) for channel in range(1, 21)))
    assert len(await store.copies_of_many(list(range(1, 3001)))) == 3000
    await marks.load()
    assert marks.get(20) == 1


async def test_a_bridge_another_process_just_created_is_found_for_its_invite(database: Database) -> None:
    # Two processes share the database; the accepting one loaded its bridges before the inviting one
    # created the invite's bridge, and has not heard of it yet.
    accepting, inviting = BridgeStore(database), BridgeStore(database)
    assert await accepting.bridge_of(10) is None
    bridge = await inviting.create_bridge(GUILD, "linked", [{"channel_id": 10, "language": "en"}])
    assert await accepting.bridge_of(10) is None  # memory only: not known here yet

    found = await accepting.invited_bridge(bridge.id)
    assert found is not None and found.channel(10) is not None
    await accepting.add_channel(bridge.id, 20, "zh", guild_id=77)
    assert [c.channel_id for c in (await BridgeStore(database).bridge_of(20)).channels] == [10, 20]
    assert await accepting.invited_bridge(bridge.id + 1) is None
