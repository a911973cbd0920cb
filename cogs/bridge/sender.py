"""Posting, editing and deleting copies through one "Qiao bridge" webhook per channel."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.bridge.models import Destination
from bot.bridge.relay import CopyGone, DeliveryError, DestinationForbidden, DestinationGone, SentMessage

log = logging.getLogger(__name__)

WEBHOOK_NAME = "Qiao bridge"
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
NO_PINGS = discord.AllowedMentions.none()


class WebhookSender:
    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot
        self._webhooks: dict[int, discord.Webhook] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.own_webhook_ids: set[int] = set()

    def is_own_webhook(self, webhook_id: int) -> bool:
        return webhook_id in self.own_webhook_ids

    def forget_channel(self, channel_id: int) -> None:
        self._webhooks.pop(channel_id, None)

    async def send(self, destination: Destination, content: str, *, username: str, avatar_url: str | None) -> SentMessage:
        for attempt in range(2):
            webhook = await self._webhook(destination.webhook_channel_id)
            try:
                message = await webhook.send(
                    content, username=username, avatar_url=avatar_url or discord.utils.MISSING,
                    allowed_mentions=NO_PINGS, wait=True, thread=_thread(destination),
                )
            except discord.NotFound as error:
                if error.code == UNKNOWN_WEBHOOK and attempt == 0:
                    log.info("bridge webhook was deleted channel=%s: creating a new one", destination.webhook_channel_id)
                    self._webhooks.pop(destination.webhook_channel_id, None)
                    continue
                raise _translate_error(error) from error
            except discord.HTTPException as error:
                raise _translate_error(error) from error
            return SentMessage(message.id, webhook.id)
        raise DeliveryError("webhook vanished twice")

    async def edit(self, destination: Destination, webhook_id: int, message_id: int, content: str) -> None:
        webhook = await self._webhook_by_id(destination.webhook_channel_id, webhook_id)
        if webhook is None:
            raise CopyGone(f"webhook {webhook_id} no longer exists")
        try:
            await webhook.edit_message(message_id, content=content, allowed_mentions=NO_PINGS, thread=_thread(destination))
        except discord.HTTPException as error:
            raise _translate_error(error) from error

    async def delete(self, destination: Destination, webhook_id: int, message_id: int) -> None:
        webhook = await self._webhook_by_id(destination.webhook_channel_id, webhook_id)
        try:
            if webhook is not None:
                await webhook.delete_message(message_id, thread=_thread(destination))
            else:
                # The webhook is gone; with Manage Messages the bot can still remove its copy.
                await self.bot.http.delete_message(destination.channel_id, message_id)
        except discord.HTTPException as error:
            raise _translate_error(error) from error

    async def _webhook(self, channel_id: int) -> discord.Webhook:
        cached = self._webhooks.get(channel_id)
        if cached is not None:
            return cached
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        async with lock:
            cached = self._webhooks.get(channel_id)
            if cached is not None:
                return cached
            channel = await self._channel(channel_id)
            try:
                webhook = next((hook for hook in await channel.webhooks() if self._is_ours(hook)), None)
                if webhook is None:
                    webhook = await channel.create_webhook(name=WEBHOOK_NAME, reason="Qiao bridge copies")
            except discord.HTTPException as error:
                raise _translate_error(error) from error
            self._webhooks[channel_id] = webhook
            self.own_webhook_ids.add(webhook.id)
            return webhook

    async def _webhook_by_id(self, channel_id: int, webhook_id: int) -> discord.Webhook | None:
        current = await self._webhook(channel_id)
        if current.id == webhook_id:
            return current
        channel = await self._channel(channel_id)
        try:
            hooks = await channel.webhooks()
        except discord.HTTPException as error:
            raise _translate_error(error) from error
        return next((hook for hook in hooks if hook.id == webhook_id and hook.token), None)

    def _is_ours(self, webhook: discord.Webhook) -> bool:
        user = self.bot.user
        return webhook.token is not None and webhook.user is not None and user is not None and webhook.user.id == user.id

    async def _channel(self, channel_id: int) -> discord.TextChannel:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.NotFound as error:
                raise DestinationGone(str(error)) from error
            except discord.HTTPException as error:
                raise _translate_error(error) from error
        if not hasattr(channel, "webhooks"):
            raise DeliveryError(f"channel {channel_id} cannot hold webhooks")
        return channel


def _thread(destination: Destination) -> discord.abc.Snowflake:
    return discord.Object(destination.thread_id) if destination.thread_id else discord.utils.MISSING


def _translate_error(error: discord.HTTPException) -> DeliveryError:
    if isinstance(error, discord.Forbidden):
        return DestinationForbidden(error.text or str(error))
    if isinstance(error, discord.NotFound):
        if error.code == UNKNOWN_CHANNEL:
            return DestinationGone(error.text or str(error))
        if error.code in (UNKNOWN_MESSAGE, UNKNOWN_WEBHOOK):
            return CopyGone(error.text or str(error))
    return DeliveryError(f"HTTP {error.status}: {error.text or error}")
