"""Names: slugs, channel names, and finding a topic from what a person typed in either language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.chinese_scripts import to_simplified, to_traditional
from bot.topics.models import Topic

MAX_NAME_LENGTH = 60
MAX_CHANNEL_NAME = 100

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated: "Mothers-in-law & Daughters!" -> "mothers-in-law-daughters"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:60].strip("-")


def unique_slug(base: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    base = base or "topic"
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def channel_name(slug: str, chinese_name: str) -> str:
    """A text-channel name both sides can read in the sidebar: "groceries-买菜与物价" (or, in a
    server that chose Traditional, "groceries-買菜與物價")."""
    chinese = re.sub(r"[\s\W]+", "", chinese_name)
    name = f"{slug}-{chinese}" if chinese else slug
    return name[:MAX_CHANNEL_NAME]


def normalise_query(text: str) -> str:
    """Case-, width- and script-insensitive form: Traditional becomes Simplified."""
    text = unicodedata.normalize("NFKC", text).strip().lstrip("#").casefold()
    return to_simplified(text)


def _names(topic: Topic) -> list[str]:
    return [
        normalise_query(name)
        for name in (topic.slug, topic.name_en, topic.name_zh_hans, topic.name_zh_hant)
    ]


def find_exact(topics: Iterable[Topic], query: str) -> Topic | None:
    """The topic whose slug, English or Chinese name (either script) is `query`, or its only partial match."""
    wanted = normalise_query(query)
    if not wanted:
        return None
    candidates = list(topics)
    for topic in candidates:
        if wanted in _names(topic) or wanted == normalise_query(channel_name(topic.slug, topic.name_zh_hans)):
            return topic
    partial = [topic for topic in candidates if any(wanted in name for name in _names(topic))]
    return partial[0] if len(partial) == 1 else None


def search(topics: Iterable[Topic], query: str, limit: int = 25) -> list[Topic]:
    """Topics matching `query` for autocomplete: name prefixes first, then anywhere in a name."""
    wanted = normalise_query(query)
    ranked: list[tuple[int, int, Topic]] = []
    for order, topic in enumerate(topics):
        names = _names(topic)
        if not wanted:
            rank = 0
        elif any(name.startswith(wanted) for name in names):
            rank = 0
        elif any(wanted in name for name in names):
            rank = 1
        else:
            continue
        ranked.append((rank, order, topic))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [topic for _, _, topic in ranked[:limit]]
