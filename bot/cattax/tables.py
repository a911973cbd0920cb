"""The cat-tax tables on the shared metadata (history lives in migration m0005_cattax)."""

import sqlalchemy as sa

from bot.storage.schema import metadata

cattax_channels = sa.Table(
    "cattax_channels",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),  # one cat-tax channel per server
    sa.Column("channel_id", sa.BigInteger, nullable=False),
    sa.Column("role_id", sa.BigInteger, nullable=True),
    sa.Column("emoji", sa.String(80), nullable=False),
    sa.Column("archive_after_minutes", sa.Integer, nullable=False),
    sa.Column("thank_in_channel", sa.Boolean, nullable=False),
    sa.Column("text_only_action", sa.String(16), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # NULL: Qiao's default (see bot.cattax.rules); added by migration m0009_cattax_nudges.
    sa.Column("nudge_cooldown_seconds", sa.Integer, nullable=True),
    sa.Column("nudge_lifetime_seconds", sa.Integer, nullable=True),
)

cattax_payments = sa.Table(
    "cattax_payments",
    metadata,
    sa.Column("message_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("channel_id", sa.BigInteger, nullable=False),
    sa.Column("author_id", sa.BigInteger, nullable=False),
    sa.Column("author_name", sa.String(100), nullable=False),  # for the leaderboard once someone has left
    sa.Column("thread_id", sa.BigInteger, nullable=True),
    sa.Column("attachment_urls", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_cattax_payments_guild_created", "guild_id", "created_at"),
)

# The "tax paid" role is granted once per member and role, even if moderators later take it away.
cattax_role_grants = sa.Table(
    "cattax_role_grants",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("role_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
)
