"""Meta-tests: every locale has the same keys and placeholders, and the catalogues are valid .po."""

import pytest

from bot.i18n import FALLBACK_LOCALE, SUPPORTED_LOCALES, I18n, iter_po_files, placeholders, resolve_locale, shorten

CATALOGUES = I18n.load()


def test_po_files_exist_for_every_locale() -> None:
    domains_by_locale = {
        locale: {path.stem for path in iter_po_files() if path.parts[-3] == locale} for locale in SUPPORTED_LOCALES
    }
    assert domains_by_locale[FALLBACK_LOCALE], "no catalogue found"
    assert len({frozenset(domains) for domains in domains_by_locale.values()}) == 1, domains_by_locale


@pytest.mark.parametrize("locale", [locale for locale in SUPPORTED_LOCALES if locale != FALLBACK_LOCALE])
def test_every_locale_has_the_same_keys(locale: str) -> None:
    english = CATALOGUES.keys(FALLBACK_LOCALE)
    translated = CATALOGUES.keys(locale)
    assert english - translated == set(), f"missing in {locale}"
    assert translated - english == set(), f"only in {locale}"


@pytest.mark.parametrize("locale", [locale for locale in SUPPORTED_LOCALES if locale != FALLBACK_LOCALE])
def test_every_locale_has_the_same_placeholders(locale: str) -> None:
    mismatched = {
        key: (placeholders(text), placeholders(CATALOGUES.catalogues[locale].get(key, "")))
        for key, text in CATALOGUES.catalogues[FALLBACK_LOCALE].items()
        if placeholders(text) != placeholders(CATALOGUES.catalogues[locale].get(key, ""))
    }
    assert mismatched == {}


def test_unknown_locales_fall_back_to_english() -> None:
    assert CATALOGUES.t("core.error.guild_only", "fr") == CATALOGUES.t("core.error.guild_only", "en-US")


@pytest.mark.parametrize(
    ("given", "expected"),
    [("zh-CN", "zh-CN"), ("zh-TW", "zh-TW"), ("en-GB", "en-US"), ("zh-HK", "zh-TW"), ("ja", "en-US"), (None, "en-US")],
)
def test_discord_locales_resolve(given, expected) -> None:
    assert resolve_locale(given) == expected


def test_bilingual_text_has_both_languages() -> None:
    text = CATALOGUES.bilingual("core.log_channel.cleared")
    assert "system channel" in text and "系统频道" in text


def test_a_missing_field_does_not_crash_a_reply() -> None:
    assert "{module}" in CATALOGUES.t("core.modules.enabled", "zh-CN")


def test_bilingual_text_picks_the_callers_chinese() -> None:
    traditional = CATALOGUES.bilingual("core.log_channel.cleared", chinese="zh-TW")
    assert "system channel" in traditional and "系統頻道" in traditional
    # English (or unknown) callers read Simplified next to the English, as before.
    assert CATALOGUES.bilingual("core.log_channel.cleared", chinese="en-US") == CATALOGUES.bilingual("core.log_channel.cleared")


def test_shorten_keeps_echoed_input_short() -> None:
    assert shorten("cat") == "cat"
    cut = shorten("cat " * 550, 100)
    assert len(cut) <= 100 and cut.endswith("…")
    assert shorten("x" * 100, 100) == "x" * 100
