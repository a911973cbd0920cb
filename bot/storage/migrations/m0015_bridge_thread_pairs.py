"""Thread pairs: a thread in a bridged channel and the partner threads opened for it (one row per
thread, the pairing named by the thread it started from)."""

import sqlalchemy as sa

VERSION = 15


def upgrade(op) -> None:
    op.create_table(
        "bridge_thread_pairs",
        sa.Column("thread_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("pairing_id", sa.BigInteger, nullable=False),
        sa.Column("parent_id", sa.BigInteger, nullable=False),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bridge_thread_pairs_pairing_id", "bridge_thread_pairs", ["pairing_id"])
    op.create_index("ix_bridge_thread_pairs_parent_id", "bridge_thread_pairs", ["parent_id"])
