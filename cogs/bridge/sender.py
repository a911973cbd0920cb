"""Posting, editing and deleting copies through one "Qiao bridge" webhook per channel.

A webhook call is made once per `send`/`edit`/`delete`, with the answer read here: discord.py's
webhook adapter retries a 429 or a 5xx five times and then raises, which would hide how long to
wait and lose the copy. Here every transient answer (429 of any scope, 5xx from Discord or its
proxies, a dropped socket, a timeout) becomes a `TransientDeliveryError` saying how long Discord
asked to wait, and the engine keeps the copy queued in its outbox and retries (bot/bridge/deliver/retries.py).
Finding and creating the webhook and reading history go through discord.py's HTTP client.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

import aiohttp
import discord
import discord.http

from bot.bridge.models import Destination
from bot.bridge.deliver.webhook import (
    CopyGone,
    DeliveryError,
    DestinationForbidden,
    DestinationGone,
    SentMessage,
    TransientDeliveryError,
)
from bot.bridge.deliver.retries import DiscordAnswer

log = logging.getLogger(__name__)

WEBHOOK_NAME = "Qiao bridge"
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
# Discord refuses to edit or delete a message in an archived thread (its client unarchives first);
# only posting unarchives one by itself.
THREAD_ARCHIVED = 50083
NO_PINGS = discord.AllowedMentions.none()
# A webhook call that has not answered by then is treated as lost in transit (and looked for).
CALL_TIMEOUT_SECONDS = 30.0
# How far back an uncertain post is looked for (one history page).
FIND_POSTED_LIMIT = 100

T = TypeVar("T")


class _Refused(Exception):
    """A final (non-transient) error answer to a webhook call."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"HTTP {status} (code {code}): {message}")
        self.status = status
        self.code = code
        self.message = message


