"""Per-guild configuration read on every message: cached in memory, written through."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.single_flight import SingleFlight
from bot.storage import Database
from bot.storage.schema import guild_modules, guild_settings

MODULES = ("bridge", "cattax", "topics", "guidance", "flags")


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    log_channel_id: int | None = None
    locale: str | None = None


class GuildConfig:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._settings: dict[int, GuildSettings] = {}
        self._modules: dict[int, dict[str, bool]] = {}
        self._lock = asyncio.Lock()
        # A burst of messages from a server not cached yet (after a restart) reads it once.
        self._loading_settings: SingleFlight[int, GuildSettings] = SingleFlight()
        self._loading_modules: SingleFlight[int, dict[str, bool]] = SingleFlight()

    async def settings(self, guild_id: int) -> GuildSettings:
        cached = self._settings.get(guild_id)
        if cached is not None:
            return cached
        return await self._loading_settings.load(
            guild_id, lambda: self._load_settings(guild_id), lambda loaded: self._settings.__setitem__(guild_id, loaded),
        )

    async def _load_settings(self, guild_id: int) -> GuildSettings:
        async with self._db.connect() as connection:
            row = (
                await connection.execute(sa.select(guild_settings).where(guild_settings.c.guild_id == guild_id))
            ).first()
        return GuildSettings(guild_id, row.log_channel_id, row.locale) if row else GuildSettings(guild_id)

    async def update(self, guild_id: int, **changes: object) -> GuildSettings:
        async with self._lock:
            updated = replace(await self.settings(guild_id), **changes)
            values = {
                "guild_id": guild_id,
                "log_channel_id": updated.log_channel_id,
                "locale": updated.locale,
                "updated_at": datetime.now(UTC),
            }
            async with self._db.begin() as connection:
                await connection.execute(self._db.upsert(guild_settings, values, ["guild_id"]))
            self._settings[guild_id] = updated
            self._loading_settings.forget(guild_id)
            return updated

    async def modules(self, guild_id: int) -> dict[str, bool]:
        cached = self._modules.get(guild_id)
        if cached is not None:
            return cached
        return await self._loading_modules.load(
            guild_id, lambda: self._load_modules(guild_id), lambda states: self._modules.__setitem__(guild_id, states),
        )

    async def _load_modules(self, guild_id: int) -> dict[str, bool]:
        states = dict.fromkeys(MODULES, True)

        async def read() -> list:
            async with self._db.connect() as connection:
                return (await connection.execute(
                    sa.select(guild_modules.c.module, guild_modules.c.enabled).where(guild_modules.c.guild_id == guild_id)
                )).all()

        # Messages wait for an unavailable database rather than being dropped (read once per server).
        for module, enabled in await self._db.retrying(read, doing="reading a server's modules"):
            if module in states:
                states[module] = bool(enabled)
        return states

    async def module_enabled(self, guild_id: int, module: str) -> bool:
        return (await self.modules(guild_id)).get(module, True)

    async def set_module(self, guild_id: int, module: str, enabled: bool) -> None:
        if module not in MODULES:
            raise ValueError(f"unknown module {module!r}")
        async with self._lock:
            async with self._db.begin() as connection:
                await connection.execute(
                    self._db.upsert(
                        guild_modules,
                        {"guild_id": guild_id, "module": module, "enabled": enabled},
                        ["guild_id", "module"],
                    )
                )
            states = dict(await self.modules(guild_id))
            states[module] = enabled
            self._modules[guild_id] = states
            self._loading_modules.forget(guild_id)

    async def reset(self, guild_id: int) -> None:
        """Delete this server's core settings and module switches (back to the defaults)."""
        async with self._lock:
            async with self._db.begin() as connection:
                await connection.execute(sa.delete(guild_settings).where(guild_settings.c.guild_id == guild_id))
                await connection.execute(sa.delete(guild_modules).where(guild_modules.c.guild_id == guild_id))
            self.forget(guild_id)

    def forget(self, guild_id: int) -> None:
        self._settings.pop(guild_id, None)
        self._modules.pop(guild_id, None)
        self._loading_settings.forget(guild_id)
        self._loading_modules.forget(guild_id)
