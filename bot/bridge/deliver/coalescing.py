"""Several queued copies in one post when a destination outruns Discord's limits.

Pure string work and decisions; the outbox (`bot/bridge/deliver/outbox.py`) applies them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.bridge.compose import MESSAGE_LIMIT, escape_name

# The webhook name a combined post goes out under (no single author's name and avatar fits it).
COMBINED_USERNAME = "Qiao · 多人"
# Longer copies go out on their own: a combined post must never need splitting mid-line.
MAX_LINE_CHARACTERS = 1500
MAX_LINES_PER_POST = 40


@dataclass(frozen=True, slots=True)
class CombinedLine:
    author_name: str
    text: str

    def render(self) -> str:
        return f"**{escape_name(self.author_name)}**: {self.text}"


def can_be_combined(text: str, parts: int) -> bool:
    return parts == 1 and len(text) <= MAX_LINE_CHARACTERS


def should_coalesce(backlog: int, last_single_waits_too_long: bool) -> bool:
    """Combine when posting the backlog one by one would keep its last copy waiting too long
    (longer than the pacing's target lag)."""
    return backlog > 1 and last_single_waits_too_long


def render_combined(lines: Sequence[CombinedLine], footer: str = "", limit: int = MESSAGE_LIMIT) -> str:
    """One post: one attributed line per copy, then the footer. Lines that do not fit are cut."""
    body = "\n".join(line.render() for line in lines)
    reserve = len(footer) + 1 if footer else 0
    if len(body) + reserve > limit:
        body = body[: limit - reserve - 1].rstrip() + "…"
    return "\n".join(part for part in (body, footer) if part)


def lines_fitting(
    lines: Sequence[CombinedLine], footer: str = "", limit: int = MESSAGE_LIMIT, max_lines: int | None = MAX_LINES_PER_POST,
) -> int:
    """How many of `lines`, from the first, fit in one post with `footer` (at least one).
    `max_lines=None`: as many as the characters allow (a heavy surge)."""
    used = len(footer) + 1 if footer else 0
    count = 0
    for line in lines[:max_lines]:
        needed = len(line.render()) + (1 if count else 0)
        if count and used + needed > limit:
            break
        used += needed
        count += 1
    return max(count, 1)
