"""Tables for the bridge's people and delivery features (cross-server invites, opt-outs, glossary,
relay stats, catch-up marks, coalesced posts) on the shared metadata; history lives in migration m0004_bridge_features."""

import sqlalchemy as sa

from bot.storage.schema import metadata

bridge_invites = sa.Table(
    "bridge_invites",
    metadata,
    # Only a hash of the code is stored: a leaked database does not leak usable codes.
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("bridge_id", sa.Integer, nullable=False, index=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("channel_id", sa.BigInteger, nullable=False),
    sa.Column("created_by", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("used_by_guild_id", sa.BigInteger, nullable=True),
)

bridge_optouts = sa.Table(
    "bridge_optouts",
    metadata,
    sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

bridge_glossary = sa.Table(
    "bridge_glossary",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("term", sa.String(100), primary_key=True),
    sa.Column("translation", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

bridge_relay_days = sa.Table(
    "bridge_relay_days",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("relays", sa.Integer, nullable=False),
    sa.Column("posts", sa.Integer, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("lag_total_ms", sa.BigInteger, nullable=False),
    sa.Column("lag_max_ms", sa.BigInteger, nullable=False),
)

bridge_high_water = sa.Table(
    "bridge_high_water",
    metadata,
    sa.Column("channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("message_id", sa.BigInteger, nullable=False),
)

bridge_coalesced_lines = sa.Table(
    "bridge_coalesced_lines",
    metadata,
    sa.Column("original_message_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("copy_channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("copy_message_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("webhook_id", sa.BigInteger, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("author_name", sa.String(100), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("footer", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("needs_translation", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("original_channel_id", sa.BigInteger, nullable=True),  # None on rows from before m0011
)
