"""Topic rooms: rooms, moderator prompts, prompt rotation, schedule claims, activity."""

import sqlalchemy as sa

VERSION = 6


def upgrade(op) -> None:
    op.create_table(
        "topics",
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
        sa.Column("next_prompt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("guild_id", "slug", name="uq_topics_guild_slug"),
        sa.UniqueConstraint("channel_id", name="uq_topics_channel_id"),
    )
    op.create_index("ix_topics_next_prompt_at", "topics", ["next_prompt_at"])
    op.create_table(
        "topic_prompts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), nullable=False),
        sa.Column("en", sa.String(500), nullable=False),
        sa.Column("zh_hans", sa.String(500), nullable=False),
        sa.Column("zh_hant", sa.String(500), nullable=False),
        sa.Column("added_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_topic_prompts_topic_id", "topic_prompts", ["topic_id"])
    op.create_table(
        "topic_prompt_uses",
        sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("round", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("prompt_key", sa.String(64), primary_key=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "topic_schedule_claims",
        sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("slot", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "topic_daily_messages",
        sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("messages", sa.Integer, nullable=False),
    )
