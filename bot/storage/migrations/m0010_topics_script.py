"""Topic rooms: each server's Chinese script for room names, topics and prompts."""

import sqlalchemy as sa

VERSION = 10


def upgrade(op) -> None:
    op.create_table(
        "topic_settings",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("script", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
