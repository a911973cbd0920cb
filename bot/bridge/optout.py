"""People who asked that their own messages not be relayed: checked before any translation.

Cached in memory, written through, so the relay path never waits on the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_optouts
from bot.storage import Database


class OptOuts:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._users: set[int] = set()

    async def load(self) -> None:
        async with self._db.connect() as connection:
            self._users = set((await connection.execute(sa.select(bridge_optouts.c.user_id))).scalars())

    def is_opted_out(self, user_id: int) -> bool:
        return user_id in self._users

    async def opt_out(self, user_id: int) -> bool:
        """True when this changed something."""
        if user_id in self._users:
            return False
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(bridge_optouts, {"user_id": user_id, "created_at": datetime.now(UTC)}, ["user_id"]))
        self._users.add(user_id)
        return True

    async def opt_in(self, user_id: int) -> bool:
        if user_id not in self._users:
            return False
        async with self._db.begin() as connection:
            await connection.execute(sa.delete(bridge_optouts).where(bridge_optouts.c.user_id == user_id))
        self._users.discard(user_id)
        return True
