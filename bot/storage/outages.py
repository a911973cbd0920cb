"""Riding out a database that is unavailable for a while.

A PostgreSQL server restarts, fails over or drops off the network; a disk holding the SQLite file
fills up. Neither is a bug in the bot, and both end by themselves (or when someone frees space):
work that needs the database waits and retries (`Database.retrying`), and the log says once that
the database is unavailable, why, and what fixes it, then once that it is back — never a traceback
per message.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator

import sqlalchemy as sa

log = logging.getLogger("bot.storage")

# SQLSTATE classes and codes a PostgreSQL client sees while the server is away or overloaded.
_PG_TRANSIENT_CLASSES = ("08",)  # connection exception
_PG_TRANSIENT_CODES = frozenset({
    "57P01",  # admin_shutdown (the server is restarting)
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now (starting up, or in recovery)
    "53300",  # too_many_connections
    "53100",  # disk_full
})
# SQLite messages for conditions that pass: space returns, another writer finishes.
_SQLITE_TRANSIENT = ("database or disk is full", "disk i/o error", "database is locked")
_DISK_FULL = ("database or disk is full", "disk_full", "no space left on device")


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)


def is_transient(error: BaseException) -> bool:
    """Whether `error` means "the database is unavailable for now" rather than a bad query."""
    for link in _chain(error):
        if isinstance(link, sa.exc.DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(link, (sa.exc.DisconnectionError, sa.exc.TimeoutError, ConnectionError, TimeoutError)):
            return True
        if isinstance(link, OSError):  # refused, reset, unreachable
            return True
        sqlstate = getattr(link, "sqlstate", None)
        if isinstance(sqlstate, str) and (sqlstate[:2] in _PG_TRANSIENT_CLASSES or sqlstate in _PG_TRANSIENT_CODES):
            return True
        if type(link).__name__ in ("ConnectionDoesNotExistError", "InterfaceError") and "closed" in str(link):
            return True  # asyncpg: "connection was closed in the middle of operation", "connection is closed"
        if isinstance(link, sqlite3.OperationalError) and any(text in str(link).lower() for text in _SQLITE_TRANSIENT):
            return True
    return False


def describe(error: BaseException) -> str:
    """The innermost cause in one line, with the fix when there is a known one."""
    innermost = list(_chain(error))[-1]
    text = str(innermost).strip().splitlines()[0] if str(innermost).strip() else ""
    cause = f"{type(innermost).__name__}: {text}" if text else type(innermost).__name__
    if any(marker in cause.lower() for marker in _DISK_FULL):
        return f"the disk is full ({cause}); free space on the disk that holds the database"
    return cause


class OutageLog:
    """One line when the database becomes unavailable, one when it is back (per database)."""

    def __init__(self, label: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.label = label
        self.clock = clock
        self.since: float | None = None
        self.failures = 0
        # What failed during this outage. It is over when work that was being retried goes
        # through, or when everything that failed has worked again; a success of other work does
        # not count (a full disk still serves reads and small writes while bigger ones fail).
        self._failing: set[str] = set()

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException, doing: str) -> None:
        self.failures += 1
        self._failing.add(doing)
        if self.since is None:
            self.since = self.clock()
            log.warning("database %s unavailable while %s: %s; waiting and retrying",
                        self.label, doing, describe(error))

    def succeeded(self, doing: str, *, after_retrying: bool = False) -> None:
        self._failing.discard(doing)
        if self.since is not None and (after_retrying or not self._failing):
            self._failing.clear()
            log.warning("database %s available again after %.1f s (%d failed attempts)",
                        self.label, self.clock() - self.since, self.failures)
            self.since = None
            self.failures = 0
