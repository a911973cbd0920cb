"""The learners' features' tables on the shared metadata (history in migration m0012_slang_notes)."""

import sqlalchemy as sa

from bot.storage.schema import metadata

# Channels whose copies carry no slang notes (notes are on by default, so only "off" is stored).
slang_note_settings = sa.Table(
    "slang_note_settings",
    metadata,
    sa.Column("channel_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
