"""Daily icebreaker times: local hours in an IANA time zone, turned into UTC slots."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.i18n import shorten
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
        raise TopicError("topics.error.bad_timezone", timezone=shorten(name, 64)) from None


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


# Where Qiao's servers' members mostly live: offered first, before the alphabetical rest.
COMMON_TIMEZONES = (
    "America/New_York", "America/Los_Angeles", "America/Chicago", "Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong",
    "Europe/London", "Australia/Sydney", "America/Denver", "America/Toronto", "America/Vancouver", "Asia/Singapore",
    "Asia/Tokyo", "Europe/Berlin", "Europe/Paris", "Australia/Melbourne", "Pacific/Auckland", "UTC",
)
MAX_TIMEZONE_QUERY = 64


def timezone_suggestions(query: str, limit: int = 25) -> list[str]:
    """Zones matching `query` (prefix matches first), the common ones ahead of the rest; with an
    empty query, only the common zones (not Africa/Abidjan onwards)."""
    wanted = query[:MAX_TIMEZONE_QUERY].strip().casefold().replace(" ", "_")
    known = available_timezones()
    common = [name for name in COMMON_TIMEZONES if name in known]
    if not wanted:
        return common[:limit]
    names = common + sorted(known - set(common))
    prefix = [name for name in names if name.casefold().startswith(wanted)]
    inside = [name for name in names if wanted in name.casefold() and not name.casefold().startswith(wanted)]
    return (prefix + inside)[:limit]


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; they were stored as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
