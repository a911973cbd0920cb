"""`bot.bridge_relay`: the bridge as a service other cogs use for bilingual spaces."""

from __future__ import annotations

import logging

import discord

from bot.bridge.compose import Labels
from bot.bridge.models import Bridge, BridgeChannel, Destination, Script
from bot.bridge.deliver.webhook import DeliveryError
from bot.bridge.engine import RelayEngine
from bot.bridge.remember.store import BridgeStore
from cogs.bridge.sender import WebhookSender
from cogs.bridge.snapshot import RELAYED_TYPES, snapshot

log = logging.getLogger(__name__)

# Ad-hoc mixed spaces (not registered in the database) use this bridge id.
UNREGISTERED_BRIDGE = 0


def build_labels(i18n) -> Labels:
    return Labels(
        machine_translation="🌐 " + i18n.bilingual("bridge.label.machine_translation"),
        translation_unavailable="⚠️ " + i18n.bilingual("bridge.label.translation_unavailable"),
        forwarded="↪ " + i18n.bilingual("bridge.label.forwarded"),
        translation_of={
            "en": i18n.template("bridge.label.translation_of", "en-US"),
            "zh-Hans": i18n.template("bridge.label.translation_of", "zh-CN"),
            "zh-Hant": i18n.template("bridge.label.translation_of", "zh-TW"),
        },
    )


class BridgeRelay:
    """What other cogs may call (available as `bot.bridge_relay` while the bridge cog is loaded).

    - `await relay_mixed(message, thread=None)`: post the translation of `message` right under it
      (in `thread` when given), as in a mixed bridge channel. Does nothing for channels that are
      registered bridges (their listener relays already) and for messages a bridge must ignore.
    - `await register_mixed(channel_or_thread, script="simplified")`: make a channel or thread
      a mixed bridge channel for good (stored; every message in it is then relayed).
    - `await unregister(channel_id)`: take a channel or thread out of its bridge.
    - `is_bridged(channel_id)`: whether the bridge already relays messages in that channel.
    """

    def __init__(self, bot) -> None:
        self.bot = bot
        self.store = BridgeStore(bot.db)
        self.sender = WebhookSender(bot)
        self.engine: RelayEngine | None = None

    def attach(self, engine: RelayEngine) -> None:
        self.engine = engine

    def is_bridged(self, channel_id: int) -> bool:
        return self.store.bridge_of_cached(channel_id) is not None

    def should_relay(self, message: discord.Message) -> bool:
        """The loop and echo guards every relayed message passes."""
        if message.guild is None or message.type not in RELAYED_TYPES:
            return False
        if getattr(message.channel, "type", None) is discord.ChannelType.private_thread:
            return False  # private threads stay private: never relayed, never translated
        if message.webhook_id is not None:
            if self.sender.is_own_webhook(message.webhook_id):
                return False
            return not self.bot.settings.ignore_other_bots
        author = message.author
        if self.bot.user is not None and author.id == self.bot.user.id:
            return False
        if author.bot and self.bot.settings.ignore_other_bots:
            return False
        if author.system:
            return False
        if message.content.strip() or message.attachments or message.stickers:
            return True
        # A forward: empty content, the forwarded text and files in message_snapshots.
        return any(s.content.strip() or s.attachments or s.stickers or s.embeds for s in message.message_snapshots)

    async def relay_mixed(
        self, message: discord.Message, *, thread: discord.Thread | None = None, script: Script = "simplified",
        show_label: bool = True,
    ) -> int:
        """Queue the translation of `message` under it; returns the number of copies queued."""
        space = thread or message.channel
        if self.engine is None or self.is_bridged(space.id) or not self.should_relay(message):
            return 0
        parent_id = space.parent_id if isinstance(space, discord.Thread) else None
        channel = BridgeChannel(space.id, UNREGISTERED_BRIDGE, message.guild.id, "mixed", script, show_label, parent_id)
        # A message living elsewhere (e.g. a thread's starter) gets its translation in the thread.
        return self.engine.relay_into(snapshot(message), channel)

    async def register_mixed(
        self, channel: discord.TextChannel | discord.Thread, *, script: Script = "simplified", show_label: bool = True,
    ) -> Bridge:
        existing = await self.store.bridge_of(channel.id)
        if existing is not None:
            return existing
        parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
        return await self.store.create_bridge(
            channel.guild.id, "mixed",
            [{"channel_id": channel.id, "language": "mixed", "script": script, "show_label": show_label, "parent_id": parent_id}],
        )

    async def unregister(self, channel_id: int) -> bool:
        removed = await self.store.remove_channel(channel_id)
        self.sender.forget_channel(channel_id)
        return removed is not None


class ModeratorProblems:
    """Tells moderators once about channels the bridge cannot post in, and drops deleted ones."""

    def __init__(self, bot, relay: BridgeRelay) -> None:
        self.bot = bot
        self.relay = relay

    async def forbidden(self, destination: Destination, error: DeliveryError) -> None:
        guild = self.bot.get_guild(destination.guild_id)
        if guild is None:
            return
        await self.bot.moderator_notices.notify_once(
            guild, f"bridge.forbidden.{destination.channel_id}", "bridge.notice.missing_permissions",
            channel=f"<#{destination.channel_id}>",
        )

    async def channel_gone(self, destination: Destination) -> None:
        removed = await self.relay.unregister(destination.channel_id)
        guild = self.bot.get_guild(destination.guild_id)
        if removed and guild is not None:
            await self.bot.moderator_notices.notify_once(
                guild, f"bridge.deleted.{destination.channel_id}", "bridge.notice.channel_deleted",
                channel_id=destination.channel_id,
            )
