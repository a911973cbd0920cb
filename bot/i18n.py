"""Message catalogues: gettext `.po` files read with Babel, one per domain and Discord locale.

msgids are keys (`bridge.link.done`); msgstrs use `{placeholder}` fields. English (en-US) is the
fallback for anything missing in another locale.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from bot.command_mentions import CommandMentions, is_command_placeholder

log = logging.getLogger(__name__)

FALLBACK_LOCALE = "en-US"
SUPPORTED_LOCALES = ("en-US", "zh-CN", "zh-TW")
DEFAULT_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_LOCALE_ALIASES = {
    "en": "en-US",
    "en-gb": "en-US",
    "en-us": "en-US",
    "zh": "zh-CN",
    "zh-cn": "zh-CN",
    "zh-hans": "zh-CN",
    "zh-sg": "zh-CN",
    "zh-tw": "zh-TW",
    "zh-hant": "zh-TW",
    "zh-hk": "zh-TW",
    "zh-mo": "zh-TW",
}


def resolve_locale(locale: object) -> str:
    """Map a discord.Locale, a Discord locale string or a BCP 47 tag to a supported locale."""
    raw = str(getattr(locale, "value", locale) or "").replace("_", "-").lower()
    if raw in _LOCALE_ALIASES:
        return _LOCALE_ALIASES[raw]
    if raw.startswith("zh"):
        return "zh-CN"
    return FALLBACK_LOCALE


def chinese_variant(locale: object) -> str:
    """The Chinese catalogue to use for `locale`: zh-TW for Traditional readers, else zh-CN."""
    resolved = resolve_locale(locale)
    return resolved if resolved in ("zh-CN", "zh-TW") else "zh-CN"


ELLIPSIS = "…"


def shorten(value: object, limit: int = 100) -> str:
    """`value` as text of at most `limit` characters, cut with "…" — for echoing user input (a
    term, a name, a time zone) in a reply, which Discord refuses past 2,000 characters."""
    text = str(value)
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def placeholders(text: str) -> set[str]:
    return set(_placeholders(text))


@lru_cache(maxsize=4096)
def _placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@lru_cache(maxsize=4096)
def _command_placeholders(text: str) -> tuple[str, ...]:
    return tuple(name for name in _placeholders(text) if is_command_placeholder(name))


@lru_cache(maxsize=4)
def _read_catalogues(files: tuple[tuple[str, Path, int], ...]) -> dict[str, dict[str, str]]:
    """The messages of each locale's .po files, read once per process for the same files (a file
    changed on disk has another modification time, so it is read again). Parsing the catalogues is
    the slowest part of building a bot (about 0.1 s of CPU), and tests build hundreds."""
    catalogues: dict[str, dict[str, str]] = {}
    for locale, po_file, _modified in files:
        with po_file.open("rb") as handle:
            catalogue = read_po(handle, locale=locale.replace("-", "_"))
        messages = catalogues.setdefault(locale, {})
        for message in catalogue:
            if message.id and message.string and not message.fuzzy:
                messages[str(message.id)] = str(message.string)
    return catalogues


@dataclass
class I18n:
    catalogues: dict[str, dict[str, str]]
    # Fills `{/bridge optin}` placeholders with Discord command mentions (ids learned at sync/start).
    mentions: CommandMentions = field(default_factory=CommandMentions)

    @classmethod
    def load(cls, directory: Path = DEFAULT_LOCALE_DIR) -> I18n:
        files = tuple(
            (locale, po_file, po_file.stat().st_mtime_ns)
            for locale in SUPPORTED_LOCALES
            for po_file in sorted((directory / locale / "LC_MESSAGES").glob("*.po"))
        )
        read = _read_catalogues(files)
        return cls({locale: dict(read.get(locale, {})) for locale in SUPPORTED_LOCALES})

    def keys(self, locale: str = FALLBACK_LOCALE) -> set[str]:
        return set(self.catalogues.get(locale, {}))

    def has(self, key: str) -> bool:
        return key in self.catalogues.get(FALLBACK_LOCALE, {})

    def template(self, key: str, locale: object = FALLBACK_LOCALE) -> str:
        resolved = resolve_locale(locale)
        text = self.catalogues.get(resolved, {}).get(key)
        if text is None:
            text = self.catalogues.get(FALLBACK_LOCALE, {}).get(key)
        if text is None:
            log.warning("missing message key %s", key)
            return key
        return text

    def t(self, key: str, locale: object = FALLBACK_LOCALE, /, **fields: object) -> str:
        template = self.template(key, locale)
        fields = self._with_mentions(template, fields)
        try:
            return template.format(**fields)
        except (KeyError, IndexError, ValueError):
            log.warning("message %s could not be formatted for %s", key, locale)
            fallback = self.template(key, FALLBACK_LOCALE)
            return fallback.format_map(_KeepMissing(self._with_mentions(fallback, fields)))

    def _with_mentions(self, template: str, fields: dict[str, object]) -> dict[str, object]:
        """Every `{/command sub}` in a text becomes that command's mention: one helper for all."""
        commands = _command_placeholders(template)
        if not commands:
            return fields
        return {**{name: self.mentions.mention(name) for name in commands}, **fields}

    def mention(self, qualified_name: str) -> str:
        return self.mentions.mention(qualified_name)

    def bilingual(self, key: str, /, separator: str = " · ", chinese: object = "zh-CN", **fields: object) -> str:
        """English and Chinese together, for public messages that both sides read.

        `chinese` picks the Chinese variant: Simplified by default; a public reply to a command
        passes the caller's locale so a zh-TW caller reads Traditional (an English caller gets
        Simplified, see `chinese_variant`)."""
        english = self.t(key, "en-US", **fields)
        chinese = self.t(key, chinese_variant(chinese), **fields)
        if english == chinese:
            return english
        return f"{english}{separator}{chinese}"

    def all_locales(self, key: str, **fields: object) -> dict[str, str]:
        return {locale: self.t(key, locale, **fields) for locale in SUPPORTED_LOCALES}


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def iter_po_files(directory: Path = DEFAULT_LOCALE_DIR) -> Iterable[Path]:
    return sorted(directory.glob("*/LC_MESSAGES/*.po"))
