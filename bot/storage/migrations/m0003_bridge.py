import sqlalchemy as sa

VERSION = 3


def upgrade(op) -> None:
    op.create_table(
        "bridges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bridges_guild_id", "bridges", ["guild_id"])
    op.create_table(
        "bridge_channels",
        sa.Column("channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("bridge_id", sa.Integer, sa.ForeignKey("bridges.id", ondelete="CASCADE"), nullable=False),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("script", sa.String(16), nullable=False),
        sa.Column("show_label", sa.Boolean, nullable=False),
        sa.Column("parent_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bridge_channels_bridge_id", "bridge_channels", ["bridge_id"])
    op.create_index("ix_bridge_channels_guild_id", "bridge_channels", ["guild_id"])
    op.create_table(
        "relayed_messages",
        sa.Column("copy_message_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("copy_channel_id", sa.BigInteger, nullable=False),
        sa.Column("webhook_id", sa.BigInteger, nullable=False),
        sa.Column("original_message_id", sa.BigInteger, nullable=False),
        sa.Column("original_channel_id", sa.BigInteger, nullable=False),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("author_id", sa.BigInteger, nullable=False),
        sa.Column("part", sa.Integer, nullable=False),
        sa.Column("target_language", sa.String(8), nullable=True),
        sa.Column("source_hash", sa.String(64), nullable=False),
        sa.Column("needs_translation", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_relayed_messages_original_message_id", "relayed_messages", ["original_message_id"])
    op.create_index("ix_relayed_messages_created_at", "relayed_messages", ["created_at"])
