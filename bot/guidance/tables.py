"""The guidance tables on the shared metadata (history lives in migration m0007_guidance).

Everything here is one server's own data: imported lists and custom entries are never shared
between servers."""

import sqlalchemy as sa

from bot.storage.schema import metadata

guidance_settings = sa.Table(
    "guidance_settings",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("mode", sa.String(16), nullable=False),
    # Bumped by every configuration write so the matcher cache knows to rebuild.
    sa.Column("config_version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

guidance_disabled_categories = sa.Table(
    "guidance_disabled_categories",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("category", sa.String(64), primary_key=True),
)

guidance_custom_entries = sa.Table(
    "guidance_custom_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("term", sa.String(100), nullable=False),  # normalised
    sa.Column("display_term", sa.String(100), nullable=False),  # as the moderator typed it
    sa.Column("category", sa.String(64), nullable=True),
    sa.Column("explanation_en", sa.String(1000), nullable=False),
    sa.Column("explanation_zh", sa.String(1000), nullable=False),
    sa.Column("added_by", sa.BigInteger, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("guild_id", "term", name="uq_guidance_custom_entries_guild_term"),
)

guidance_import_batches = sa.Table(
    "guidance_import_batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),
    sa.Column("imported_by", sa.BigInteger, nullable=True),
    sa.Column("term_count", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
)

guidance_imported_terms = sa.Table(
    "guidance_imported_terms",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("term", sa.String(100), primary_key=True),  # normalised; parts joined by " + "
    sa.Column(
        "batch_id", sa.Integer, sa.ForeignKey("guidance_import_batches.id", ondelete="CASCADE"), nullable=False
    ),
)

guidance_mutes = sa.Table(
    "guidance_mutes",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("muted_at", sa.DateTime(timezone=True), nullable=False),
)

# When a person was last told about an entry: the cooldown survives restarts.
guidance_notices = sa.Table(
    "guidance_notices",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("entry_key", sa.String(120), primary_key=True),
    sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
)

# Qiao's own closed-DM fallback replies not yet removed: swept at startup and periodically, so a
# reply outlives its minute by at most one sweep even across a restart.
guidance_pending_removals = sa.Table(
    "guidance_pending_removals",
    metadata,
    sa.Column("message_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("channel_id", sa.BigInteger, nullable=False),
    sa.Column("delete_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

# The Discord locale a person's client last reported in an interaction (any server): the
# language of their private notes.
guidance_user_locales = sa.Table(
    "guidance_user_locales",
    metadata,
    sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("locale", sa.String(16), nullable=False),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
)
