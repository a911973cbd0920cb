"""Each person's own language (`/language`): the language of every private answer Qiao gives them.

A person either chose English, Simplified or Traditional Chinese, or follows Discord (the default,
nothing stored): then the locale their Discord client reports with each interaction decides, as
before. `reader_locale` is the one place that decides the language of a private answer to an
interaction: the tree's error replies and every cog use it. Choices are few and small: all are held
in memory and written through, so no answer waits on the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from bot.i18n import SUPPORTED_LOCALES, resolve_locale
from bot.storage import Database
from bot.storage.schema import metadata

personal_languages = sa.Table(
    "personal_languages",
    metadata,
    sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("locale", sa.String(16), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

FOLLOW_DISCORD = "discord"


class PersonalLanguages:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._chosen: dict[int, str] = {}

    async def load(self) -> None:
        async with self._db.connect() as connection:
            rows = await connection.execute(sa.select(personal_languages.c.user_id, personal_languages.c.locale))
            self._chosen = {row.user_id: row.locale for row in rows if row.locale in SUPPORTED_LOCALES}

    def chosen(self, user_id: int) -> str | None:
        """The language this person chose, or None when they follow Discord."""
        return self._chosen.get(user_id)

    def locale_for(self, user_id: int, client_locale: object) -> str:
        """The person's chosen language, else what their Discord client reports (`client_locale`)."""
        return self._chosen.get(user_id) or resolve_locale(client_locale)

    async def choose(self, user_id: int, locale: str) -> None:
        """`locale`: one of SUPPORTED_LOCALES, or FOLLOW_DISCORD to forget the choice."""
        if locale == FOLLOW_DISCORD:
            await self.forget(user_id)
            return
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        values = {"user_id": user_id, "locale": locale, "updated_at": datetime.now(UTC)}
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(personal_languages, values, ["user_id"]))
        self._chosen[user_id] = locale

    async def forget(self, user_id: int) -> bool:
        """Back to following Discord; True when a choice was stored."""
        async with self._db.begin() as connection:
            removed = (await connection.execute(
                sa.delete(personal_languages).where(personal_languages.c.user_id == user_id)
            )).rowcount
        self._chosen.pop(user_id, None)
        return bool(removed)


def reader_locale(interaction) -> str:
    """The language of a private answer to `interaction`: the person's `/language`, else their
    Discord client's locale. Every private reply (commands, menus, buttons, errors) asks here."""
    languages: PersonalLanguages | None = getattr(interaction.client, "personal_languages", None)
    if languages is None:
        return resolve_locale(interaction.locale)
    return languages.locale_for(interaction.user.id, interaction.locale)
