"""The one schema, as SQLAlchemy Core tables; features add theirs to the same `metadata`."""

import sqlalchemy as sa

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

guild_settings = sa.Table(
    "guild_settings",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("log_channel_id", sa.BigInteger, nullable=True),
    sa.Column("locale", sa.String(16), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

guild_modules = sa.Table(
    "guild_modules",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("module", sa.String(32), primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
)
