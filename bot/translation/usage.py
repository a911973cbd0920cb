"""Per-guild daily usage counters and their summaries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date


@dataclass
class UsageCounts:
    characters: int = 0  # characters sent to the provider in successful calls
    calls: int = 0  # successful provider calls
    cache_hits: int = 0  # requests answered without any provider call
    failures: int = 0  # failed provider calls

    def add(self, other: UsageCounts) -> None:
        self.characters += other.characters
        self.calls += other.calls
        self.cache_hits += other.cache_hits
        self.failures += other.failures

    def __bool__(self) -> bool:
        return bool(self.characters or self.calls or self.cache_hits or self.failures)


UsageKey = tuple[int, date, str]  # guild_id (0 = none), UTC day, provider ("cache" for hits)


@dataclass(frozen=True)
class UsageStats:
    """Totals for one guild over a span of days, for ``/bridge stats``."""

    guild_id: int
    first_day: date
    last_day: date
    by_provider: dict[str, UsageCounts] = field(default_factory=dict)

    @property
    def total(self) -> UsageCounts:
        total = UsageCounts()
        for counts in self.by_provider.values():
            total.add(counts)
        return total

    @property
    def cache_hit_rate(self) -> float:
        """Share of requests answered from the cache (0 when nothing was asked)."""
        total = self.total
        requests = total.cache_hits + total.calls
        return total.cache_hits / requests if requests else 0.0


class UsageBuffer:
    """Counts in memory until they are flushed to the store in one write."""

    def __init__(self) -> None:
        self._pending: defaultdict[UsageKey, UsageCounts] = defaultdict(UsageCounts)
        # Per provider since the process started, never flushed: what the metrics endpoint reports.
        self.totals: defaultdict[str, UsageCounts] = defaultdict(UsageCounts)

    def add(self, key: UsageKey, counts: UsageCounts) -> None:
        if counts:
            self._pending[key].add(counts)
            self.totals[key[2]].add(counts)

    def take(self) -> dict[UsageKey, UsageCounts]:
        taken = dict(self._pending)
        self._pending.clear()
        return taken

    def put_back(self, taken: dict[UsageKey, UsageCounts]) -> None:
        for key, counts in taken.items():
            self._pending[key].add(counts)

    def __bool__(self) -> bool:
        return bool(self._pending)
