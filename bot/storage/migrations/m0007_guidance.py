"""Censorship-keyword guidance: how a server speaks up, its disabled categories,
custom entries, imported keyword lists in undoable batches, mutes and notice cooldowns."""

import sqlalchemy as sa

VERSION = 7


def upgrade(op) -> None:
    op.create_table(
        "guidance_settings",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("config_version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "guidance_disabled_categories",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("category", sa.String(64), primary_key=True),
    )
    op.create_table(
        "guidance_custom_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("term", sa.String(100), nullable=False),
        sa.Column("display_term", sa.String(100), nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("explanation_en", sa.String(1000), nullable=False),
        sa.Column("explanation_zh", sa.String(1000), nullable=False),
        sa.Column("added_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("guild_id", "term", name="uq_guidance_custom_entries_guild_term"),
    )
    op.create_table(
        "guidance_import_batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("imported_by", sa.BigInteger, nullable=True),
        sa.Column("term_count", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_guidance_import_batches_guild", "guidance_import_batches", ["guild_id"])
    op.create_table(
        "guidance_imported_terms",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("term", sa.String(100), primary_key=True),
        sa.Column(
            "batch_id", sa.Integer, sa.ForeignKey("guidance_import_batches.id", ondelete="CASCADE"), nullable=False
        ),
    )
    op.create_index("ix_guidance_imported_terms_batch", "guidance_imported_terms", ["batch_id"])
    op.create_table(
        "guidance_mutes",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("muted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "guidance_notices",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("entry_key", sa.String(120), primary_key=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_guidance_notices_notified_at", "guidance_notices", ["notified_at"])
