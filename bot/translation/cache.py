"""Cache keys and the in-memory LRU layer (the persistent layer lives in ``store``)."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import OrderedDict

# Bump when the way translations are produced changes enough that stored ones should not be reused.
CACHE_FORMAT_VERSION = "1"


def normalise_source(text: str) -> str:
    """The provider-independent form a cache key is built from (NFC, outer whitespace removed)."""
    return unicodedata.normalize("NFC", text).strip()


def cache_key(text: str, source: str, target: str, salt: str = "") -> str:
    """64 hex characters identifying a translation of ``text``.

    ``salt`` carries anything else that changes the output, such as a glossary version, so a
    glossary edit never serves translations made with the old one.
    """
    material = "\x1f".join((CACHE_FORMAT_VERSION, source, target, salt, normalise_source(text)))
    return hashlib.sha256(material.encode()).hexdigest()


class LruCache:
    """A bounded mapping that forgets the least recently used entry first; size 0 stores nothing."""

    def __init__(self, max_size: int) -> None:
        if max_size < 0:
            raise ValueError("max_size must be >= 0")
        self._max_size = max_size
        self._entries: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> str | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: str, value: str) -> None:
        if not self._max_size:
            return
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_size:
            self._entries.popitem(last=False)
