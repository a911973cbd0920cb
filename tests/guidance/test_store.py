"""GuidanceStore on SQLite and PostgreSQL: versions, batches, mutes and the notice cooldown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.guidance.catalogue import CatalogueError
from bot.guidance.store import DEFAULT_MODE, GuidanceStore
from bot.storage import Database

GUILD = 1001
OTHER_GUILD = 2002


async def test_a_new_server_speaks_up_by_dm_with_the_shipped_catalogue(database: Database) -> None:
    state = await GuidanceStore(database).guild(GUILD)
    assert state.mode == DEFAULT_MODE == "dm"
    assert state.config.is_default and state.config.version == 0


async def test_every_configuration_write_bumps_the_version(database: Database) -> None:
    store = GuidanceStore(database)
    versions = [(await store.guild(GUILD)).config.version]
    await store.set_mode(GUILD, "reply")
    versions.append((await store.guild(GUILD)).config.version)
    await store.set_category_enabled(GUILD, "covid", False)
    versions.append((await store.guild(GUILD)).config.version)
    await store.add_custom_entry(GUILD, "草泥马", explanation_en="A pun.", explanation_zh="谐音。")
    versions.append((await store.guild(GUILD)).config.version)
    await store.import_terms(GUILD, ["自由门 + 翻墙"], filename="list.txt")
    versions.append((await store.guild(GUILD)).config.version)
    await store.remove_term(GUILD, "草泥马")
    versions.append((await store.guild(GUILD)).config.version)
    assert versions == sorted(set(versions)) and len(versions) == 6
    state = await store.guild(GUILD)
    assert state.mode == "reply"
    assert state.config.disabled_categories == {"covid"}


async def test_custom_entry_is_validated_and_replaced_by_term(database: Database) -> None:
    store = GuidanceStore(database)
    with pytest.raises(CatalogueError):
        await store.add_custom_entry(GUILD, "习", explanation_en="x", explanation_zh="x")
    first = await store.add_custom_entry(GUILD, "Grass Mud Horse", explanation_en="old", explanation_zh="旧")
    second = await store.add_custom_entry(GUILD, "grass  mud horse", explanation_en="new", explanation_zh="新")
    assert first.id == second.id and second.explanation_en == "new"
    [entry] = (await store.guild(GUILD)).config.custom_entries
    assert entry.id == f"custom-{first.id}"


async def test_undo_removes_exactly_the_last_batch(database: Database) -> None:
    store = GuidanceStore(database)
    first = await store.import_terms(GUILD, ["term one", "term two"], filename="a.txt")
    second = await store.import_terms(GUILD, ["term two", "term three"], filename="b.txt")
    assert (first.term_count, second.term_count) == (2, 1)
    undone = await store.undo_import(GUILD)
    assert undone is not None and undone.id == second.id
    assert (await store.guild(GUILD)).config.imported_terms == ("term one", "term two")
    assert (await store.undo_import(GUILD)).id == first.id
    assert (await store.guild(GUILD)).config.imported_terms == ()
    assert await store.undo_import(GUILD) is None


async def test_imported_terms_stay_with_their_server(database: Database) -> None:
    store = GuidanceStore(database)
    await store.import_terms(GUILD, ["term one"], filename="a.txt")
    assert (await store.guild(OTHER_GUILD)).config.imported_terms == ()
    assert await store.undo_import(OTHER_GUILD) is None


async def test_mute_is_stored(database: Database) -> None:
    await GuidanceStore(database).set_muted(GUILD, 7, True)
    assert 7 in (await GuidanceStore(database).guild(GUILD)).muted_user_ids
    store = GuidanceStore(database)
    await store.set_muted(GUILD, 7, False)
    assert 7 not in (await store.guild(GUILD)).muted_user_ids


async def test_notice_is_claimed_once_per_person_and_entry_within_the_cooldown(database: Database) -> None:
    store = GuidanceStore(database)
    now = datetime.now(UTC)
    day = timedelta(hours=24)
    assert await store.claim_notice(GUILD, 7, "june-fourth", cooldown=day, now=now)
    assert not await store.claim_notice(GUILD, 7, "june-fourth", cooldown=day, now=now + timedelta(hours=1))
    assert await store.claim_notice(GUILD, 8, "june-fourth", cooldown=day, now=now)
    assert await store.claim_notice(GUILD, 7, "tank-man", cooldown=day, now=now)
    assert await store.claim_notice(GUILD, 7, "june-fourth", cooldown=day, now=now + timedelta(hours=25))
