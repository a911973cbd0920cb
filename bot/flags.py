"""Flag reactions: which translation a flag asks for, and in which language to say so."""

from __future__ import annotations

SIMPLIFIED_FLAGS = ("🇨🇳",)
TRADITIONAL_FLAGS = ("🇹🇼", "🇭🇰", "🇲🇴")
ENGLISH_FLAGS = ("🇺🇸", "🇬🇧", "🇨🇦", "🇦🇺", "🇳🇿", "🇮🇪")

_TARGETS = {
    **dict.fromkeys(SIMPLIFIED_FLAGS, "zh-Hans"),
    **dict.fromkeys(TRADITIONAL_FLAGS, "zh-Hant"),
    **dict.fromkeys(ENGLISH_FLAGS, "en"),
}
_LOCALES = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "en": "en-US"}

# One person may ask for this many flag translations a minute.
FLAGS_PER_MINUTE = 6
# A reply in the channel for someone whose DMs are closed is removed after this long.
FALLBACK_REPLY_SECONDS = 60.0


def flag_target(emoji: str) -> str | None:
    """The translation a flag reaction asks for ("en", "zh-Hans", "zh-Hant"), or None."""
    return _TARGETS.get(emoji)


def flag_locale(target: str) -> str:
    """The catalogue to speak in when the person chose no language: the one the flag asked for."""
    return _LOCALES[target]
