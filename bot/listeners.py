"""Message listeners that only read people's messages are not started for a bot's or a webhook's.

discord.py starts one task per listener per event. Every relayed message comes back through the
gateway as Qiao's own webhook copy, and every listener that begins with "not from a person:
return" would get a task of its own only to return (several per relayed message, more asyncio work
than anything those listeners do). Such a listener is marked `@people_only`; the bot
(`PeopleOnlyListeners`) does not schedule it for a message whose author is a bot or a webhook.
A listener that reads other bots' and webhooks' messages too, but never Qiao's own copies (the
bridge's), is marked `@not_for_own_copies`: the bot skips it for messages of the webhooks in its
`own_webhook_ids`, which the bridge's webhook sender fills.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_PEOPLE_ONLY = "__qiao_people_only__"
_NOT_FOR_OWN_COPIES = "__qiao_not_for_own_copies__"


def people_only(listener: F) -> F:
    """Mark an `on_message` listener that ignores messages posted by bots and webhooks."""
    setattr(listener, _PEOPLE_ONLY, True)
    return listener


def not_for_own_copies(listener: F) -> F:
    """Mark an `on_message` listener that ignores the copies Qiao's own webhooks post."""
    setattr(listener, _NOT_FOR_OWN_COPIES, True)
    return listener


def posted_by_a_person(message: Any) -> bool:
    return message.webhook_id is None and not message.author.bot


class PeopleOnlyListeners:
    """Mixed into the bot (a `discord.Client`): where discord.py schedules each listener."""

    own_webhook_ids: set[int]  # the ids of the webhooks Qiao posts its copies with (set by the bot)

    def _schedule_event(self, coro, event_name: str, *args: Any, **kwargs: Any) -> asyncio.Task | None:
        if event_name == "on_message" and args:
            message = args[0]
            if getattr(coro, _PEOPLE_ONLY, False) and not posted_by_a_person(message):
                return None
            if (getattr(coro, _NOT_FOR_OWN_COPIES, False) and message.webhook_id is not None
                    and message.webhook_id in self.own_webhook_ids):
                return None
        return super()._schedule_event(coro, event_name, *args, **kwargs)
