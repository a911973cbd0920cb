"""One server's guidance settings, own entries, imported lists, mutes and notice cooldowns.

Read on every message, so each server's state is cached in memory and reloaded on write
(write-through). Every write that changes what the matcher should find bumps the server's
`config_version`, which is how `MatcherCache` knows to rebuild.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.guidance.catalogue import Bilingual, CatalogueError, Entry
from bot.guidance.matcher import GuildGuidanceConfig, normalise
from bot.guidance.tables import (
    guidance_custom_entries,
    guidance_disabled_categories,
    guidance_import_batches,
    guidance_imported_terms,
    guidance_mutes,
    guidance_notices,
    guidance_pending_removals,
    guidance_settings,
    guidance_user_locales,
)
from bot.single_flight import SingleFlight
from bot.storage import Database

__all__ = [
    "CUSTOM_CATEGORY_ID",
    "DEFAULT_MODE",
    "MODES",
    "CustomEntry",
    "GuidanceStore",
    "GuildGuidance",
    "ImportBatch",
    "PendingRemoval",
]

MODES = ("off", "dm", "reply")
DEFAULT_MODE = "dm"
CUSTOM_CATEGORY_ID = "custom"
CUSTOM_ENTRY_PREFIX = "custom-"
LOCALE_CACHE_SIZE = 10_000


class LRU(OrderedDict):
    """A dict that forgets its least recently used keys beyond `size`."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def __getitem__(self, key):
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


def _utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; everything stored is UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class CustomEntry:
    """An entry a server's moderators wrote themselves."""

    id: int
    term: str  # normalised
    display_term: str
    category: str | None
    explanation_en: str
    explanation_zh: str

    @property
    def entry_id(self) -> str:
        return f"{CUSTOM_ENTRY_PREFIX}{self.id}"

    def to_entry(self) -> Entry:
        return Entry(
            id=self.entry_id,
            category=self.category or CUSTOM_CATEGORY_ID,
            severity="medium",
            title=Bilingual(self.display_term, self.display_term),
            explanation=Bilingual(self.explanation_en, self.explanation_zh),
            sources=(),
            terms_by_kind={"evasions": (self.display_term,)},
        )


@dataclass(frozen=True, slots=True)
class GuildGuidance:
    guild_id: int
    mode: str
    config: GuildGuidanceConfig
    custom: tuple[CustomEntry, ...]
    muted_user_ids: frozenset[int]

    def custom_entry(self, entry_id: str) -> CustomEntry | None:
        return next((c for c in self.custom if c.entry_id == entry_id), None)


@dataclass(frozen=True, slots=True)
class PendingRemoval:
    """One of Qiao's fallback replies, to be deleted at `delete_at`."""

    message_id: int
    channel_id: int
    delete_at: datetime


@dataclass(frozen=True, slots=True)
class ImportBatch:
    id: int
    guild_id: int
    filename: str
    term_count: int


def validate_custom_term(display_term: str) -> str:
    """The normalised term, or CatalogueError with the reason it may not stand alone."""
    display_term = display_term.strip()
    Entry.from_dict(
        {
            "id": "custom-check",
            "category": CUSTOM_CATEGORY_ID,
            "title": {"en": display_term or "?", "zh": display_term or "?"},
            "explanation": {"en": "-", "zh": "-"},
            "terms": {"evasions": [display_term]},
        },
        require_source=False,
    )
    term = normalise(display_term)
    if not term:
        raise CatalogueError([f"term {display_term!r} is empty once normalised."])
    return term


class GuidanceStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[int, GuildGuidance] = {}
        self._loading: SingleFlight[int, GuildGuidance] = SingleFlight()  # a burst after a restart reads once
        self._lock = asyncio.Lock()
        self._locales: LRU[int, str | None] = LRU(LOCALE_CACHE_SIZE)

    # -- reading ------------------------------------------------------------------------------

    async def guild(self, guild_id: int) -> GuildGuidance:
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        return await self._loading.load(
            guild_id, lambda: self._load(guild_id), lambda loaded: self._cache.__setitem__(guild_id, loaded),
        )

    async def _load(self, guild_id: int) -> GuildGuidance:
        async with self._db.connect() as connection:
            settings = (
                await connection.execute(sa.select(guidance_settings).where(guidance_settings.c.guild_id == guild_id))
            ).first()
            disabled = (
                await connection.execute(
                    sa.select(guidance_disabled_categories.c.category).where(
                        guidance_disabled_categories.c.guild_id == guild_id
                    )
                )
            ).scalars().all()
            custom_rows = (
                await connection.execute(
                    sa.select(guidance_custom_entries)
                    .where(guidance_custom_entries.c.guild_id == guild_id)
                    .order_by(guidance_custom_entries.c.id)
                )
            ).all()
            imported = (
                await connection.execute(
                    sa.select(guidance_imported_terms.c.term)
                    .where(guidance_imported_terms.c.guild_id == guild_id)
                    .order_by(guidance_imported_terms.c.batch_id, guidance_imported_terms.c.term)
                )
            ).scalars().all()
            muted = (
                await connection.execute(
                    sa.select(guidance_mutes.c.user_id).where(guidance_mutes.c.guild_id == guild_id)
                )
            ).scalars().all()
        custom = tuple(
            CustomEntry(row.id, row.term, row.display_term, row.category, row.explanation_en, row.explanation_zh)
            for row in custom_rows
        )
        config = GuildGuidanceConfig(
            version=settings.config_version if settings else 0,
            disabled_categories=frozenset(disabled),
            custom_entries=tuple(entry.to_entry() for entry in custom),
            imported_terms=tuple(imported),
        )
        return GuildGuidance(
            guild_id=guild_id,
            mode=settings.mode if settings else DEFAULT_MODE,
            config=config,
            custom=custom,
            muted_user_ids=frozenset(muted),
        )

    async def import_batches(self, guild_id: int) -> list[ImportBatch]:
        """Batches still in effect, newest first."""
        async with self._db.connect() as connection:
            rows = await connection.execute(
                sa.select(guidance_import_batches)
                .where(guidance_import_batches.c.guild_id == guild_id, guidance_import_batches.c.undone_at.is_(None))
                .order_by(guidance_import_batches.c.id.desc())
            )
            return [ImportBatch(row.id, row.guild_id, row.filename, row.term_count) for row in rows]

    # -- configuration writes (each bumps the version) -----------------------------------------

    async def set_mode(self, guild_id: int, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown guidance mode {mode!r}")
        async with self._writing(guild_id) as connection:
            await self._bump_version(connection, guild_id, mode=mode)

    async def set_category_enabled(self, guild_id: int, category: str, enabled: bool) -> None:
        async with self._writing(guild_id) as connection:
            table = guidance_disabled_categories
            if enabled:
                await connection.execute(
                    sa.delete(table).where(table.c.guild_id == guild_id, table.c.category == category)
                )
            else:
                await connection.execute(
                    self._db.upsert(table, {"guild_id": guild_id, "category": category}, ["guild_id", "category"])
                )
            await self._bump_version(connection, guild_id)

    async def add_custom_entry(
        self,
        guild_id: int,
        display_term: str,
        *,
        explanation_en: str,
        explanation_zh: str,
        category: str | None = None,
        added_by: int | None = None,
    ) -> CustomEntry:
        """Add the server's own entry, or replace the explanation of the one with that term.
        Raises CatalogueError when the term may not stand alone (too short, empty)."""
        display_term = display_term.strip()
        term = validate_custom_term(display_term)
        values = {
            "guild_id": guild_id,
            "term": term,
            "display_term": display_term,
            "category": category,
            "explanation_en": explanation_en.strip(),
            "explanation_zh": explanation_zh.strip(),
            "added_by": added_by,
            "created_at": datetime.now(UTC),
        }
        async with self._writing(guild_id) as connection:
            await connection.execute(self._db.upsert(guidance_custom_entries, values, ["guild_id", "term"]))
            await self._bump_version(connection, guild_id)
        state = await self.guild(guild_id)
        return next(entry for entry in state.custom if entry.term == term)

    async def remove_term(self, guild_id: int, display_term: str) -> str | None:
        """Remove the server's own entry or imported term; returns "custom", "imported" or None."""
        term = normalise(display_term)
        async with self._writing(guild_id) as connection:
            custom = await connection.execute(
                sa.delete(guidance_custom_entries).where(
                    guidance_custom_entries.c.guild_id == guild_id, guidance_custom_entries.c.term == term
                )
            )
            imported = await connection.execute(
                sa.delete(guidance_imported_terms).where(
                    guidance_imported_terms.c.guild_id == guild_id, guidance_imported_terms.c.term == term
                )
            )
            if not (custom.rowcount or imported.rowcount):
                return None
            await self._bump_version(connection, guild_id)
        return "custom" if custom.rowcount else "imported"

    async def import_terms(
        self, guild_id: int, terms: Iterable[str], *, filename: str, imported_by: int | None = None
    ) -> ImportBatch:
        """Store `terms` (already normalised by the importer) as one batch that can be undone."""
        wanted = list(dict.fromkeys(terms))
        async with self._writing(guild_id) as connection:
            present = set(
                (
                    await connection.execute(
                        sa.select(guidance_imported_terms.c.term).where(guidance_imported_terms.c.guild_id == guild_id)
                    )
                ).scalars()
            )
            new_terms = [term for term in wanted if term not in present]
            batch_id = (
                await connection.execute(
                    sa.insert(guidance_import_batches)
                    .values(
                        guild_id=guild_id,
                        filename=filename[:200],
                        imported_by=imported_by,
                        term_count=len(new_terms),
                        created_at=datetime.now(UTC),
                    )
                    .returning(guidance_import_batches.c.id)
                )
            ).scalar_one()
            if new_terms:
                await connection.execute(
                    sa.insert(guidance_imported_terms),
                    [{"guild_id": guild_id, "term": term, "batch_id": batch_id} for term in new_terms],
                )
            await self._bump_version(connection, guild_id)
        return ImportBatch(batch_id, guild_id, filename, len(new_terms))

    async def undo_import(self, guild_id: int, batch_id: int | None = None) -> ImportBatch | None:
        """Remove exactly the terms of one batch (the latest still in effect by default)."""
        batches = await self.import_batches(guild_id)
        batch = next((b for b in batches if batch_id is None or b.id == batch_id), None)
        if batch is None:
            return None
        async with self._writing(guild_id) as connection:
            await connection.execute(
                sa.delete(guidance_imported_terms).where(
                    guidance_imported_terms.c.guild_id == guild_id, guidance_imported_terms.c.batch_id == batch.id
                )
            )
            await connection.execute(
                sa.update(guidance_import_batches)
                .where(guidance_import_batches.c.id == batch.id)
                .values(undone_at=datetime.now(UTC))
            )
            await self._bump_version(connection, guild_id)
        return batch

    # -- people ---------------------------------------------------------------------------------

    async def set_muted(self, guild_id: int, user_id: int, muted: bool) -> None:
        async with self._writing(guild_id) as connection:
            if muted:
                await connection.execute(
                    self._db.upsert(
                        guidance_mutes,
                        {"guild_id": guild_id, "user_id": user_id, "muted_at": datetime.now(UTC)},
                        ["guild_id", "user_id"],
                    )
                )
            else:
                await connection.execute(
                    sa.delete(guidance_mutes).where(
                        guidance_mutes.c.guild_id == guild_id, guidance_mutes.c.user_id == user_id
                    )
                )

    async def claim_notice(
        self, guild_id: int, user_id: int, entry_key: str, *, cooldown: timedelta, now: datetime | None = None
    ) -> bool:
        """True if this person may be told about this entry now (and records that they were).

        One conditional upsert, so two messages arriving together cannot both claim it."""
        now = now or datetime.now(UTC)
        insert = postgresql.insert if self._db.dialect == "postgresql" else sqlite.insert
        statement = insert(guidance_notices).values(
            guild_id=guild_id, user_id=user_id, entry_key=entry_key[:120], notified_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=["guild_id", "user_id", "entry_key"],
            set_={"notified_at": statement.excluded.notified_at},
            where=guidance_notices.c.notified_at <= now - cooldown,
        )
        async with self._db.begin() as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    async def prune_notices(self, older_than: timedelta) -> int:
        cutoff = datetime.now(UTC) - older_than
        async with self._db.begin() as connection:
            result = await connection.execute(sa.delete(guidance_notices).where(guidance_notices.c.notified_at < cutoff))
        return result.rowcount or 0

    def forget(self, guild_id: int) -> None:
        self._cache.pop(guild_id, None)
        self._loading.forget(guild_id)

    # -- fallback replies to remove -------------------------------------------------------------

    async def schedule_removal(self, message_id: int, channel_id: int, delete_at: datetime) -> None:
        values = {"message_id": message_id, "channel_id": channel_id, "delete_at": delete_at}
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(guidance_pending_removals, values, ["message_id"]))

    async def pending_removals(self, *, due_by: datetime | None = None) -> list[PendingRemoval]:
        """Every reply still to remove (only those due by `due_by` when given), soonest first."""
        table = guidance_pending_removals
        query = sa.select(table).order_by(table.c.delete_at, table.c.message_id)
        if due_by is not None:
            query = query.where(table.c.delete_at <= due_by)
        async with self._db.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [PendingRemoval(row.message_id, row.channel_id, _utc(row.delete_at)) for row in rows]

    async def forget_removal(self, message_id: int) -> None:
        async with self._db.begin() as connection:
            await connection.execute(
                sa.delete(guidance_pending_removals).where(guidance_pending_removals.c.message_id == message_id)
            )

    # -- people's languages ---------------------------------------------------------------------

    async def remember_locale(self, user_id: int, locale: str) -> None:
        """Store the locale a person's Discord client reported; written only when it changed."""
        locale = locale[:16]
        if self._locales.get(user_id) == locale:
            return
        values = {"user_id": user_id, "locale": locale, "seen_at": datetime.now(UTC)}
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(guidance_user_locales, values, ["user_id"]))
        self._locales[user_id] = locale

    def forget_cached(self, user_id: int) -> None:
        """After the person's rows were deleted: drop what memory still holds about them."""
        self._locales.pop(user_id, None)
        self._cache.clear()
        self._loading.forget_all()

    async def user_locale(self, user_id: int) -> str | None:
        """The locale last seen in this person's interactions, or None if they never used one."""
        if user_id in self._locales:
            return self._locales[user_id]
        async with self._db.connect() as connection:
            locale = (
                await connection.execute(
                    sa.select(guidance_user_locales.c.locale).where(guidance_user_locales.c.user_id == user_id)
                )
            ).scalar_one_or_none()
        self._locales[user_id] = locale
        return locale

    # -- helpers --------------------------------------------------------------------------------

    @asynccontextmanager
    async def _writing(self, guild_id: int) -> AsyncIterator[AsyncConnection]:
        """Serialise writes, run one in a transaction, then drop the cached state so the next
        read sees it."""
        async with self._lock:
            try:
                async with self._db.begin() as connection:
                    yield connection
            finally:
                self.forget(guild_id)

    async def _bump_version(self, connection: AsyncConnection, guild_id: int, *, mode: str | None = None) -> None:
        current = (
            await connection.execute(
                sa.select(guidance_settings.c.mode, guidance_settings.c.config_version).where(
                    guidance_settings.c.guild_id == guild_id
                )
            )
        ).first()
        values = {
            "guild_id": guild_id,
            "mode": mode or (current.mode if current else DEFAULT_MODE),
            "config_version": (current.config_version if current else 0) + 1,
            "updated_at": datetime.now(UTC),
        }
        await connection.execute(self._db.upsert(guidance_settings, values, ["guild_id"]))