class WebhookSender:
    def __init__(self, bot: discord.Client, *, timeout: float = CALL_TIMEOUT_SECONDS) -> None:
        self.bot = bot
        self.timeout = timeout
        self._webhooks: dict[int, discord.Webhook] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        # The bot's own set when it keeps one: it then skips listeners that ignore Qiao's copies.
        self.own_webhook_ids: set[int] = getattr(bot, "own_webhook_ids", set())
        # Unarchives a thread for the calls made inside it and archives it again after (set by the
        # bridge cog's thread mirroring, which must not mirror those changes to the partner threads).
        self.reopen_thread: Callable[[int], AbstractAsyncContextManager[None]] | None = None

    def is_own_webhook(self, webhook_id: int) -> bool:
        return webhook_id in self.own_webhook_ids

    def forget_channel(self, channel_id: int) -> None:
        self._webhooks.pop(channel_id, None)

    # -- the three webhook calls -------------------------------------------------------------

    async def send(self, destination: Destination, content: str, *, username: str, avatar_url: str | None) -> SentMessage:
        payload: dict[str, Any] = {"content": content, "username": username, "allowed_mentions": NO_PINGS.to_dict()}
        if avatar_url:
            payload["avatar_url"] = avatar_url
        if destination.post is not None:
            # A forum post opened by this copy: the answer's id is the new thread's (and its starter's).
            payload["thread_name"] = destination.post.title
            if destination.post.tag_ids:
                payload["applied_tags"] = [str(tag_id) for tag_id in destination.post.tag_ids]
        params = {"wait": "true", **_thread_param(destination)}
        for attempt in range(2):
            webhook = await self._webhook(destination.webhook_channel_id)
            try:
                data, answer = await self._call("POST", webhook, "", payload, params)
            except _Refused as refused:
                if refused.status == 404 and refused.code == UNKNOWN_WEBHOOK:
                    log.info("bridge webhook was deleted channel=%s: creating a new one", destination.webhook_channel_id)
                    self._webhooks.pop(destination.webhook_channel_id, None)
                    if attempt == 0:
                        continue
                    # Deleted again at once: try later rather than drop the copy.
                    raise TransientDeliveryError("the bridge webhook was deleted twice in a row") from refused
                raise _delivery_error(refused.status, refused.code, refused.message) from refused
            return SentMessage(int(data["id"]), webhook.id, answer.reset_after if answer.exhausted else None)
        raise AssertionError("unreachable")

    async def edit(self, destination: Destination, webhook_id: int, message_id: int, content: str) -> None:
        webhook = await self._webhook_by_id(destination.webhook_channel_id, webhook_id)
        if webhook is None:
            raise CopyGone(f"webhook {webhook_id} no longer exists")
        payload = {"content": content, "allowed_mentions": NO_PINGS.to_dict()}
        try:
            await self._call_in_thread(destination, "PATCH", webhook, f"/messages/{message_id}", payload)
        except _Refused as refused:
            raise _delivery_error(refused.status, refused.code, refused.message) from refused

    async def delete(self, destination: Destination, webhook_id: int, message_id: int) -> None:
        webhook = await self._webhook_by_id(destination.webhook_channel_id, webhook_id)
        if webhook is None:
            # The webhook is gone; with Manage Messages the bot can still remove its copy.
            await _discord(self.bot.http.delete_message(destination.channel_id, message_id))
            return
        try:
            await self._call_in_thread(destination, "DELETE", webhook, f"/messages/{message_id}", None)
        except _Refused as refused:
            raise _delivery_error(refused.status, refused.code, refused.message) from refused

    async def find_posted(self, destination: Destination, content: str, *, after_message_id: int,
                          line: str | None = None) -> SentMessage | None:
        """Our webhook's post of `content` (or a combined post holding `line`) after `after_message_id`
        in the destination, if any."""
        if destination.post is not None:
            return await self._find_opened_post(destination, after_message_id)
        try:
            if not self.own_webhook_ids:  # after a restart: which webhook is ours
                await self._webhook(destination.webhook_channel_id)
            messages = await _discord(self.bot.http.logs_from(destination.channel_id, FIND_POSTED_LIMIT, after=after_message_id))
        except DestinationForbidden:
            # No Read Message History: cannot tell, so post (a rare double beats a loss).
            return None
        wanted = content.strip()
        for message in sorted(messages, key=lambda message: int(message["id"])):
            webhook_id = int(message.get("webhook_id") or 0)
            if webhook_id not in self.own_webhook_ids:
                continue
            text = (message.get("content") or "").strip()
            if text == wanted or (line and line in text.splitlines()):
                return SentMessage(int(message["id"]), webhook_id)
        return None

    async def _find_opened_post(self, destination: Destination, after_message_id: int) -> SentMessage | None:
        """A forum holds no messages of its own: a post our webhook opened is one of the server's
        active threads in that forum, with the title asked for and our webhook as its owner."""
        data = await _discord(self.bot.http.get_active_threads(destination.guild_id))
        for thread in sorted(data.get("threads") or [], key=lambda thread: int(thread["id"])):
            owner = int(thread.get("owner_id") or 0)
            if (int(thread.get("parent_id") or 0) == destination.channel_id and int(thread["id"]) > after_message_id
                    and owner in self.own_webhook_ids and thread.get("name") == destination.post.title):
                return SentMessage(int(thread["id"]), owner)
        return None

    async def _call_in_thread(
        self, destination: Destination, method: str, webhook: discord.Webhook, suffix: str, payload: dict[str, Any] | None,
    ) -> tuple[Any, DiscordAnswer]:
        """An edit or delete of a copy; in an archived thread, made while the thread is unarchived."""
        params = _thread_param(destination)
        try:
            return await self._call(method, webhook, suffix, payload, params)
        except _Refused as refused:
            if refused.code != THREAD_ARCHIVED or not destination.thread_id or self.reopen_thread is None:
                raise
        async with self.reopen_thread(destination.thread_id):
            return await self._call(method, webhook, suffix, payload, params)

    async def _call(
        self, method: str, webhook: discord.Webhook, suffix: str, payload: dict[str, Any] | None, params: dict[str, str],
    ) -> tuple[Any, DiscordAnswer]:
        url = f"{discord.http.Route.BASE}/webhooks/{webhook.id}/{webhook.token}{suffix}"
        # Never the URL itself in a message: it holds the webhook's token.
        what = f"{method} webhook {webhook.id}{suffix}"
        session: aiohttp.ClientSession = self.bot.session
        try:
            async with session.request(
                method, url, json=payload, params=params or None, headers={"User-Agent": self.bot.http.user_agent},
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                body = await _read_body(response)
                answer = DiscordAnswer.of(response.status, response.headers, body)
        except aiohttp.ClientConnectorError as error:
            # Never connected: the request certainly did not reach Discord.
            raise TransientDeliveryError(f"{what}: cannot connect ({error.os_error or error})") from error
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise TransientDeliveryError(f"{what}: {type(error).__name__} {error}".rstrip(), uncertain=method == "POST") from error
        if 200 <= answer.status < 300:
            return body, answer
        message, code = _message_and_code(body)
        if answer.transient:
            raise TransientDeliveryError(
                f"{what}: HTTP {answer.status} {message}".rstrip(), retry_after=answer.retry_after, is_global=answer.is_global,
                uncertain=method == "POST" and answer.status >= 500,
            )
        raise _Refused(answer.status, code, message)

    # -- the channel's webhook ------------------------------------------------------------------

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
            webhook = next((hook for hook in await _discord(channel.webhooks()) if self._is_ours(hook)), None)
            if webhook is None:
                webhook = await _discord(channel.create_webhook(name=WEBHOOK_NAME, reason="Qiao bridge copies"))
            self._webhooks[channel_id] = webhook
            self.own_webhook_ids.add(webhook.id)
            return webhook

    async def _webhook_by_id(self, channel_id: int, webhook_id: int) -> discord.Webhook | None:
        current = await self._webhook(channel_id)
        if current.id == webhook_id:
            return current
        channel = await self._channel(channel_id)
        hooks = await _discord(channel.webhooks())
        return next((hook for hook in hooks if hook.id == webhook_id and hook.token), None)

    def _is_ours(self, webhook: discord.Webhook) -> bool:
        user = self.bot.user
        return webhook.token is not None and webhook.user is not None and user is not None and webhook.user.id == user.id

    async def _channel(self, channel_id: int) -> discord.TextChannel:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            channel = await _discord(self.bot.fetch_channel(channel_id))
        if not hasattr(channel, "webhooks"):
            raise DeliveryError(f"channel {channel_id} cannot hold webhooks")
        return channel


def _thread_param(destination: Destination) -> dict[str, str]:
    return {"thread_id": str(destination.thread_id)} if destination.thread_id else {}


async def _read_body(response: aiohttp.ClientResponse) -> Any:
    text = await response.text(encoding="utf-8", errors="replace")
    if response.content_type == "application/json":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _message_and_code(body: Any) -> tuple[str, int]:
    if isinstance(body, dict):
        return str(body.get("message", "")), int(body.get("code") or 0)
    # An HTML page from Cloudflare or nginx, or envoy's plain text: its title line is enough.
    text = " ".join(str(body or "").split())
    return text[:120], 0


def _delivery_error(status: int, code: int, message: str) -> DeliveryError:
    text = f"HTTP {status} (code {code}): {message}"
    if status == 403:
        return DestinationForbidden(text)
    if status == 404:
        if code == UNKNOWN_CHANNEL:
            return DestinationGone(text)
        if code in (UNKNOWN_MESSAGE, UNKNOWN_WEBHOOK):
            return CopyGone(text)
    return DeliveryError(text)


async def _discord(call: Awaitable[T]) -> T:
    """Await a discord.py REST call, turning its errors into the bridge's delivery errors."""
    try:
        return await call
    except discord.HTTPException as error:
        status = error.status
        if status == 429 or status >= 500:
            headers = error.response.headers if error.response is not None else {}
            answer = DiscordAnswer.of(status, headers)
            raise TransientDeliveryError(
                f"HTTP {status}: {error.text or error}", retry_after=answer.retry_after, is_global=answer.is_global,
            ) from error
        raise _delivery_error(status, error.code, error.text or str(error)) from error
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        raise TransientDeliveryError(f"{type(error).__name__} {error}".rstrip()) from error
