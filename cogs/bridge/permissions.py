"""The bot's permissions in bridged channels as Discord reports them, checked against what the
bridge needs (bot/bridge/permission_needs.py), and said to people in their language."""

from __future__ import annotations

import discord

from bot.bridge.permission_needs import ChannelKind, PermissionCheck, check


def channel_kind(channel: object) -> ChannelKind:
    """Forum and media channels (discord.py's ForumChannel) hold posts; everything else messages."""
    return "forum" if isinstance(channel, discord.ForumChannel) else "text"


def governing_channel(channel: object) -> object:
    """Permissions in a thread are the parent channel's (where its webhook lives)."""
    if isinstance(channel, discord.Thread) and channel.parent is not None:
        return channel.parent
    return channel


def check_channel(channel: object, me: discord.Member) -> PermissionCheck:
    """What the bot lacks in `channel` (a thread is checked through its parent)."""
    parent = governing_channel(channel)
    granted = parent.permissions_for(me)
    return check(channel_kind(parent), lambda name: bool(getattr(granted, name)))


def blocks_delivery(channel: object, me: discord.Member) -> bool:
    """No copy can be posted into `channel` (a channel, or a thread / forum post) now."""
    return check_channel(channel, me).blocks(in_thread=isinstance(channel, discord.Thread))


def _permission_names(i18n, locale: str, result: PermissionCheck) -> str:
    separator = i18n.t("bridge.permission.list_separator", locale)
    return separator.join(i18n.t(f"bridge.permission.name.{name}", locale) for name in result.missing)


def _effects(i18n, locale: str, result: PermissionCheck) -> str:
    keys = []
    if result.blocks_channel:
        keys.append("no_copies")
    elif result.blocks_threads:
        keys.append("no_thread_copies")
    if "create_public_threads" in result.missing:
        keys.append("no_new_threads")
    if "manage_threads" in result.missing:
        keys.append("no_thread_state")
    separator = i18n.t("bridge.permission.effect_separator", locale)
    return separator.join(i18n.t(f"bridge.permission.effect.{key}", locale) for key in keys)


def describe(i18n, key: str, locale: str, channel_mention: str, result: PermissionCheck) -> str:
    """`key` (a line with {channel}, {permissions}, {effects}) filled in `locale`."""
    return i18n.t(key, locale, channel=channel_mention, permissions=_permission_names(i18n, locale, result),
                  effects=_effects(i18n, locale, result))


def describe_bilingual(i18n, key: str, channel_mention: str, result: PermissionCheck) -> str:
    """English, then Chinese (Simplified), for notices both sides' moderators read."""
    english = describe(i18n, key, "en-US", channel_mention, result)
    chinese = describe(i18n, key, "zh-CN", channel_mention, result)
    return english if english == chinese else f"{english}\n{chinese}"
