"""Cat tax: moderators choose how often a person is nudged and how long a nudge stays
(NULL: Qiao's default)."""

import sqlalchemy as sa

VERSION = 9


def upgrade(op) -> None:
    op.add_column("cattax_channels", sa.Column("nudge_cooldown_seconds", sa.Integer, nullable=True))
    op.add_column("cattax_channels", sa.Column("nudge_lifetime_seconds", sa.Integer, nullable=True))
