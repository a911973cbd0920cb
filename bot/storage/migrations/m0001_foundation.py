import sqlalchemy as sa

VERSION = 1


def upgrade(op) -> None:
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("log_channel_id", sa.BigInteger, nullable=True),
        sa.Column("locale", sa.String(16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "guild_modules",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("module", sa.String(32), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
    )
