import sqlalchemy as sa

VERSION = 5


def upgrade(op) -> None:
    op.create_table(
        "cattax_channels",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("role_id", sa.BigInteger, nullable=True),
        sa.Column("emoji", sa.String(80), nullable=False),
        sa.Column("archive_after_minutes", sa.Integer, nullable=False),
        sa.Column("thank_in_channel", sa.Boolean, nullable=False),
        sa.Column("text_only_action", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "cattax_payments",
        sa.Column("message_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("author_id", sa.BigInteger, nullable=False),
        sa.Column("author_name", sa.String(100), nullable=False),
        sa.Column("thread_id", sa.BigInteger, nullable=True),
        sa.Column("attachment_urls", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cattax_payments_guild_created", "cattax_payments", ["guild_id", "created_at"])
    op.create_table(
        "cattax_role_grants",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("role_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )
