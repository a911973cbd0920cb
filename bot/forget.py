"""What Qiao stores about a person, and forgetting it (`/qiao forget-me`, `/qiao forget-member`).

Each place a person's id is kept is listed once in PERSONAL_DATA; a new table that stores people
adds its line here (tests/test_forget.py fails for a column holding people's ids not listed).
Rows about the person are deleted; rows that are the server's own content and only name who added
them (an imported list, a prompt) keep the content and lose the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_coalesced_lines, bridge_invites, bridge_optouts
from bot.bridge.remember.bridge_tables import relayed_messages
from bot.cattax.tables import cattax_payments, cattax_role_grants
from bot.guidance.tables import guidance_custom_entries, guidance_import_batches, guidance_mutes, guidance_notices, guidance_user_locales
from bot.personal_language import personal_languages
from bot.storage import Database
from bot.topics.tables import topic_prompts

# custom_id prefix of the forget confirmation's buttons, and the commands that ask to forget: what a
# person does to be forgotten must not be remembered (e.g. their client's locale) on the way.
FORGET_PREFIX = "qiao:forget:"
FORGET_COMMANDS = ("qiao forget-me", "qiao forget-member")


def is_forget_request(custom_id: str | None, command_name: str | None) -> bool:
    return (custom_id or "").startswith(FORGET_PREFIX) or command_name in FORGET_COMMANDS


@dataclass(frozen=True)
class PersonalData:
    name: str  # what the person is told: the catalogue key forget.item.<name>
    table: sa.Table
    column: str
    guild_column: str | None  # None: not per server, removed only when the person asks
    action: Literal["delete", "anonymise"] = "delete"


PERSONAL_DATA: tuple[PersonalData, ...] = (
    PersonalData("language", personal_languages, "user_id", None),
    PersonalData("optout", bridge_optouts, "user_id", None),
    PersonalData("client_locale", guidance_user_locales, "user_id", None),
    PersonalData("guidance_mutes", guidance_mutes, "user_id", "guild_id"),
    PersonalData("guidance_notes", guidance_notices, "user_id", "guild_id"),
    PersonalData("cattax_payments", cattax_payments, "author_id", "guild_id"),
    PersonalData("cattax_roles", cattax_role_grants, "user_id", "guild_id"),
    PersonalData("message_map", relayed_messages, "author_id", "guild_id"),
    PersonalData("invites", bridge_invites, "created_by", "guild_id"),
    PersonalData("imports", guidance_import_batches, "imported_by", "guild_id", "anonymise"),
    PersonalData("guidance_entries", guidance_custom_entries, "added_by", "guild_id", "anonymise"),
    PersonalData("prompts", topic_prompts, "added_by", None, "anonymise"),
)


async def forget_person(db: Database, user_id: int, *, guild_id: int | None = None) -> dict[str, int]:
    """Delete (or anonymise) what Qiao stores about `user_id`, everywhere or only what server
    `guild_id` holds; returns the rows removed per PERSONAL_DATA name (only names with rows)."""
    removed: dict[str, int] = {}
    async with db.begin() as connection:
        # Lines of combined posts hold the person's words too; they are found through the map.
        originals = sa.select(relayed_messages.c.original_message_id).where(relayed_messages.c.author_id == user_id)
        if guild_id is not None:
            originals = originals.where(relayed_messages.c.guild_id == guild_id)
        lines = (await connection.execute(
            sa.delete(bridge_coalesced_lines).where(bridge_coalesced_lines.c.original_message_id.in_(originals))
        )).rowcount
        if lines:
            removed["message_map"] = lines
        for item in PERSONAL_DATA:
            if guild_id is not None and item.guild_column is None:
                continue
            column = item.table.c[item.column]
            condition = column == user_id
            if guild_id is not None:
                condition = sa.and_(condition, item.table.c[item.guild_column] == guild_id)
            if item.action == "delete":
                statement = sa.delete(item.table).where(condition)
            else:
                statement = sa.update(item.table).where(condition).values({item.column: None})
            count = (await connection.execute(statement)).rowcount
            if count:
                removed[item.name] = removed.get(item.name, 0) + count
    return removed
