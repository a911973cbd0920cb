"""Discord's 3-second rule, kept for every command however long its handler takes.

Discord drops an interaction that gets no answer (nor a deferral) within 3 s of its creation; the
person sees "The application did not respond", and the answer the handler sends later fails. A
handler that is fast on an idle machine can take longer on a busy one (the database, the event
loop, a slow Discord request before the answer). So every command's answer is watched here: when
the handler has not answered DEFER_AFTER seconds after the interaction was created, the response
is deferred ("Qiao is thinking…"), and what the handler then sends through
`interaction.response.send_message` goes out as the follow-up that fills in the deferred reply.
Handlers keep answering with `interaction.response` as usual.

A deferred reply's visibility is chosen at the deferral: private, unless the command declares in
its `extras` that it answers publicly (PUBLIC_ANSWER).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

log = logging.getLogger(__name__)

# Seconds after the interaction's creation (Discord allows 3): room for the deferral's own trip.
DEFER_AFTER = 2.0
# `extras` key of a command whose answer everyone in the channel sees.
PUBLIC_ANSWER = "public_answer"


class DeadlineResponse(discord.InteractionResponse):
    """`interaction.response` for a command: answers go out one at a time (the automatic deferral
    and the handler's own answer never both reach Discord), and an answer sent after the automatic
    deferral becomes its follow-up."""

    __slots__ = ("_answering", "_deferred_for_handler", "_deferred_privately", "_deferring", "_filled_in", "_watch")

    def __init__(self, parent: discord.Interaction) -> None:
        super().__init__(parent)
        self._answering = asyncio.Lock()
        self._deferred_for_handler = False
        self._deferred_privately = True
        self._deferring = False
        self._filled_in = False
        self._watch: asyncio.Task[None] | None = None

    @property
    def deferred_automatically(self) -> bool:
        return self._deferred_for_handler

    def watch(self, *, ephemeral: bool, defer_after: float = DEFER_AFTER) -> None:
        """Defer the response if it is still unanswered `defer_after` seconds after the interaction
        was created (by Discord's clock in its id; a clock running late counts from now)."""
        age = (discord.utils.utcnow() - self._parent.created_at).total_seconds()
        delay = defer_after - min(max(age, 0.0), defer_after)
        self._watch = asyncio.create_task(self._defer_when_late(delay, ephemeral), name="interaction answer deadline")

    async def stop_watching(self) -> None:
        if self._watch is None:
            return
        if not self._deferring:
            self._watch.cancel()  # a deferral already on its way to Discord is let finish
        await asyncio.gather(self._watch, return_exceptions=True)
        self._watch = None

    async def _defer_when_late(self, delay: float, ephemeral: bool) -> None:
        await asyncio.sleep(delay)
        async with self._answering:
            if self.is_done():
                return
            self._deferring = True
            try:
                await discord.InteractionResponse.defer(self, ephemeral=ephemeral, thinking=True)
            except discord.HTTPException as error:
                log.warning("could not defer a slow command's answer guild=%s: %s", self._parent.guild_id, error)
                return
            finally:
                self._deferring = False
            self._deferred_for_handler = True
            self._deferred_privately = ephemeral
        log.debug("deferred the answer to /%s, still running after %.1f s", _command_name(self._parent), DEFER_AFTER)

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> Any:
        async with self._answering:
            if self._deferred_for_handler:
                return None  # deferred already, as the handler now asks
            return await super().defer(ephemeral=ephemeral, thinking=thinking)

    async def send_message(self, content: Any = None, **fields: Any) -> Any:
        async with self._answering:
            if not self._deferred_for_handler:
                return await super().send_message(content, **fields)
            if not self._filled_in:
                self._filled_in = True
                if bool(fields.get("ephemeral", False)) != self._deferred_privately:
                    # The first follow-up fills in the "thinking" message, whose visibility the
                    # deferral chose: when the answer wants the other one, that message gives way.
                    await self._parent.delete_original_response()
        delete_after = fields.pop("delete_after", None)
        message = await self._parent.followup.send(content, wait=True, **fields)
        if delete_after is not None:
            await message.delete(delay=delete_after)
        return None

    async def send_modal(self, modal: discord.ui.Modal, /) -> Any:
        async with self._answering:
            return await super().send_modal(modal)

    async def edit_message(self, **fields: Any) -> Any:
        async with self._answering:
            return await super().edit_message(**fields)


async def call_within_deadline(interaction: discord.Interaction, handle) -> None:
    """Run `handle()` (the command tree's dispatch of `interaction`) with its answer watched."""
    if interaction.type is not discord.InteractionType.application_command:
        await handle()
        return
    response = DeadlineResponse(interaction)
    interaction._cs_response = response  # discord.py's cached `interaction.response`
    command = interaction.command
    extras = getattr(command, "extras", None) or {}
    response.watch(ephemeral=not extras.get(PUBLIC_ANSWER, False))
    try:
        await handle()
    finally:
        await response.stop_watching()


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return command.qualified_name if command else "?"
