"""Topic rooms' rules and storage: rooms, names, prompt rotation, icebreaker slots, activity."""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage import Database
from bot.topics import naming, prompts, scheduling
from bot.topics.errors import TopicError
from bot.topics.models import SCRIPTS, SIMPLIFIED, BankPrompt, Topic, TopicActivity, TopicDraft
from bot.topics.tables import (
    topic_daily_messages,
    topic_prompt_uses,
    topic_prompts,
    topic_schedule_claims,
    topic_settings,
    topics,
)
from bot.topics_data import Prompt, StarterTopic, load_starter_topics

log = logging.getLogger(__name__)

DEFAULT_EMOJI = "💬"
MAX_PROMPT_LENGTH = 300
MAX_DESCRIPTION_LENGTH = 300
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

Clock = Callable[[], datetime]
# Posts an icebreaker in a room; returns False when it could not (and has told moderators).
PromptPoster = Callable[[Topic, BankPrompt], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class DuePrompt:
    topic: Topic
    slot: datetime
    prompt: BankPrompt | None
    posted: bool


def utc_now() -> datetime:
    return datetime.now(UTC)


class TopicService:
    def __init__(
        self,
        db: Database,
        *,
        starters: Sequence[StarterTopic] | None = None,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        poster: PromptPoster | None = None,
    ) -> None:
        self.db = db
        self.starters = list(starters) if starters is not None else load_starter_topics()
        self._starter_prompts = {starter.slug: starter.prompts for starter in self.starters}
        self.clock = clock
        self.rng = rng or random.Random()
        self.poster = poster
        self._room_channels: dict[int, int] | None = None
        self._guild_locks: dict[int, asyncio.Lock] = {}
        self._scripts: dict[int, str] = {}

    def guild_lock(self, guild_id: int) -> asyncio.Lock:
        """Held while creating rooms, so two moderators seeding at once don't create twins."""
        return self._guild_locks.setdefault(guild_id, asyncio.Lock())

    # ---- reading ---------------------------------------------------------------------------

    async def topics(self, guild_id: int, *, include_archived: bool = False) -> list[Topic]:
        query = sa.select(topics).where(topics.c.guild_id == guild_id).order_by(topics.c.id)
        if not include_archived:
            query = query.where(topics.c.archived_at.is_(None))
        async with self.db.connect() as connection:
            return [_topic(row) for row in await connection.execute(query)]

    async def open_rooms_by_guild(self, guild_ids: set[int]) -> dict[int, list[Topic]]:
        """The topics with a room, not archived, of each of these servers: one query for them all
        (at start-up a process may serve thousands of servers)."""
        query = (sa.select(topics).where(topics.c.archived_at.is_(None), topics.c.channel_id.is_not(None))
                 .order_by(topics.c.guild_id, topics.c.id))
        rooms: dict[int, list[Topic]] = {}
        async with self.db.connect() as connection:
            for row in await connection.execute(query):
                if row.guild_id in guild_ids:
                    rooms.setdefault(row.guild_id, []).append(_topic(row))
        return rooms

    async def topic(self, topic_id: int) -> Topic | None:
        async with self.db.connect() as connection:
            row = (await connection.execute(sa.select(topics).where(topics.c.id == topic_id))).first()
        return _topic(row) if row else None

    def may_be_room(self, channel_id: int) -> bool:
        """False only when the rooms are loaded and this channel is not one of them."""
        return self._room_channels is None or channel_id in self._room_channels

    async def topic_for_channel(self, channel_id: int) -> Topic | None:
        """The room in this channel; cheap for channels that are not rooms (checked on every message)."""
        if self._room_channels is None:
            async with self.db.connect() as connection:
                rows = await connection.execute(
                    sa.select(topics.c.channel_id, topics.c.id).where(topics.c.channel_id.is_not(None))
                )
                self._room_channels = {channel: topic_id for channel, topic_id in rows}
        if channel_id not in self._room_channels:
            return None
        async with self.db.connect() as connection:
            row = (await connection.execute(sa.select(topics).where(topics.c.channel_id == channel_id))).first()
        return _topic(row) if row else None

    async def archived_topics(self, guild_id: int) -> list[Topic]:
        return [topic for topic in await self.topics(guild_id, include_archived=True) if topic.archived]

    async def resolve(self, guild_id: int, query: str, *, archived: bool = False) -> Topic:
        """The open (or, with `archived`, archived) room named `query` (slug, English,
        Simplified or Traditional name)."""
        candidates = await self.archived_topics(guild_id) if archived else await self.topics(guild_id)
        found = naming.find_exact(candidates, query)
        if found is None:
            key = "topics.error.unknown_archived_topic" if archived else "topics.error.unknown_topic"
            raise TopicError(key, topic=query.strip()[:100])
        return found

    async def suggest(self, guild_id: int, query: str, limit: int = 25, *, archived: bool = False) -> list[Topic]:
        candidates = await self.archived_topics(guild_id) if archived else await self.topics(guild_id)
        return naming.search(candidates, query, limit)

    # ---- the server's Chinese script ---------------------------------------------------------

    async def script(self, guild_id: int) -> str:
        """"simplified" (the default) or "traditional": the Chinese of room names, channel
        topics and prompts in this server. Cached: read for every prompt posted."""
        if guild_id not in self._scripts:
            async with self.db.connect() as connection:
                chosen = (
                    await connection.execute(
                        sa.select(topic_settings.c.script).where(topic_settings.c.guild_id == guild_id)
                    )
                ).scalar_one_or_none()
            self._scripts[guild_id] = chosen if chosen in SCRIPTS else SIMPLIFIED
        return self._scripts[guild_id]

    async def set_script(self, guild_id: int, script: str) -> None:
        if script not in SCRIPTS:
            raise TopicError("topics.error.bad_script", script=script)
        values = {"guild_id": guild_id, "script": script, "updated_at": self.clock()}
        async with self.db.begin() as connection:
            await connection.execute(self.db.upsert(topic_settings, values, ["guild_id"]))
        self._scripts[guild_id] = script

    # ---- creating and changing rooms ---------------------------------------------------------

    def starter_drafts(self) -> list[TopicDraft]:
        return [
            TopicDraft(
                slug=starter.slug,
                emoji=starter.emoji,
                name_en=starter.name_en,
                name_zh_hans=starter.name_zh_hans,
                name_zh_hant=starter.name_zh_hant,
                description_en=starter.description_en,
                description_zh_hans=starter.description_zh_hans,
                description_zh_hant=starter.description_zh_hant,
                starter_slug=starter.slug,
            )
            for starter in self.starters
        ]

    async def missing_starters(self, guild_id: int) -> list[TopicDraft]:
        """Starter rooms this server has never had (archived ones count as had: seeding is idempotent)."""
        async with self.db.connect() as connection:
            had = set(
                (
                    await connection.execute(
                        sa.select(topics.c.starter_slug).where(topics.c.guild_id == guild_id)
                    )
                ).scalars()
            )
        return [draft for draft in self.starter_drafts() if draft.starter_slug not in had]

    async def draft_custom(
        self, guild_id: int, name_en: str, name_zh: str, description: str | None = None, emoji: str | None = None
    ) -> TopicDraft:
        name_en, name_zh = _clean_name(name_en), _clean_name(name_zh)
        existing = await self.topics(guild_id, include_archived=True)
        self._check_names_free(existing, name_en, name_zh)
        description = " ".join((description or "").split())
        if len(description) > MAX_DESCRIPTION_LENGTH:
            raise TopicError("topics.error.too_long", limit=MAX_DESCRIPTION_LENGTH)
        chinese_description = bool(_CJK.search(description))
        return TopicDraft(
            slug=naming.unique_slug(naming.slugify(name_en), (topic.slug for topic in existing)),
            emoji=(emoji or "").strip()[:64] or DEFAULT_EMOJI,
            name_en=name_en,
            name_zh_hans=naming.to_simplified(name_zh),
            name_zh_hant=naming.to_traditional(naming.to_simplified(name_zh)),
            description_en="" if chinese_description else description,
            description_zh_hans=naming.to_simplified(description) if chinese_description else "",
            description_zh_hant=naming.to_traditional(naming.to_simplified(description)) if chinese_description else "",
        )

    async def add(self, guild_id: int, draft: TopicDraft, channel_id: int | None) -> Topic:
        now = self.clock()
        values = {
            "guild_id": guild_id,
            "slug": draft.slug,
            "emoji": draft.emoji,
            "name_en": draft.name_en,
            "name_zh_hans": draft.name_zh_hans,
            "name_zh_hant": draft.name_zh_hant,
            "description_en": draft.description_en,
            "description_zh_hans": draft.description_zh_hans,
            "description_zh_hant": draft.description_zh_hant,
            "starter_slug": draft.starter_slug,
            "channel_id": channel_id,
            "created_at": now,
        }
        async with self.db.begin() as connection:
            result = await connection.execute(sa.insert(topics).values(**values).returning(topics.c.id))
            topic_id = result.scalar_one()
        topic = await self._require(topic_id)
        self._remember_channel(topic)
        return topic

    async def rename(self, topic: Topic, name_en: str | None = None, name_zh: str | None = None) -> Topic:
        if not name_en and not name_zh:
            raise TopicError("topics.error.nothing_to_rename")
        new_en = _clean_name(name_en) if name_en else topic.name_en
        new_zh = naming.to_simplified(_clean_name(name_zh)) if name_zh else topic.name_zh_hans
        others = [other for other in await self.topics(topic.guild_id, include_archived=True) if other.id != topic.id]
        self._check_names_free(others, new_en if name_en else None, new_zh if name_zh else None)
        changes: dict[str, Any] = {"name_en": new_en, "name_zh_hans": new_zh}
        if name_zh:
            changes["name_zh_hant"] = naming.to_traditional(new_zh)
        if name_en:
            changes["slug"] = naming.unique_slug(naming.slugify(new_en), (other.slug for other in others))
        return await self._update(topic.id, **changes)

    async def set_channel(self, topic: Topic, channel_id: int) -> Topic:
        return await self._update(topic.id, channel_id=channel_id)

    async def archive(self, topic: Topic) -> Topic:
        return await self._update(topic.id, archived_at=self.clock(), next_prompt_at=None)

    async def unarchive(self, topic: Topic) -> Topic:
        """Open the room again; a daily icebreaker it had resumes from the next slot."""
        changes: dict[str, Any] = {"archived_at": None}
        if topic.scheduled:
            changes["next_prompt_at"] = scheduling.next_slot(self.clock(), topic.schedule_hour, topic.schedule_timezone)
        return await self._update(topic.id, **changes)

    def _check_names_free(self, others: Sequence[Topic], name_en: str | None, name_zh: str | None) -> None:
        for other in others:
            if name_en and naming.normalise_query(name_en) == naming.normalise_query(other.name_en):
                raise TopicError("topics.error.name_taken", name=name_en)
            if name_zh and naming.normalise_query(name_zh) == naming.normalise_query(other.name_zh_hans):
                raise TopicError("topics.error.name_taken", name=name_zh)

    # ---- icebreaker schedule -----------------------------------------------------------------

    async def set_schedule(self, topic: Topic, hour: int, timezone: str) -> Topic:
        scheduling.validate_hour(hour)
        zone = scheduling.parse_timezone(timezone)
        first = scheduling.next_slot(self.clock(), hour, zone.key)
        return await self._update(topic.id, schedule_hour=hour, schedule_timezone=zone.key, next_prompt_at=first)

    async def clear_schedule(self, topic: Topic) -> Topic:
        return await self._update(topic.id, schedule_hour=None, schedule_timezone=None, next_prompt_at=None)

    async def run_due(self, now: datetime | None = None, *, guild_ids: Collection[int] | None = None) -> list[DuePrompt]:
        """Claim every slot that has come due and post its prompt; what the scheduler loop calls.

        `guild_ids` limits this to the servers this process (shard) serves, so a shard never
        claims a slot it could not post.

        Claiming is one transaction: the slot row is inserted (a second insert of the same
        (topic, slot) does nothing) and `next_prompt_at` moves on only if it still holds the slot
        we read. Whoever does both posts; every other instance, shard or restarted process
        skips it. A crash after the claim loses that one prompt rather than posting it twice.
        """
        now = (now or self.clock()).astimezone(UTC)
        async with self.db.connect() as connection:
            rows = (
                await connection.execute(
                    sa.select(topics).where(
                        topics.c.next_prompt_at.is_not(None),
                        topics.c.next_prompt_at <= now,
                        topics.c.archived_at.is_(None),
                    )
                )
            ).all()
        results = []
        for row in rows:
            if guild_ids is not None and row.guild_id not in guild_ids:
                continue
            topic = _topic(row)
            try:
                results.append(await self._run_slot(topic, now))
            except Exception:
                log.exception("icebreaker for topic %s (guild %s) failed", topic.id, topic.guild_id)
        return [result for result in results if result is not None]

    async def _run_slot(self, topic: Topic, now: datetime) -> DuePrompt | None:
        slot = topic.next_prompt_at
        assert slot is not None and topic.scheduled
        if not await self._claim(topic, slot, now):
            return None
        if now - slot > scheduling.MAX_LATENESS:
            log.info("icebreaker slot %s for topic %s skipped: %s late", slot, topic.id, now - slot)
            return DuePrompt(topic, slot, None, posted=False)
        return await self.post_prompt(topic, slot=slot)

    async def _claim(self, topic: Topic, slot: datetime, now: datetime) -> bool:
        following = scheduling.next_slot(max(now, slot), topic.schedule_hour, topic.schedule_timezone)
        try:
            async with self.db.begin() as connection:
                claimed = await connection.execute(
                    _insert_ignoring_duplicates(self.db, topic_schedule_claims).values(
                        topic_id=topic.id, slot=slot, claimed_at=now
                    )
                )
                if claimed.rowcount != 1:
                    raise _SlotTaken
                moved = await connection.execute(
                    sa.update(topics)
                    .where(topics.c.id == topic.id, topics.c.next_prompt_at == slot)
                    .values(next_prompt_at=following)
                )
                if moved.rowcount != 1:
                    # The schedule changed under us; the claim row goes with the rollback.
                    raise _SlotTaken
        except _SlotTaken:
            return False
        return True

    async def post_prompt(self, topic: Topic, *, slot: datetime | None = None) -> DuePrompt:
        """Draw the next prompt and post it through the poster; an unposted prompt stays in the round."""
        if self.poster is None:
            raise RuntimeError("TopicService.poster is not set")
        prompt = await self.take_prompt(topic)
        posted = await self.poster(topic, prompt)
        if not posted:
            await self.release_prompt(topic, prompt)
        return DuePrompt(topic, slot or self.clock(), prompt, posted)

    # ---- prompt bank and rotation ------------------------------------------------------------

    async def bank(self, topic: Topic) -> list[BankPrompt]:
        shipped = [
            BankPrompt(prompts.starter_key(prompt), prompt)
            for prompt in self._starter_prompts.get(topic.starter_slug or "", [])
        ]
        async with self.db.connect() as connection:
            rows = await connection.execute(
                sa.select(topic_prompts).where(topic_prompts.c.topic_id == topic.id).order_by(topic_prompts.c.id)
            )
            added = [BankPrompt(prompts.custom_key(row.id), Prompt(row.en, row.zh_hans, row.zh_hant)) for row in rows]
        return shipped + added

    async def add_prompt(self, topic: Topic, en: str, zh: str, *, added_by: int | None = None) -> BankPrompt:
        en, zh = " ".join(en.split()), " ".join(zh.split())
        if not en or not zh:
            raise TopicError("topics.error.empty_prompt")
        if max(len(en), len(zh)) > MAX_PROMPT_LENGTH:
            raise TopicError("topics.error.too_long", limit=MAX_PROMPT_LENGTH)
        zh_hans = naming.to_simplified(zh)
        values = {
            "topic_id": topic.id,
            "en": en,
            "zh_hans": zh_hans,
            "zh_hant": naming.to_traditional(zh_hans),
            "added_by": added_by,
            "created_at": self.clock(),
        }
        async with self.db.begin() as connection:
            prompt_id = (
                await connection.execute(sa.insert(topic_prompts).values(**values).returning(topic_prompts.c.id))
            ).scalar_one()
        return BankPrompt(prompts.custom_key(prompt_id), Prompt(en, values["zh_hans"], values["zh_hant"]))

    async def take_prompt(self, topic: Topic) -> BankPrompt:
        """A prompt not yet used this round, recorded as used; a new round starts when all were."""
        bank = await self.bank(topic)
        if not bank:
            raise TopicError("topics.error.no_prompts", topic=topic)  # named in the reader's language by the cog
        for _attempt in range(5):
            try:
                async with self.db.begin() as connection:
                    current_round, used = await self._round(connection, topic.id)
                    available = prompts.unused_in_round(bank, used)
                    if not available:
                        current_round, available = current_round + 1, list(bank)
                    chosen = self.rng.choice(available)
                    await connection.execute(
                        sa.insert(topic_prompt_uses).values(
                            topic_id=topic.id, round=current_round, prompt_key=chosen.key, used_at=self.clock()
                        )
                    )
                return chosen
            except sa.exc.IntegrityError:
                # Another instance drew the same prompt at the same moment: draw again.
                continue
        raise RuntimeError(f"could not draw a prompt for topic {topic.id}")

    async def release_prompt(self, topic: Topic, prompt: BankPrompt) -> None:
        async with self.db.begin() as connection:
            current_round, _used = await self._round(connection, topic.id)
            await connection.execute(
                sa.delete(topic_prompt_uses).where(
                    topic_prompt_uses.c.topic_id == topic.id,
                    topic_prompt_uses.c.round == current_round,
                    topic_prompt_uses.c.prompt_key == prompt.key,
                )
            )

    async def current_round(self, topic: Topic) -> tuple[int, set[str]]:
        """The rotation round in progress and the prompt keys already used in it."""
        async with self.db.connect() as connection:
            return await self._round(connection, topic.id)

    async def _round(self, connection, topic_id: int) -> tuple[int, set[str]]:
        current_round = (
            await connection.execute(
                sa.select(sa.func.max(topic_prompt_uses.c.round)).where(topic_prompt_uses.c.topic_id == topic_id)
            )
        ).scalar_one_or_none() or 1
        used = set(
            (
                await connection.execute(
                    sa.select(topic_prompt_uses.c.prompt_key).where(
                        topic_prompt_uses.c.topic_id == topic_id, topic_prompt_uses.c.round == current_round
                    )
                )
            ).scalars()
        )
        return current_round, used

    # ---- activity ----------------------------------------------------------------------------

    async def record_message(self, topic: Topic, at: datetime | None = None) -> None:
        at = (at or self.clock()).astimezone(UTC)
        insert = _dialect_insert(self.db)(topic_daily_messages).values(topic_id=topic.id, day=at.date(), messages=1)
        async with self.db.begin() as connection:
            await connection.execute(
                insert.on_conflict_do_update(
                    index_elements=["topic_id", "day"],
                    set_={"messages": topic_daily_messages.c.messages + 1},
                )
            )
            await connection.execute(
                sa.update(topics)
                .where(topics.c.id == topic.id, sa.or_(topics.c.last_message_at.is_(None), topics.c.last_message_at < at))
                .values(last_message_at=at)
            )

    async def activity(self, guild_id: int) -> dict[int, TopicActivity]:
        since = (self.clock() - timedelta(days=6)).date()
        async with self.db.connect() as connection:
            counts = dict(
                (
                    await connection.execute(
                        sa.select(topic_daily_messages.c.topic_id, sa.func.sum(topic_daily_messages.c.messages))
                        .join(topics, topics.c.id == topic_daily_messages.c.topic_id)
                        .where(topics.c.guild_id == guild_id, topic_daily_messages.c.day >= since)
                        .group_by(topic_daily_messages.c.topic_id)
                    )
                ).all()
            )
            last = dict(
                (
                    await connection.execute(
                        sa.select(topics.c.id, topics.c.last_message_at).where(topics.c.guild_id == guild_id)
                    )
                ).all()
            )
        return {
            topic_id: TopicActivity(int(counts.get(topic_id) or 0), scheduling.as_utc(last_at))
            for topic_id, last_at in last.items()
        }

    # ---- helpers -----------------------------------------------------------------------------

    async def _update(self, topic_id: int, **changes: Any) -> Topic:
        async with self.db.begin() as connection:
            await connection.execute(sa.update(topics).where(topics.c.id == topic_id).values(**changes))
        topic = await self._require(topic_id)
        self._remember_channel(topic)
        return topic

    def _remember_channel(self, topic: Topic) -> None:
        if self._room_channels is None:
            return
        for channel_id, topic_id in list(self._room_channels.items()):
            if topic_id == topic.id and channel_id != topic.channel_id:
                del self._room_channels[channel_id]
        if topic.channel_id is not None:
            self._room_channels[topic.channel_id] = topic.id

    async def _require(self, topic_id: int) -> Topic:
        topic = await self.topic(topic_id)
        if topic is None:
            raise LookupError(f"topic {topic_id} vanished")
        return topic


class _SlotTaken(Exception):
    pass


def _clean_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise TopicError("topics.error.empty_name")
    if len(cleaned) > naming.MAX_NAME_LENGTH:
        raise TopicError("topics.error.too_long", limit=naming.MAX_NAME_LENGTH)
    return cleaned


def _dialect_insert(db: Database):
    return postgresql.insert if db.dialect == "postgresql" else sqlite.insert


def _insert_ignoring_duplicates(db: Database, table: sa.Table):
    return _dialect_insert(db)(table).on_conflict_do_nothing()


def _topic(row) -> Topic:
    return Topic(
        id=row.id,
        guild_id=row.guild_id,
        slug=row.slug,
        emoji=row.emoji,
        name_en=row.name_en,
        name_zh_hans=row.name_zh_hans,
        name_zh_hant=row.name_zh_hant,
        description_en=row.description_en,
        description_zh_hans=row.description_zh_hans,
        description_zh_hant=row.description_zh_hant,
        channel_id=row.channel_id,
        starter_slug=row.starter_slug,
        archived=row.archived_at is not None,
        schedule_hour=row.schedule_hour,
        schedule_timezone=row.schedule_timezone,
        next_prompt_at=scheduling.as_utc(row.next_prompt_at),
        last_message_at=scheduling.as_utc(row.last_message_at),
    )
