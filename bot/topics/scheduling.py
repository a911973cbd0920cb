"""Daily icebreaker times: local hours in an IANA time zone, turned into UTC slots."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.topics.errors import TopicError

# A slot found this late (the bot was down) is skipped rather than posted at an odd hour.
MAX_LATENESS = timedelta(hours=3)


def parse_timezone(name: str) -> ZoneInfo:
    cleaned = name.strip()
    try:
        if not cleaned or cleaned.startswith(("/", ".")) or ".." in cleaned:
            raise ValueError(cleaned)
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TopicError("topics.error.bad_timezone", timezone=name) from None


def validate_hour(hour: int) -> int:
    if not 0 <= hour <= 23:
        raise TopicError("topics.error.bad_hour", hour=hour)
    return hour


def next_slot(after: datetime, hour: int, timezone: str) -> datetime:
    """The first `hour`:00 local time strictly after `after`, as an aware UTC datetime.

    On a day when that hour does not exist (spring-forward), zoneinfo's fold=0 reading places it
    an hour later, so every calendar day still gets exactly one slot.
    """
    zone = ZoneInfo(timezone)
    local_day = after.astimezone(zone).date()
    for offset in range(3):
        candidate = datetime.combine(local_day + timedelta(days=offset), time(hour), tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a daily slot always exists within three days")


def timezone_suggestions(query: str, limit: int = 25) -> list[str]:
    wanted = query.strip().casefold().replace(" ", "_")
    names = sorted(available_timezones())
    prefix = [name for name in names if name.casefold().startswith(wanted)]
    inside = [name for name in names if wanted in name.casefold() and name not in prefix]
    return (prefix + inside)[:limit]


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; they were stored as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
