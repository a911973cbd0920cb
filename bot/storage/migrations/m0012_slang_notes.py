"""Slang notes on relayed copies can be turned off per channel (on by default)."""

import sqlalchemy as sa

VERSION = 12


def upgrade(op) -> None:
    op.create_table(
        "slang_note_settings",
        sa.Column("channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
