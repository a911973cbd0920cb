"""One-time codes that link a channel of another server into a bridge.

A moderator of server A asks for a code for one of A's bridged channels; a moderator of server B
redeems it for one of B's channels. Nothing else lets one server reach another's channels.
Codes are random (50 bits), expire, are single-use, and only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_invites
from bot.storage import Database

INVITE_LIFETIME = timedelta(minutes=15)
# No 0/O, 1/I/L: codes are read aloud and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
CODE_PREFIX = "QIAO"

Clock = Callable[[], datetime]


def new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{CODE_PREFIX}-{body[:5]}-{body[5:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(character for character in code.upper() if character.isalnum())
    return cleaned.removeprefix(CODE_PREFIX)


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


class Refusal(Enum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    OWN_SERVER = "own_server"
    BRIDGE_GONE = "bridge_gone"


@dataclass(frozen=True, slots=True)
class Invite:
    bridge_id: int
    guild_id: int
    channel_id: int
    expires_at: datetime
    used_at: datetime | None


def refusal_for(invite: Invite | None, *, accepting_guild_id: int, now: datetime, bridge_exists: bool) -> Refusal | None:
    """Why this code may not be redeemed by `accepting_guild_id` now (None: it may)."""
    if invite is None:
        return Refusal.UNKNOWN
    if invite.used_at is not None:
        return Refusal.USED
    if now >= invite.expires_at:
        return Refusal.EXPIRED
    if invite.guild_id == accepting_guild_id:
        return Refusal.OWN_SERVER
    if not bridge_exists:
        return Refusal.BRIDGE_GONE
    return None


class InviteBook:
    def __init__(self, db: Database, *, clock: Clock = lambda: datetime.now(UTC), lifetime: timedelta = INVITE_LIFETIME) -> None:
        self._db = db
        self.clock = clock
        self.lifetime = lifetime

    async def create(self, bridge_id: int, guild_id: int, channel_id: int, created_by: int) -> tuple[str, datetime]:
        code = new_code()
        now = self.clock()
        expires_at = now + self.lifetime
        async with self._db.begin() as connection:
            await connection.execute(sa.insert(bridge_invites).values(
                code_hash=hash_code(code), bridge_id=bridge_id, guild_id=guild_id, channel_id=channel_id,
                created_by=created_by, created_at=now, expires_at=expires_at,
            ))
        return code, expires_at

    async def find(self, code: str) -> Invite | None:
        async with self._db.connect() as connection:
            row = (await connection.execute(sa.select(bridge_invites).where(bridge_invites.c.code_hash == hash_code(code)))).first()
        if row is None:
            return None
        return Invite(row.bridge_id, row.guild_id, row.channel_id, _aware(row.expires_at), _aware(row.used_at))

    async def mark_used(self, code: str, by_guild_id: int) -> bool:
        """Use the code once; False when someone else used it first."""
        async with self._db.begin() as connection:
            result = await connection.execute(
                sa.update(bridge_invites)
                .where(bridge_invites.c.code_hash == hash_code(code), bridge_invites.c.used_at.is_(None))
                .values(used_at=self.clock(), used_by_guild_id=by_guild_id)
            )
        return (result.rowcount or 0) == 1


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands timezone-aware columns back naive.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
