"""What one reader gets from the Translate menu before any provider is asked, without Discord."""

from __future__ import annotations

import pytest

from bot.bridge.reading import Reading, reader_target, reading_without_provider


@pytest.mark.parametrize(("locale", "target"), [("zh-TW", "zh-Hant"), ("zh-CN", "zh-Hans"), ("en-US", "en"), ("fr", "en")])
def test_a_readers_discord_locale_chooses_the_language_and_script(locale: str, target: str) -> None:
    assert reader_target(locale) == target


def test_nothing_to_translate_needs_no_provider() -> None:
    assert reading_without_provider("   ", "en") == Reading("nothing")
    assert reading_without_provider("👍 🎉", "zh-Hans") == Reading("nothing")


def test_text_already_in_the_readers_language_and_script_needs_no_provider() -> None:
    assert reading_without_provider("See you at the market tomorrow morning", "en") == Reading("already")
    assert reading_without_provider("我们明天早上在市场见面", "zh-Hans") == Reading("already")


def test_chinese_in_the_other_script_is_converted_not_translated() -> None:
    assert reading_without_provider("我们明天早上在市场见面", "zh-Hant") == Reading("converted", "我們明天早上在市場見面")
    assert reading_without_provider("我們明天早上在市場見面", "zh-Hans") == Reading("converted", "我们明天早上在市场见面")


def test_another_language_is_left_to_a_provider() -> None:
    assert reading_without_provider("我们明天早上在市场见面", "en") is None
    assert reading_without_provider("See you at the market tomorrow morning", "zh-Hant") is None
