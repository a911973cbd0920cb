"""Welcome messages for newcomers (`/welcome setup`): the channel and the roles per language."""

import sqlalchemy as sa

VERSION = 14


def upgrade(op) -> None:
    op.create_table(
        "welcome_settings",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("english_role_id", sa.BigInteger, nullable=True),
        sa.Column("chinese_role_id", sa.BigInteger, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
