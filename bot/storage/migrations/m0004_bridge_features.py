import sqlalchemy as sa

VERSION = 4


def upgrade(op) -> None:
    op.create_table(
        "bridge_invites",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("bridge_id", sa.Integer, nullable=False),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_guild_id", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_bridge_invites_bridge_id", "bridge_invites", ["bridge_id"])
    op.create_table(
        "bridge_optouts",
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "bridge_glossary",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("term", sa.String(100), primary_key=True),
        sa.Column("translation", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "bridge_relay_days",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("relays", sa.Integer, nullable=False),
        sa.Column("posts", sa.Integer, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("lag_total_ms", sa.BigInteger, nullable=False),
        sa.Column("lag_max_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bridge_high_water",
        sa.Column("channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("message_id", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bridge_coalesced_lines",
        sa.Column("original_message_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("copy_channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("copy_message_id", sa.BigInteger, nullable=False),
        sa.Column("webhook_id", sa.BigInteger, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("author_name", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("footer", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bridge_coalesced_lines_copy_message_id", "bridge_coalesced_lines", ["copy_message_id"])
    op.create_index("ix_bridge_coalesced_lines_created_at", "bridge_coalesced_lines", ["created_at"])
