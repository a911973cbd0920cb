"""Cat-tax settings (cached, written through) and the payment ledger."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.cattax.rules import DEFAULT_ARCHIVE_MINUTES, DEFAULT_EMOJI, TextOnlyAction
from bot.cattax.tables import cattax_channels, cattax_payments, cattax_role_grants
from bot.single_flight import SingleFlight
from bot.storage import Database

LEADERBOARD_SIZE = 10


@dataclass(frozen=True, slots=True)
class CatTaxConfig:
    guild_id: int
    channel_id: int
    role_id: int | None = None
    emoji: str = DEFAULT_EMOJI
    archive_after_minutes: int = DEFAULT_ARCHIVE_MINUTES
    thank_in_channel: bool = False
    text_only_action: TextOnlyAction = TextOnlyAction.NUDGE
    nudge_cooldown_seconds: int | None = None  # None: Qiao's default
    nudge_lifetime_seconds: int | None = None  # None: Qiao's default


@dataclass(frozen=True, slots=True)
class Payment:
    message_id: int
    guild_id: int
    channel_id: int
    author_id: int
    author_name: str
    attachment_urls: tuple[str, ...]
    created_at: datetime
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    author_id: int
    author_name: str  # as stored with their latest payment; callers may prefer the current name
    payments: int


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; everything stored is UTC
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class CatTaxStore:
    def __init__(self, db: Database, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._db = db
        self._now = now
        self._configs: dict[int, CatTaxConfig | None] = {}
        self._loading: SingleFlight[int, CatTaxConfig | None] = SingleFlight()  # a burst after a restart reads once
        self._payment_channels: dict[int, set[int]] = {}
        self._lock = asyncio.Lock()

    # ---- configuration -----------------------------------------------------------------------

    async def config(self, guild_id: int) -> CatTaxConfig | None:
        """This server's cat-tax settings, or None when no channel is set up (read on every message)."""
        if guild_id in self._configs:
            return self._configs[guild_id]
        return await self._loading.load(
            guild_id, lambda: self._load_config(guild_id), lambda loaded: self._configs.__setitem__(guild_id, loaded),
        )

    def may_be_cat_tax_channel(self, guild_id: int, channel_id: int, parent_id: int | None) -> bool:
        """False only when this server's settings are loaded and the channel (or a thread's parent)
        is not its cat-tax channel; True when it is, or when the settings are not read yet."""
        if guild_id not in self._configs:
            return True
        config = self._configs[guild_id]
        return config is not None and config.channel_id in (channel_id, parent_id)

    async def _load_config(self, guild_id: int) -> CatTaxConfig | None:
        async with self._db.connect() as connection:
            row = (
                await connection.execute(sa.select(cattax_channels).where(cattax_channels.c.guild_id == guild_id))
            ).first()
        loaded = None
        if row is not None:
            loaded = CatTaxConfig(
                guild_id=row.guild_id,
                channel_id=row.channel_id,
                role_id=row.role_id,
                emoji=row.emoji,
                archive_after_minutes=row.archive_after_minutes,
                thank_in_channel=bool(row.thank_in_channel),
                text_only_action=TextOnlyAction(row.text_only_action),
                nudge_cooldown_seconds=row.nudge_cooldown_seconds,
                nudge_lifetime_seconds=row.nudge_lifetime_seconds,
            )
        return loaded

    async def set_up(self, guild_id: int, channel_id: int, *, role_id: int | None, emoji: str) -> CatTaxConfig:
        """Make `channel_id` the server's cat-tax channel; options chosen earlier are kept."""
        async with self._lock:
            current = await self.config(guild_id)
            if current is None:
                updated = CatTaxConfig(guild_id, channel_id, role_id, emoji)
            else:
                updated = replace(current, channel_id=channel_id, role_id=role_id, emoji=emoji)
            await self._write(updated)
            return updated

    async def update_options(self, guild_id: int, **changes: object) -> CatTaxConfig | None:
        """Change `archive_after_minutes`, `thank_in_channel`, `text_only_action`,
        `nudge_cooldown_seconds` or `nudge_lifetime_seconds`; None if not set up."""
        async with self._lock:
            current = await self.config(guild_id)
            if current is None:
                return None
            updated = replace(current, **changes)
            await self._write(updated)
            return updated

    async def disable(self, guild_id: int) -> bool:
        """Forget the cat-tax channel (payments and granted roles are kept). False if there was none."""
        async with self._lock:
            async with self._db.begin() as connection:
                result = await connection.execute(
                    sa.delete(cattax_channels).where(cattax_channels.c.guild_id == guild_id)
                )
            self._configs[guild_id] = None
            self._loading.forget(guild_id)
            return bool(result.rowcount)

    async def _write(self, config: CatTaxConfig) -> None:
        values = {
            "guild_id": config.guild_id,
            "channel_id": config.channel_id,
            "role_id": config.role_id,
            "emoji": config.emoji,
            "archive_after_minutes": config.archive_after_minutes,
            "thank_in_channel": config.thank_in_channel,
            "text_only_action": config.text_only_action.value,
            "nudge_cooldown_seconds": config.nudge_cooldown_seconds,
            "nudge_lifetime_seconds": config.nudge_lifetime_seconds,
            "updated_at": self._now(),
        }
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(cattax_channels, values, ["guild_id"]))
        self._configs[config.guild_id] = config
        self._loading.forget(config.guild_id)

    # ---- payments ----------------------------------------------------------------------------

    async def record_payment(self, payment: Payment) -> None:
        values = {
            "message_id": payment.message_id,
            "guild_id": payment.guild_id,
            "channel_id": payment.channel_id,
            "author_id": payment.author_id,
            "author_name": payment.author_name[:100],
            "thread_id": payment.thread_id,
            "attachment_urls": list(payment.attachment_urls),
            "created_at": _utc(payment.created_at),
        }
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(cattax_payments, values, ["message_id"]))
        if payment.guild_id in self._payment_channels:
            self._payment_channels[payment.guild_id].add(payment.channel_id)

    async def payment_channels(self, guild_id: int) -> frozenset[int]:
        """Every channel of this server with a payment in it: today's cat-tax channel and any it
        was moved away from (read on every deletion in the server, so cached)."""
        if guild_id not in self._payment_channels:
            async with self._db.connect() as connection:
                rows = await connection.execute(
                    sa.select(cattax_payments.c.channel_id).where(cattax_payments.c.guild_id == guild_id).distinct()
                )
                self._payment_channels[guild_id] = set(rows.scalars())
        return frozenset(self._payment_channels[guild_id])

    async def remove_payments(self, message_ids: Sequence[int], *, guild_id: int | None = None) -> int:
        """Forget the payments made by these (deleted) posts, whichever channel they were in;
        returns how many there were."""
        if not message_ids:
            return 0
        condition = cattax_payments.c.message_id.in_(list(message_ids))
        if guild_id is not None:
            condition = sa.and_(condition, cattax_payments.c.guild_id == guild_id)
        async with self._db.begin() as connection:
            result = await connection.execute(sa.delete(cattax_payments).where(condition))
        return result.rowcount or 0

    async def payment_count(self, guild_id: int) -> int:
        async with self._db.connect() as connection:
            return (
                await connection.execute(
                    sa.select(sa.func.count()).select_from(cattax_payments).where(cattax_payments.c.guild_id == guild_id)
                )
            ).scalar_one()

    async def leaderboard(
        self, guild_id: int, *, since: datetime | None = None, limit: int = LEADERBOARD_SIZE
    ) -> list[LeaderboardEntry]:
        """Who paid the most (ties: who paid first), counting posts since `since` or ever."""
        payments = sa.func.count().label("payments")
        query = (
            sa.select(cattax_payments.c.author_id, payments)
            .where(cattax_payments.c.guild_id == guild_id)
            .group_by(cattax_payments.c.author_id)
            .order_by(payments.desc(), sa.func.min(cattax_payments.c.created_at), cattax_payments.c.author_id)
            .limit(limit)
        )
        if since is not None:
            query = query.where(cattax_payments.c.created_at >= _utc(since))
        async with self._db.connect() as connection:
            counted = (await connection.execute(query)).all()
            names = await self._latest_names(connection, guild_id, [row.author_id for row in counted])
        return [LeaderboardEntry(row.author_id, names.get(row.author_id, "?"), row.payments) for row in counted]

    async def _latest_names(self, connection, guild_id: int, author_ids: list[int]) -> dict[int, str]:
        if not author_ids:
            return {}
        rows = await connection.execute(
            sa.select(cattax_payments.c.author_id, cattax_payments.c.author_name)
            .where(cattax_payments.c.guild_id == guild_id, cattax_payments.c.author_id.in_(author_ids))
            .order_by(cattax_payments.c.created_at)
        )
        return {author_id: name for author_id, name in rows}  # later rows overwrite earlier ones

    async def random_payment(
        self, guild_id: int, *, choose: Callable[[int], int] = lambda count: random.randrange(count)
    ) -> Payment | None:
        """A random past payment; `choose(count)` picks the index (tests pass a fixed one)."""
        count = await self.payment_count(guild_id)
        if count == 0:
            return None
        query = (
            sa.select(cattax_payments)
            .where(cattax_payments.c.guild_id == guild_id)
            .order_by(cattax_payments.c.message_id)
            .offset(choose(count))
            .limit(1)
        )
        async with self._db.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:  # deleted between the count and the pick
            return None
        return Payment(
            message_id=row.message_id,
            guild_id=row.guild_id,
            channel_id=row.channel_id,
            author_id=row.author_id,
            author_name=row.author_name,
            attachment_urls=tuple(row.attachment_urls or ()),
            created_at=_utc(row.created_at),
            thread_id=row.thread_id,
        )

    # ---- the "tax paid" role -----------------------------------------------------------------

    async def claim_role_grant(self, guild_id: int, user_id: int, role_id: int) -> bool:
        """Reserve the one grant of `role_id` to this member: True only for the first caller.

        Claiming before calling Discord means two photos posted at once still grant the role once.
        """
        dialect_insert = postgresql.insert if self._db.dialect == "postgresql" else sqlite.insert
        statement = (
            dialect_insert(cattax_role_grants)
            .values(guild_id=guild_id, user_id=user_id, role_id=role_id, granted_at=self._now())
            .on_conflict_do_nothing(index_elements=["guild_id", "user_id", "role_id"])
            .returning(cattax_role_grants.c.user_id)
        )
        async with self._db.begin() as connection:
            inserted = (await connection.execute(statement)).first()
        return inserted is not None

    async def release_role_grant(self, guild_id: int, user_id: int, role_id: int) -> None:
        """Discord refused the grant: let the next payment try again."""
        async with self._db.begin() as connection:
            await connection.execute(
                sa.delete(cattax_role_grants).where(
                    cattax_role_grants.c.guild_id == guild_id,
                    cattax_role_grants.c.user_id == user_id,
                    cattax_role_grants.c.role_id == role_id,
                )
            )
