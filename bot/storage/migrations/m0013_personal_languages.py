"""Each person's own language for Qiao's private answers (`/language`); no row: follow Discord."""

import sqlalchemy as sa

VERSION = 13


def upgrade(op) -> None:
    op.create_table(
        "personal_languages",
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
