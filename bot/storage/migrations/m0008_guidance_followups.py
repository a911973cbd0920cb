"""Guidance follow-ups: fallback replies still to remove (so a restart cannot leave one
behind) and each person's last seen Discord locale (for the language of their notes)."""

import sqlalchemy as sa

VERSION = 8


def upgrade(op) -> None:
    op.create_table(
        "guidance_pending_removals",
        sa.Column("message_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("delete_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_guidance_pending_removals_delete_at", "guidance_pending_removals", ["delete_at"])
    op.create_table(
        "guidance_user_locales",
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
