"""The bridge's tables on the shared metadata (history lives in migration m0003_bridge)."""

import sqlalchemy as sa

from bot.storage.schema import metadata

bridges = sa.Table(
    "bridges",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

bridge_channels = sa.Table(
    "bridge_channels",
    metadata,
    sa.Column("channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("bridge_id", sa.Integer, sa.ForeignKey("bridges.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("script", sa.String(16), nullable=False),
    sa.Column("show_label", sa.Boolean, nullable=False),
    sa.Column("parent_id", sa.BigInteger, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

relayed_messages = sa.Table(
    "relayed_messages",
    metadata,
    sa.Column("copy_message_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("copy_channel_id", sa.BigInteger, nullable=False),
    sa.Column("webhook_id", sa.BigInteger, nullable=False),
    sa.Column("original_message_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("original_channel_id", sa.BigInteger, nullable=False),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("author_id", sa.BigInteger, nullable=False),
    sa.Column("part", sa.Integer, nullable=False),
    sa.Column("target_language", sa.String(8), nullable=True),
    sa.Column("source_hash", sa.String(64), nullable=False),
    sa.Column("needs_translation", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)
