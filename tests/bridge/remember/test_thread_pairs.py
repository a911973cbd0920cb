"""Thread pairs on SQLite and PostgreSQL, and the bridge the engine relays a paired thread through."""

from bot.bridge.remember.store import BridgeStore
from bot.bridge.remember.thread_pairs import PairedThread
from bot.storage import Database

GUILD = 42
EN, ZH, ZH_TW, MIXED = 10, 20, 30, 40


async def linked(store: BridgeStore) -> None:
    bridge = await store.create_bridge(GUILD, "linked", [
        {"channel_id": EN, "language": "en"}, {"channel_id": ZH, "language": "zh"},
    ])
    await store.add_channel(bridge.id, ZH_TW, "zh", script="traditional", show_label=False)


async def test_a_pairing_survives_a_new_store_on_the_same_database(database: Database) -> None:
    store = BridgeStore(database)
    await linked(store)
    await store.threads.pair(PairedThread(101, EN, GUILD, "Weekend plans"),
                             [PairedThread(102, ZH, GUILD, "周末计划"), PairedThread(103, ZH_TW, GUILD, "週末計劃")])

    fresh = BridgeStore(database)
    await fresh.load()
    bridge = fresh.bridge_of_cached(102)
    assert [(c.channel_id, c.language, c.script, c.show_label, c.parent_id, c.webhook_channel_id, c.thread_id)
            for c in bridge.channels] == [
        (101, "en", "simplified", True, EN, EN, 101),
        (102, "zh", "simplified", True, ZH, ZH, 102),
        (103, "zh", "traditional", False, ZH_TW, ZH_TW, 103),
    ]
    assert bridge.kind == "linked" and bridge.id == fresh.bridge_of_cached(EN).id
    pairing = fresh.threads.pairing_of(103)
    assert pairing.id == 101 and [t.name for t in pairing.threads] == ["Weekend plans", "周末计划", "週末計劃"]
    # a paired thread is relayed from, but it was never linked: commands find no bridge for it
    assert await fresh.bridge_of(102) is None and await fresh.membership(102, GUILD) is None
    assert {c.channel_id for c in fresh.all_channels()} == {EN, ZH, ZH_TW, 101, 102, 103}
    assert {c.channel_id for c in fresh.registered_channels()} == {EN, ZH, ZH_TW}


async def test_pairing_again_adds_only_new_threads(database: Database) -> None:
    store = BridgeStore(database)
    await linked(store)
    await store.threads.pair(PairedThread(101, EN, GUILD, "a"), [PairedThread(102, ZH, GUILD, "b")])
    again = await store.threads.pair(PairedThread(101, EN, GUILD, "a"),
                                     [PairedThread(102, ZH, GUILD, "b"), PairedThread(103, ZH_TW, GUILD, "c")])
    assert [t.thread_id for t in again.threads] == [101, 102, 103]
    fresh = BridgeStore(database)
    await fresh.load()
    assert [t.thread_id for t in fresh.threads.pairing_of(101).threads] == [101, 102, 103]


async def test_a_rename_is_remembered(database: Database) -> None:
    store = BridgeStore(database)
    await linked(store)
    await store.threads.pair(PairedThread(101, EN, GUILD, "old"), [PairedThread(102, ZH, GUILD, "旧")])
    await store.threads.renamed(102, "新")
    fresh = BridgeStore(database)
    await fresh.load()
    assert fresh.threads.pairing_of(101).thread(102).name == "新"


async def test_a_deleted_thread_leaves_its_pairing_and_the_bridge_is_untouched(database: Database) -> None:
    store = BridgeStore(database)
    await linked(store)
    await store.threads.pair(PairedThread(101, EN, GUILD, "a"),
                             [PairedThread(102, ZH, GUILD, "b"), PairedThread(103, ZH_TW, GUILD, "c")])
    assert await store.remove_channel(103) is None  # as the engine does for a destination gone
    assert [c.channel_id for c in store.bridge_of_cached(101).channels] == [101, 102]
    await store.remove_channel(102)
    assert store.bridge_of_cached(101) is None  # nothing left to relay into
    assert [c.channel_id for c in (await store.bridge_of(EN)).channels] == [EN, ZH, ZH_TW]
    fresh = BridgeStore(database)
    await fresh.load()
    assert [t.thread_id for t in fresh.threads.pairing_of(101).threads] == [101]


async def test_unlinking_a_channel_unpairs_its_threads(database: Database) -> None:
    store = BridgeStore(database)
    await linked(store)
    await store.threads.pair(PairedThread(101, EN, GUILD, "a"),
                             [PairedThread(102, ZH, GUILD, "b"), PairedThread(103, ZH_TW, GUILD, "c")])
    await store.remove_channel(ZH)
    assert not store.threads.is_paired(102)
    assert [c.channel_id for c in store.bridge_of_cached(103).channels] == [101, 103]


async def test_a_thread_of_a_mixed_channel_is_a_pairing_of_one(database: Database) -> None:
    store = BridgeStore(database)
    await store.create_bridge(GUILD, "mixed", [{"channel_id": MIXED, "language": "mixed", "script": "traditional"}])
    await store.threads.pair(PairedThread(401, MIXED, GUILD, "chat"))
    bridge = store.bridge_of_cached(401)
    assert bridge.kind == "mixed"
    assert [(c.channel_id, c.language, c.script, c.parent_id) for c in bridge.channels] == [(401, "mixed", "traditional", MIXED)]


async def test_threads_of_channels_in_different_bridges_are_not_relayed_into_each_other(database: Database) -> None:
    store = BridgeStore(database)
    await linked(store)
    await store.create_bridge(GUILD, "linked", [{"channel_id": 50, "language": "en"}, {"channel_id": 60, "language": "zh"}])
    await store.threads.pair(PairedThread(101, EN, GUILD, "a"), [PairedThread(106, 60, GUILD, "b")])
    assert store.bridge_of_cached(101) is None
