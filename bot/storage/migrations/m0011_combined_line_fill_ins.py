"""Lines of combined posts remember whether they went out untranslated and where the original is,
so their translation can be filled in after a restart."""

import sqlalchemy as sa

VERSION = 11


def upgrade(op) -> None:
    with op.batch_alter_table("bridge_coalesced_lines") as batch:
        batch.add_column(sa.Column("needs_translation", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("original_channel_id", sa.BigInteger, nullable=True))
