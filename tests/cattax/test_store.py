"""The cat-tax settings cache and the payment ledger, on SQLite and PostgreSQL."""

import asyncio
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.cattax.rules import TextOnlyAction
from bot.cattax.store import CatTaxStore, Payment

GUILD = 1001
CHANNEL = 2002
NOW = datetime(2025, 1, 20, 12, 0, tzinfo=UTC)


def payment(message_id: int, author_id: int, *, name: str = "Ana", days_ago: float = 0, guild: int = GUILD) -> Payment:
    return Payment(
        message_id=message_id, guild_id=guild, channel_id=CHANNEL, author_id=author_id, author_name=name,
        attachment_urls=(f"https://cdn.example/{message_id}.jpg",), created_at=NOW - timedelta(days=days_ago),
    )


async def test_a_server_without_setup_has_no_config(database) -> None:
    assert await CatTaxStore(database).config(GUILD) is None


async def test_setup_is_stored_and_survives_a_restart(database) -> None:
    await CatTaxStore(database).set_up(GUILD, CHANNEL, role_id=77, emoji="🐶")
    config = await CatTaxStore(database).config(GUILD)
    assert (config.channel_id, config.role_id, config.emoji) == (CHANNEL, 77, "🐶")
    assert config.text_only_action is TextOnlyAction.NUDGE and config.archive_after_minutes == 1440


async def test_options_are_written_through_to_the_cache_and_kept_by_a_new_setup(database) -> None:
    store = CatTaxStore(database)
    await store.config(GUILD)  # caches "not set up"
    assert await store.update_options(GUILD, thank_in_channel=True) is None
    await store.set_up(GUILD, CHANNEL, role_id=None, emoji="🐱")
    await store.update_options(GUILD, archive_after_minutes=60, text_only_action=TextOnlyAction.REMOVE)
    await store.set_up(GUILD, CHANNEL + 1, role_id=5, emoji="🐱")
    for reader in (store, CatTaxStore(database)):
        config = await reader.config(GUILD)
        assert (config.channel_id, config.archive_after_minutes, config.text_only_action) == (
            CHANNEL + 1, 60, TextOnlyAction.REMOVE,
        )


async def test_whether_a_channel_may_be_the_cat_tax_channel_is_told_from_memory_once_read(database) -> None:
    store = CatTaxStore(database)
    assert store.may_be_cat_tax_channel(GUILD, 9, None)  # nothing read yet: the listener must look
    await store.config(GUILD)
    assert not store.may_be_cat_tax_channel(GUILD, 9, None)  # read: no cat tax in this server
    await store.set_up(GUILD, CHANNEL, role_id=None, emoji="🐱")
    assert store.may_be_cat_tax_channel(GUILD, CHANNEL, None)
    assert store.may_be_cat_tax_channel(GUILD, 3003, CHANNEL)  # a thread under it
    assert not store.may_be_cat_tax_channel(GUILD, 3003, 4004)
    await store.disable(GUILD)
    assert not store.may_be_cat_tax_channel(GUILD, CHANNEL, None)


async def test_disable_forgets_the_channel(database) -> None:
    store = CatTaxStore(database)
    await store.set_up(GUILD, CHANNEL, role_id=None, emoji="🐱")
    assert await store.disable(GUILD)
    assert await store.config(GUILD) is None and await CatTaxStore(database).config(GUILD) is None
    assert not await store.disable(GUILD)


async def test_leaderboard_counts_payments_this_week_and_all_time(database) -> None:
    store = CatTaxStore(database)
    for message_id, author, days_ago in [(1, 10, 30), (2, 10, 20), (3, 10, 1), (4, 20, 2), (5, 20, 0), (6, 30, 3)]:
        await store.record_payment(payment(message_id, author, name=f"user{author}", days_ago=days_ago))
    await store.record_payment(payment(99, 10, guild=GUILD + 1))
    all_time = await store.leaderboard(GUILD)
    week = await store.leaderboard(GUILD, since=NOW - timedelta(days=7))
    assert [(entry.author_id, entry.payments) for entry in all_time] == [(10, 3), (20, 2), (30, 1)]
    # ties: whoever paid first in the period (user 30, three days ago) ranks higher
    assert [(entry.author_id, entry.payments) for entry in week] == [(20, 2), (30, 1), (10, 1)]
    assert all_time[0].author_name == "user10"


async def test_the_leaderboard_shows_the_latest_name(database) -> None:
    store = CatTaxStore(database)
    await store.record_payment(payment(1, 10, name="Ana", days_ago=2))
    await store.record_payment(payment(2, 10, name="Ana 🐱", days_ago=1))
    assert [entry.author_name for entry in await store.leaderboard(GUILD)] == ["Ana 🐱"]


async def test_a_deleted_post_no_longer_counts(database) -> None:
    store = CatTaxStore(database)
    await store.record_payment(payment(1, 10))
    await store.record_payment(payment(2, 10))
    assert await store.remove_payments([1, 12345]) == 1
    assert await store.payment_count(GUILD) == 1
    assert await store.remove_payments([]) == 0


async def test_recording_the_same_post_twice_counts_once(database) -> None:
    store = CatTaxStore(database)
    await store.record_payment(payment(1, 10))
    await store.record_payment(payment(1, 10))
    assert await store.payment_count(GUILD) == 1


async def test_a_random_payment_comes_back_whole(database) -> None:
    store = CatTaxStore(database)
    assert await store.random_payment(GUILD) is None
    for message_id in (5, 6, 7):
        await store.record_payment(payment(message_id, 10))
    picked = await store.random_payment(GUILD, choose=lambda count: count - 1)
    assert picked == payment(7, 10)


async def test_the_role_grant_is_claimed_once(database) -> None:
    store = CatTaxStore(database)
    assert await store.claim_role_grant(GUILD, 10, 77)
    assert not await store.claim_role_grant(GUILD, 10, 77)
    assert await store.claim_role_grant(GUILD, 10, 78)  # a new role chosen later is granted once too
    await store.release_role_grant(GUILD, 10, 77)
    assert await store.claim_role_grant(GUILD, 10, 77)


async def test_a_burst_of_messages_after_a_restart_reads_the_settings_once(database) -> None:
    await CatTaxStore(database).set_up(GUILD, CHANNEL, role_id=None, emoji="🐱")
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "FROM cattax_channels" in statement:
            statements.append(statement)

    sa.event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        restarted = CatTaxStore(database)
        configs = await asyncio.gather(*(restarted.config(GUILD) for _ in range(40)))
    finally:
        sa.event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    assert {config.channel_id for config in configs} == {CHANNEL}
    assert len(statements) == 1


async def test_settings_changed_while_they_were_being_read_are_not_overwritten_by_the_read(database) -> None:
    await CatTaxStore(database).set_up(GUILD, CHANNEL, role_id=None, emoji="🐱")
    store = CatTaxStore(database)
    read_done, answer = asyncio.Event(), asyncio.Event()
    real_read = store._load_config

    async def slow_read(guild_id: int):
        loaded = await real_read(guild_id)  # the settings as they were...
        read_done.set()
        await answer.wait()  # ...come back only after the moderator's change
        return loaded

    store._load_config = slow_read
    reading = asyncio.create_task(store.config(GUILD))
    await read_done.wait()
    assert await store.disable(GUILD)
    answer.set()
    assert (await reading).channel_id == CHANNEL  # the caller that asked before the change gets what was read
    assert await store.config(GUILD) is None
