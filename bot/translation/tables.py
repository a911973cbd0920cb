"""Tables of the translation feature, declared on the shared metadata (migration m0002)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, String, Table, Text

from bot.storage.schema import metadata

translation_cache = Table(
    "translation_cache",
    metadata,
    Column("key", String(64), primary_key=True),  # bot.translation.cache.cache_key()
    Column("source", String(8), nullable=False),
    Column("target", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("provider", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_translation_cache_created_at", "created_at"),  # for pruning old entries
)

translation_usage = Table(
    "translation_usage",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),  # 0: no guild (DMs, doctor)
    Column("day", Date, primary_key=True),  # UTC
    Column("provider", String(32), primary_key=True),  # "cache" for answers served from the cache
    Column("characters", BigInteger, nullable=False, server_default="0"),
    Column("calls", Integer, nullable=False, server_default="0"),
    Column("cache_hits", Integer, nullable=False, server_default="0"),
    Column("failures", Integer, nullable=False, server_default="0"),
)
