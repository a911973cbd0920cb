"""Welcome messages for newcomers: where and which roles, per server (cached, written through)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.storage import Database
from bot.storage.schema import metadata

welcome_settings = sa.Table(
    "welcome_settings",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("channel_id", sa.BigInteger, nullable=False),
    sa.Column("english_role_id", sa.BigInteger, nullable=True),
    sa.Column("chinese_role_id", sa.BigInteger, nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class WelcomeConfig:
    guild_id: int
    channel_id: int
    english_role_id: int | None = None
    chinese_role_id: int | None = None

    def role_for(self, locale: str) -> int | None:
        return self.english_role_id if locale == "en-US" else self.chinese_role_id


class WelcomeStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._configs: dict[int, WelcomeConfig | None] = {}

    async def config(self, guild_id: int) -> WelcomeConfig | None:
        if guild_id not in self._configs:
            async with self._db.connect() as connection:
                row = (await connection.execute(
                    sa.select(welcome_settings).where(welcome_settings.c.guild_id == guild_id)
                )).first()
            self._configs[guild_id] = (
                WelcomeConfig(row.guild_id, row.channel_id, row.english_role_id, row.chinese_role_id) if row else None
            )
        return self._configs[guild_id]

    async def set_up(self, config: WelcomeConfig) -> None:
        values = {
            "guild_id": config.guild_id, "channel_id": config.channel_id, "english_role_id": config.english_role_id,
            "chinese_role_id": config.chinese_role_id, "updated_at": datetime.now(UTC),
        }
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(welcome_settings, values, ["guild_id"]))
        self._configs[config.guild_id] = config

    async def disable(self, guild_id: int) -> bool:
        async with self._db.begin() as connection:
            removed = (await connection.execute(
                sa.delete(welcome_settings).where(welcome_settings.c.guild_id == guild_id)
            )).rowcount
        self._configs[guild_id] = None
        return bool(removed)
