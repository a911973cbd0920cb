"""Forgetting a person: every table that holds people's ids, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

import bot.flags  # noqa: F401  (every feature's tables on the metadata)
import bot.welcome  # noqa: F401
from bot.bridge.remember.feature_tables import bridge_coalesced_lines, bridge_invites, bridge_optouts
from bot.bridge.remember.bridge_tables import relayed_messages
from bot.cattax.tables import cattax_payments, cattax_role_grants
from bot.forget import PERSONAL_DATA, forget_person
from bot.guidance.tables import guidance_custom_entries, guidance_import_batches, guidance_mutes, guidance_notices, guidance_user_locales
from bot.personal_language import personal_languages
from bot.storage import Database, metadata
from bot.topics.tables import topic_prompts, topics

ME, OTHER, HERE, THERE = 11, 22, 100, 200
NOW = datetime(2026, 12, 1, tzinfo=UTC)
PEOPLE_COLUMNS = {"user_id", "author_id", "created_by", "imported_by", "added_by", "member_id", "owner_id"}


def test_every_column_holding_people_is_forgotten() -> None:
    listed = {(item.table.name, item.column) for item in PERSONAL_DATA}
    holding_people = {(table.name, column.name) for table in metadata.tables.values()
                      for column in table.columns if column.name in PEOPLE_COLUMNS}
    assert holding_people - listed == set()


async def _fill(connection, person: int, guild: int, offset: int) -> None:
    await connection.execute(sa.insert(relayed_messages).values(
        copy_message_id=offset + 1, copy_channel_id=5, webhook_id=6, original_message_id=offset + 2, original_channel_id=7,
        guild_id=guild, author_id=person, part=0, target_language="en", source_hash="h", needs_translation=False, created_at=NOW))
    await connection.execute(sa.insert(bridge_coalesced_lines).values(
        original_message_id=offset + 2, copy_channel_id=5, copy_message_id=offset + 3, webhook_id=6, position=0,
        author_name="x", text="hello", footer="", created_at=NOW))
    await connection.execute(sa.insert(cattax_payments).values(
        message_id=offset + 4, guild_id=guild, channel_id=8, author_id=person, author_name="x", attachment_urls=[], created_at=NOW))
    await connection.execute(sa.insert(cattax_role_grants).values(guild_id=guild, user_id=person, role_id=9, granted_at=NOW))
    await connection.execute(sa.insert(guidance_mutes).values(guild_id=guild, user_id=person, muted_at=NOW))
    await connection.execute(sa.insert(guidance_notices).values(guild_id=guild, user_id=person, entry_key="k", notified_at=NOW))
    await connection.execute(sa.insert(bridge_invites).values(
        code_hash=f"h{offset}", bridge_id=1, guild_id=guild, channel_id=5, created_by=person, created_at=NOW, expires_at=NOW))
    await connection.execute(sa.insert(guidance_import_batches).values(
        guild_id=guild, filename="f.txt", imported_by=person, term_count=1, created_at=NOW))
    await connection.execute(sa.insert(guidance_custom_entries).values(
        guild_id=guild, term=f"t{offset}", display_term="t", explanation_en="e", explanation_zh="e", added_by=person,
        created_at=NOW))


async def _fill_everyone(database: Database) -> None:
    async with database.begin() as connection:
        for user in (ME, OTHER):
            await connection.execute(sa.insert(personal_languages).values(user_id=user, locale="zh-TW", updated_at=NOW))
            await connection.execute(sa.insert(bridge_optouts).values(user_id=user, created_at=NOW))
            await connection.execute(sa.insert(guidance_user_locales).values(user_id=user, locale="zh-CN", seen_at=NOW))
        for number, (user, guild) in enumerate(((ME, HERE), (ME, THERE), (OTHER, HERE))):
            await _fill(connection, user, guild, number * 100)
        topic_id = (await connection.execute(sa.insert(topics).values(
            guild_id=HERE, slug="pets", name_en="Pets", name_zh_hans="宠物", name_zh_hant="寵物", emoji="🐶",
            description_en="", description_zh_hans="", description_zh_hant="", created_at=NOW,
        ).returning(topics.c.id))).scalar_one()
        await connection.execute(sa.insert(topic_prompts).values(
            topic_id=topic_id, en="Cats?", zh_hans="猫？", zh_hant="貓？", added_by=ME, created_at=NOW))


async def _count(database: Database, table: sa.Table, column: str, value: int) -> int:
    async with database.connect() as connection:
        return (await connection.execute(sa.select(sa.func.count()).select_from(table).where(table.c[column] == value))).scalar_one()


async def test_forget_me_removes_the_person_everywhere_and_nobody_else(database: Database) -> None:
    await _fill_everyone(database)
    removed = await forget_person(database, ME)
    assert removed == {"language": 1, "optout": 1, "client_locale": 1, "guidance_mutes": 2, "guidance_notes": 2,
                       "cattax_payments": 2, "cattax_roles": 2, "message_map": 4, "invites": 2, "imports": 2, "guidance_entries": 2, "prompts": 1}
    for item in PERSONAL_DATA:
        assert await _count(database, item.table, item.column, ME) == 0, item.name
        if item.action == "delete" and item.table is not topic_prompts:
            assert await _count(database, item.table, item.column, OTHER) >= 1, item.name
    async with database.connect() as connection:
        lines = (await connection.execute(sa.select(bridge_coalesced_lines.c.original_message_id))).scalars().all()
        prompts = (await connection.execute(sa.select(topic_prompts.c.en))).scalars().all()
    assert lines == [202] and prompts == ["Cats?"]  # the other person's line; the prompt stays, nameless
    assert await forget_person(database, ME) == {}


async def test_a_moderator_forgets_only_what_their_server_holds(database: Database) -> None:
    await _fill_everyone(database)
    removed = await forget_person(database, ME, guild_id=HERE)
    assert removed == {"guidance_mutes": 1, "guidance_notes": 1, "cattax_payments": 1, "cattax_roles": 1,
                       "message_map": 2, "invites": 1, "imports": 1, "guidance_entries": 1}
    assert await _count(database, personal_languages, "user_id", ME) == 1
    assert await _count(database, cattax_payments, "author_id", ME) == 1  # the other server's record stays
