"""What the bot needs in a bridged channel, and what a missing permission stops. Discord-free:
permissions are named as discord.py's `Permissions` attributes.

A text or announcement channel: copies are posted through its webhook (View Channel, Send
Messages, Manage Webhooks); its threads are mirrored (Create Public Threads to open the partner
thread, Send Messages in Threads to post in it, Manage Threads to mirror archiving, locking and
renaming of threads the bot did not open). A forum or media channel takes no messages of its own:
posts are opened through its webhook (View Channel, Manage Webhooks) and live as threads (Send
Messages in Threads, Manage Threads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

ChannelKind = Literal["text", "forum"]

# The order moderators read them in (Discord's settings list).
ORDER: tuple[str, ...] = (
    "view_channel", "send_messages", "manage_webhooks", "create_public_threads", "send_messages_in_threads",
    "manage_threads",
)

# Without these nothing reaches the channel (nor its threads or posts).
_POSTING: dict[ChannelKind, tuple[str, ...]] = {
    "text": ("view_channel", "send_messages", "manage_webhooks"),
    "forum": ("view_channel", "manage_webhooks"),
}
# Without these nothing reaches its threads or posts.
_IN_THREADS: tuple[str, ...] = ("send_messages_in_threads",)
# Without these threads are not opened or their state not mirrored; copies still flow.
_UPKEEP: dict[ChannelKind, tuple[str, ...]] = {
    "text": ("create_public_threads", "manage_threads"),
    "forum": ("manage_threads",),
}


def needed(kind: ChannelKind) -> tuple[str, ...]:
    wanted = set(_POSTING[kind]) | set(_IN_THREADS) | set(_UPKEEP[kind])
    return tuple(name for name in ORDER if name in wanted)


@dataclass(frozen=True, slots=True)
class PermissionCheck:
    """The outcome of checking one bridged channel: what is missing and what that stops."""

    kind: ChannelKind
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def blocks_channel(self) -> bool:
        """Copies into the channel itself cannot be posted (nor posts opened in a forum)."""
        return any(name in self.missing for name in _POSTING[self.kind])

    @property
    def blocks_threads(self) -> bool:
        """Copies into its threads (a forum's posts) cannot be posted."""
        return self.blocks_channel or any(name in self.missing for name in _IN_THREADS)

    def blocks(self, *, in_thread: bool) -> bool:
        return self.blocks_threads if in_thread else self.blocks_channel


def check(kind: ChannelKind, granted: Callable[[str], bool] | Iterable[str]) -> PermissionCheck:
    """`granted`: the permission names the bot has there, or a test for one name."""
    has = granted if callable(granted) else set(granted).__contains__
    return PermissionCheck(kind, tuple(name for name in needed(kind) if not has(name)))
