"""Shipped bilingual data for topic rooms: starter topics and their prompt bank.

Discord-free: this module only loads and validates ``locale/data/topics.json``.

File format (UTF-8 JSON)::

    {
      "version": 1,
      "topics": [
        {
          "slug": "groceries",                 # channel-safe: ^[a-z0-9-]{1,90}$
          "emoji": "🛒",
          "name":        {"en": "...", "zh_hans": "...", "zh_hant": "..."},
          "description": {"en": "...", "zh_hans": "...", "zh_hant": "..."},
          "prompts": [{"en": "...", "zh_hans": "...", "zh_hant": "..."}, ...]
        }
      ]
    }

Any structural problem raises :class:`TopicsDataError` (a ``ValueError``) whose
message names the file and the location of the problem, e.g.
``topics.json: topics[3].prompts[7].zh_hant: must be a non-empty string``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_TOPICS_PATH",
    "SLUG_RE",
    "SUPPORTED_VERSION",
    "Prompt",
    "StarterTopic",
    "TopicsDataError",
    "load_starter_topics",
    "normalize_lang",
    "parse_starter_topics",
]

#: The repository's shipped data file (``<repo>/locale/data/topics.json``).
DEFAULT_TOPICS_PATH = Path(__file__).resolve().parent.parent / "locale" / "data" / "topics.json"

#: Discord text-channel-safe slug.
SLUG_RE = re.compile(r"^[a-z0-9-]{1,90}$")

SUPPORTED_VERSION = 1

_LANG_KEYS = ("en", "zh_hans", "zh_hant")

# Accepted spellings -> canonical key. Includes Discord locale codes.
_LANG_ALIASES = {
    "en": "en",
    "en-us": "en",
    "en-gb": "en",
    "zh": "zh_hans",
    "zh-hans": "zh_hans",
    "zh-cn": "zh_hans",
    "zh-sg": "zh_hans",
    "zh-hant": "zh_hant",
    "zh-tw": "zh_hant",
    "zh-hk": "zh_hant",
    "zh-mo": "zh_hant",
}


class TopicsDataError(ValueError):
    """The topics data file is missing, not JSON, or does not match the schema."""


def normalize_lang(lang: str) -> str:
    """Map ``"en"``, ``"zh-CN"``, ``"zh-TW"``, ``"zh_hant"`` ... to ``en``/``zh_hans``/``zh_hant``.

    Other ``en-*`` codes map to ``en``; other ``zh-*`` codes map to ``zh_hant`` when they
    mention Hant/TW/HK/MO and to ``zh_hans`` otherwise;
    anything else raises ``ValueError``.
    """
    key = lang.strip().lower().replace("_", "-")
    if key in _LANG_ALIASES:
        return _LANG_ALIASES[key]
    if key.startswith("en-"):
        return "en"
    if key.startswith("zh-"):
        parts = set(key.split("-")[1:])
        return "zh_hant" if parts & {"hant", "tw", "hk", "mo"} else "zh_hans"
    raise ValueError(f"unsupported language {lang!r}; expected en, zh_hans or zh_hant")


@dataclass(frozen=True, slots=True)
class Prompt:
    """One discussion prompt in English, Simplified and Traditional Chinese."""

    en: str
    zh_hans: str
    zh_hant: str

    def text(self, lang: str) -> str:
        """The prompt in one language (see :func:`normalize_lang`)."""
        return getattr(self, normalize_lang(lang))

    def bilingual(self, script: str = "zh_hans", sep: str = " · ") -> str:
        """``"English · 中文"`` with the chosen Chinese script (``zh_hans`` / ``zh_hant``)."""
        key = normalize_lang(script)
        if key == "en":
            raise ValueError("script must be a Chinese variant (zh_hans or zh_hant)")
        return f"{self.en}{sep}{getattr(self, key)}"


@dataclass(frozen=True, slots=True)
class StarterTopic:
    """A starter topic room. ``prompts`` is a list, so instances are not hashable."""

    slug: str
    emoji: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    description_en: str
    description_zh_hans: str
    description_zh_hant: str
    prompts: list[Prompt] = field(default_factory=list)

    def name(self, lang: str) -> str:
        return getattr(self, f"name_{normalize_lang(lang)}")

    def description(self, lang: str) -> str:
        return getattr(self, f"description_{normalize_lang(lang)}")


def _fail(source: str, where: str, problem: str) -> TopicsDataError:
    return TopicsDataError(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")


def _text(obj: dict[str, Any], key: str, where: str, source: str) -> str:
    if key not in obj:
        raise _fail(source, where, f"missing key {key!r}")
    value = obj[key]
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, f"{where}.{key}" if where else key, "must be a non-empty string")
    return value


def _trilingual(obj: Any, where: str, source: str) -> dict[str, str]:
    if not isinstance(obj, dict):
        raise _fail(source, where, f"must be an object with keys {', '.join(_LANG_KEYS)}")
    return {k: _text(obj, k, where, source) for k in _LANG_KEYS}


def _parse_topic(raw: Any, where: str, source: str) -> StarterTopic:
    if not isinstance(raw, dict):
        raise _fail(source, where, "must be an object")
    slug = _text(raw, "slug", where, source)
    if not SLUG_RE.fullmatch(slug):
        raise _fail(source, f"{where}.slug", f"{slug!r} is not channel-safe (need {SLUG_RE.pattern})")
    emoji = _text(raw, "emoji", where, source)
    for key in ("name", "description", "prompts"):
        if key not in raw:
            raise _fail(source, where, f"missing key {key!r}")
    name = _trilingual(raw["name"], f"{where}.name", source)
    desc = _trilingual(raw["description"], f"{where}.description", source)
    raw_prompts = raw["prompts"]
    if not isinstance(raw_prompts, list) or not raw_prompts:
        raise _fail(source, f"{where}.prompts", "must be a non-empty list")
    prompts = [
        Prompt(**_trilingual(p, f"{where}.prompts[{i}]", source)) for i, p in enumerate(raw_prompts)
    ]
    return StarterTopic(
        slug=slug,
        emoji=emoji,
        name_en=name["en"],
        name_zh_hans=name["zh_hans"],
        name_zh_hant=name["zh_hant"],
        description_en=desc["en"],
        description_zh_hans=desc["zh_hans"],
        description_zh_hant=desc["zh_hant"],
        prompts=prompts,
    )


def parse_starter_topics(data: Any, source: str = "<topics data>") -> list[StarterTopic]:
    """Validate already-decoded JSON data and build the topic list."""
    if not isinstance(data, dict):
        raise _fail(source, "", "top level must be an object with 'version' and 'topics'")
    version = data.get("version")
    if version != SUPPORTED_VERSION:
        raise _fail(source, "version", f"unsupported version {version!r} (expected {SUPPORTED_VERSION})")
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        raise _fail(source, "topics", "must be a non-empty list")
    topics = [_parse_topic(t, f"topics[{i}]", source) for i, t in enumerate(raw_topics)]
    seen: set[str] = set()
    for i, topic in enumerate(topics):
        if topic.slug in seen:
            raise _fail(source, f"topics[{i}].slug", f"duplicate slug {topic.slug!r}")
        seen.add(topic.slug)
    return topics


def load_starter_topics(path: str | Path | None = None) -> list[StarterTopic]:
    """Load and validate the starter topics (default: the shipped ``locale/data/topics.json``).

    Raises :class:`TopicsDataError` if the file is missing, unreadable, not valid
    UTF-8 JSON, or does not match the schema.
    """
    file = Path(path) if path is not None else DEFAULT_TOPICS_PATH
    source = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(source, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(source, "", f"cannot read file ({exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(source, "", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    return parse_starter_topics(data, source)
