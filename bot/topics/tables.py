"""Topic rooms' tables on the shared metadata (their history lives in migration m0006_topics)."""

import sqlalchemy as sa

from bot.storage.schema import metadata

topics = sa.Table(
    "topics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("slug", sa.String(100), nullable=False),
    sa.Column("emoji", sa.String(64), nullable=False),
    sa.Column("name_en", sa.String(100), nullable=False),
    sa.Column("name_zh_hans", sa.String(100), nullable=False),
    sa.Column("name_zh_hant", sa.String(100), nullable=False),
    sa.Column("description_en", sa.String(500), nullable=False),
    sa.Column("description_zh_hans", sa.String(500), nullable=False),
    sa.Column("description_zh_hant", sa.String(500), nullable=False),
    sa.Column("starter_slug", sa.String(100), nullable=True),
    sa.Column("channel_id", sa.BigInteger, nullable=True),
    sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("schedule_hour", sa.Integer, nullable=True),
    sa.Column("schedule_timezone", sa.String(64), nullable=True),
    sa.Column("next_prompt_at", sa.DateTime(timezone=True), nullable=True, index=True),
    sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("guild_id", "slug", name="uq_topics_guild_slug"),
    sa.UniqueConstraint("channel_id", name="uq_topics_channel_id"),
)

# Moderator-added prompts; the shipped ones stay in locale/data/topics.json.
topic_prompts = sa.Table(
    "topic_prompts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("en", sa.String(500), nullable=False),
    sa.Column("zh_hans", sa.String(500), nullable=False),
    sa.Column("zh_hant", sa.String(500), nullable=False),
    sa.Column("added_by", sa.BigInteger, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# One row per prompt posted in a round; the primary key makes two concurrent picks of the same
# prompt impossible, and a new round starts once every prompt in the bank has a row.
topic_prompt_uses = sa.Table(
    "topic_prompt_uses",
    metadata,
    sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("prompt_key", sa.String(64), primary_key=True),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
)

# The insert that succeeds owns the scheduled slot: no slot is posted twice, by two shards or
# after a restart.
topic_schedule_claims = sa.Table(
    "topic_schedule_claims",
    metadata,
    sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("slot", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
)

# Messages per room per UTC day, for "messages this week" in /topics list.
topic_daily_messages = sa.Table(
    "topic_daily_messages",
    metadata,
    sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("messages", sa.Integer, nullable=False),
)

# Per-server choices; a server without a row uses Simplified Chinese (added by m0010_topics_script).
topic_settings = sa.Table(
    "topic_settings",
    metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("script", sa.String(16), nullable=False),  # "simplified" or "traditional"
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
