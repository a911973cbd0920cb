"""What the engine needs from Discord's webhooks: a `Sender`, what a post returns, and how a call can fail.

The cog's `WebhookSender` (cogs/bridge/sender.py) implements `Sender`; `webhook_calls.py` wraps it
with pacing and retries. Discord-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.bridge.models import Destination


class DeliveryError(Exception):
    """Discord refused a webhook call for a reason other than the ones below."""


class DestinationForbidden(DeliveryError):
    """The bot lacks a permission there (Manage Webhooks, Send Messages, View Channel)."""


class DestinationGone(DeliveryError):
    """The channel no longer exists."""


class CopyGone(DeliveryError):
    """The copy was deleted by someone: nothing to edit or delete."""


class TransientDeliveryError(DeliveryError):
    """Discord or the network failed for now (429 of any scope, 5xx, a dropped socket, a timeout):
    the call is to be tried again later, never given up.

    `retry_after`: Discord's own "not before" (seconds), when it said one. `is_global`: the whole
    bot is limited, not this webhook. `uncertain`: the request may have been carried out although
    no answer came back (a reset or timeout after sending, a 5xx from a proxy), so a post must be
    looked for before it is sent again."""

    def __init__(self, message: str, *, retry_after: float | None = None, is_global: bool = False,
                 uncertain: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.is_global = is_global
        self.uncertain = uncertain


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: int
    webhook_id: int
    # Discord said this webhook's bucket is empty for this long (X-RateLimit-Remaining: 0).
    reset_after: float | None = None


class Sender(Protocol):
    async def send(
        self, destination: Destination, content: str, *, username: str, avatar_url: str | None
    ) -> SentMessage: ...

    async def edit(self, destination: Destination, webhook_id: int, message_id: int, content: str) -> None: ...

    async def delete(self, destination: Destination, webhook_id: int, message_id: int) -> None: ...

    async def find_posted(self, destination: Destination, content: str, *, after_message_id: int,
                          line: str | None = None) -> SentMessage | None:
        """A post of ours with exactly `content` (or, given `line`, a combined post with that line),
        newer than `after_message_id`, if one exists (after an uncertain failure: was the post
        carried out although no answer came back?)."""
        ...


class ProblemReporter(Protocol):
    async def forbidden(self, destination: Destination, error: DeliveryError) -> None: ...

    async def channel_gone(self, destination: Destination) -> None: ...
