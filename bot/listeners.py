"""Which message listeners discord.py starts, and which of Qiao's own copies it even reads.

discord.py starts one task per listener per event. Every relayed message comes back through the
gateway as Qiao's own webhook copy, and every listener that begins with "not from a person:
return" would get a task of its own only to return (several per relayed message, more asyncio work
than anything those listeners do). Such a listener is marked `@people_only`; the bot
(`MessageListeners`) does not schedule it for a message whose author is a bot or a webhook.
A listener that reads other bots' and webhooks' messages too, but never Qiao's own copies (the
bridge's), is marked `@not_for_own_copies`: the bot skips it for messages of the webhooks in its
`own_webhook_ids`, which the bridge's webhook sender fills.

A listener that can tell from what its cog holds in memory that a message is none of its business
(cat tax: not the server's cat-tax channel; topics: not a room) is marked `@only_if(check)`: the
check, made synchronously with the cog and the message, decides whether a task is started at all.
It answers True whenever it cannot tell without waiting (nothing loaded yet): the listener then
decides, as before.

When every `on_message` listener is marked `@people_only` or `@not_for_own_copies` and nothing waits for a message (`wait_for`), no
one reads Qiao's own copies: their MESSAGE_CREATE is not turned into a `discord.Message` at all
(building one costs as much as the gateway's decoding of it). Only the channel's last message id
is kept current, as discord.py would (catch-up reads it). An unmarked listener added later gets
the copies again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import discord
from discord.state import ConnectionState

F = TypeVar("F", bound=Callable[..., Any])

_PEOPLE_ONLY = "__qiao_people_only__"
_NOT_FOR_OWN_COPIES = "__qiao_not_for_own_copies__"
_ONLY_IF = "__qiao_only_if__"
# The channels whose last message id discord.py keeps from MESSAGE_CREATE (ConnectionState.parse_message_create).
_LAST_MESSAGE_KEPT = (discord.TextChannel, discord.VoiceChannel, discord.Thread, discord.StageChannel)


def people_only(listener: F) -> F:
    """Mark an `on_message` listener that ignores messages posted by bots and webhooks."""
    setattr(listener, _PEOPLE_ONLY, True)
    return listener


def not_for_own_copies(listener: F) -> F:
    """Mark an `on_message` listener that ignores the copies Qiao's own webhooks post."""
    setattr(listener, _NOT_FOR_OWN_COPIES, True)
    return listener


def only_if(check: Callable[[Any, Any], bool]) -> Callable[[F], F]:
    """Mark a cog's `on_message` listener with `check(cog, message)`: False skips the listener (no
    task) for a message the cog can already tell is not for it; True when it is, or may be."""

    def mark(listener: F) -> F:
        setattr(listener, _ONLY_IF, check)
        return listener

    return mark


def posted_by_a_person(message: Any) -> bool:
    return message.webhook_id is None and not message.author.bot


def _ignores_own_copies(listener: Any) -> bool:
    return getattr(listener, _PEOPLE_ONLY, False) or getattr(listener, _NOT_FOR_OWN_COPIES, False)


class MessageListeners:
    """Mixed into the bot (a `commands.Bot`): where discord.py schedules each listener and reads
    each gateway message."""

    own_webhook_ids: set[int]  # the ids of the webhooks Qiao posts its copies with (set by the bot)

    def _schedule_event(self, coro, event_name: str, *args: Any, **kwargs: Any) -> asyncio.Task | None:
        if event_name == "on_message" and args:
            message = args[0]
            if getattr(coro, _PEOPLE_ONLY, False) and not posted_by_a_person(message):
                return None
            if (getattr(coro, _NOT_FOR_OWN_COPIES, False) and message.webhook_id is not None
                    and message.webhook_id in self.own_webhook_ids):
                return None
            check = getattr(coro, _ONLY_IF, None)
            if check is not None and not check(coro.__self__, message):
                return None
        return super()._schedule_event(coro, event_name, *args, **kwargs)

    def _message_listeners(self) -> Iterator[Any]:
        own = getattr(self, "on_message", None)
        if own is not None:
            yield own
        yield from self.extra_events.get("on_message", ())

    def reads_own_copies(self) -> bool:
        """Whether anything would see one of Qiao's own copies: an unmarked `on_message`
        listener, or a `wait_for("message")`."""
        if self._listeners.get("message"):
            return True
        return not all(_ignores_own_copies(listener) for listener in self._message_listeners())

    def _get_state(self, **options: Any) -> ConnectionState:
        state = super()._get_state(**options)
        parse = state.parsers["MESSAGE_CREATE"]

        def parse_message_create(data: dict[str, Any]) -> None:
            webhook_id = data.get("webhook_id")
            if webhook_id is not None and int(webhook_id) in self.own_webhook_ids and not self.reads_own_copies():
                channel, _guild = state._get_guild_channel(data)
                if isinstance(channel, _LAST_MESSAGE_KEPT):
                    channel.last_message_id = int(data["id"])
                return
            parse(data)

        state.parsers["MESSAGE_CREATE"] = parse_message_create
        return state
