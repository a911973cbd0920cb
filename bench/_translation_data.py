"""Shared bits of the translation benchmarks: the data they run on and an instant provider."""

from __future__ import annotations

import sys
from pathlib import Path

PAIRS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pairs" / "cmn-eng.tsv"


def load_pairs(path: Path = PAIRS) -> list[tuple[str, str]]:
    if not path.exists():
        sys.exit(f"sentence pairs not found at {path} (expected ../shared/data beside the project)")
    with path.open(encoding="utf-8") as lines:
        return [tuple(line.rstrip("\n").split("\t")[:2]) for line in lines]  # type: ignore[misc]


class InstantProvider:
    """Answers at once, in process: what remains is the bot's own overhead."""

    name = "instant"
    targets = frozenset({"en", "zh-Hans", "zh-Hant"})

    def __init__(self) -> None:
        self.calls = 0
        self.characters = 0

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        self.calls += 1
        self.characters += sum(len(text) for text in texts)
        return [f"《{text}》" for text in texts]


class NullStore:
    """A store that forgets everything: the in-memory LRU alone."""

    async def get_translations(self, keys):
        return {}

    async def put_translations(self, entries):
        return None

    async def add_usage(self, counts):
        return None

    async def usage(self, guild_id, first_day, last_day):
        return {}

    async def prune_translations(self, older_than):
        return 0
