from datetime import UTC, datetime

import pytest

from bot.topics import scheduling
from bot.topics.errors import TopicError


def test_next_slot_is_today_when_the_hour_is_still_ahead():
    after = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)  # 07:00 in New York
    assert scheduling.next_slot(after, 9, "America/New_York") == datetime(2025, 1, 15, 14, 0, tzinfo=UTC)


def test_next_slot_is_tomorrow_once_the_hour_has_passed():
    after = datetime(2025, 1, 15, 14, 0, tzinfo=UTC)  # exactly 09:00 in New York
    assert scheduling.next_slot(after, 9, "America/New_York") == datetime(2025, 1, 16, 14, 0, tzinfo=UTC)


def test_next_slot_follows_daylight_saving_time():
    before_change = datetime(2025, 3, 8, 15, 0, tzinfo=UTC)
    assert scheduling.next_slot(before_change, 9, "America/New_York") == datetime(2025, 3, 9, 13, 0, tzinfo=UTC)


def test_next_slot_in_shanghai():
    after = datetime(2025, 1, 15, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    assert scheduling.next_slot(after, 20, "Asia/Shanghai") == datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def test_a_missing_local_hour_still_gives_one_slot_that_day():
    after = datetime(2025, 3, 9, 5, 0, tzinfo=UTC)  # 00:00 in New York; 02:00 does not exist that day
    slot = scheduling.next_slot(after, 2, "America/New_York")
    assert slot.date() == datetime(2025, 3, 9).date()


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "America/"])
def test_unknown_timezones_are_refused_with_a_message_key(name):
    with pytest.raises(TopicError) as refused:
        scheduling.parse_timezone(name)
    assert refused.value.key == "topics.error.bad_timezone"


def test_known_timezone_is_accepted():
    assert scheduling.parse_timezone(" Asia/Taipei ").key == "Asia/Taipei"


@pytest.mark.parametrize("hour", [-1, 24])
def test_hours_outside_the_day_are_refused(hour):
    with pytest.raises(TopicError):
        scheduling.validate_hour(hour)


def test_timezone_suggestions_prefer_prefixes():
    suggestions = scheduling.timezone_suggestions("asia/sh")
    assert suggestions[0] == "Asia/Shanghai"
    assert "America/New_York" in scheduling.timezone_suggestions("new york")


def test_timezone_suggestions_start_with_common_zones():
    assert scheduling.timezone_suggestions("")[:4] == ["America/New_York", "America/Los_Angeles", "America/Chicago",
                                                       "Asia/Shanghai"]
    assert "Africa/Abidjan" not in scheduling.timezone_suggestions("")
    assert scheduling.timezone_suggestions("america")[0] == "America/New_York"
    assert scheduling.timezone_suggestions("x" * 3000) == []
