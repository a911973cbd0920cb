"""Which language a person's private note is written in."""

from __future__ import annotations

from bot.i18n import resolve_locale


def speaks(locale: str | None) -> bool:
    """True when Qiao has notes in this Discord locale's language (English or Chinese)."""
    return bool(locale) and locale.replace("_", "-").lower().startswith(("en", "zh"))


def note_locale(remembered: str | None, language: str | None, script: str | None = None) -> str | None:
    """The person's own Discord locale (last seen in their interactions) when Qiao speaks it;
    else the language of what they wrote (Traditional Chinese when written in Traditional);
    None when neither says, and the caller falls back to the server's locale.

    A client set to a language Qiao has no notes in (French, say) tells less than the message."""
    if speaks(remembered):
        return resolve_locale(remembered)
    if language == "zh":
        return "zh-TW" if script == "traditional" else "zh-CN"
    if language == "en":
        return "en-US"
    return None
