"""Discord permission bits and the permission computation Discord documents.

https://discord.com/developers/docs/topics/permissions#permission-overwrites
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import Channel, Guild, Member

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
MANAGE_NICKNAMES = 1 << 27
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38

ALL = (1 << 53) - 1

NAMES = {
    "create_instant_invite": CREATE_INSTANT_INVITE,
    "kick_members": KICK_MEMBERS,
    "ban_members": BAN_MEMBERS,
    "administrator": ADMINISTRATOR,
    "manage_channels": MANAGE_CHANNELS,
    "manage_guild": MANAGE_GUILD,
    "add_reactions": ADD_REACTIONS,
    "view_audit_log": VIEW_AUDIT_LOG,
    "view_channel": VIEW_CHANNEL,
    "read_messages": VIEW_CHANNEL,
    "send_messages": SEND_MESSAGES,
    "manage_messages": MANAGE_MESSAGES,
    "embed_links": EMBED_LINKS,
    "attach_files": ATTACH_FILES,
    "read_message_history": READ_MESSAGE_HISTORY,
    "mention_everyone": MENTION_EVERYONE,
    "use_external_emojis": USE_EXTERNAL_EMOJIS,
    "change_nickname": CHANGE_NICKNAME,
    "manage_nicknames": MANAGE_NICKNAMES,
    "manage_roles": MANAGE_ROLES,
    "manage_webhooks": MANAGE_WEBHOOKS,
    "use_application_commands": USE_APPLICATION_COMMANDS,
    "manage_threads": MANAGE_THREADS,
    "create_public_threads": CREATE_PUBLIC_THREADS,
    "create_private_threads": CREATE_PRIVATE_THREADS,
    "send_messages_in_threads": SEND_MESSAGES_IN_THREADS,
}

EVERYONE_DEFAULT = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)

BOT_DEFAULT = (
    EVERYONE_DEFAULT
    | MANAGE_CHANNELS
    | MANAGE_MESSAGES
    | MANAGE_ROLES
    | MANAGE_WEBHOOKS
    | MANAGE_THREADS
    | CREATE_PRIVATE_THREADS
    | MANAGE_NICKNAMES
)


def to_bits(value: int | str | list[str] | tuple[str, ...] | set[str] | None) -> int:
    """Accept a bitfield, a permission name, or several names (discord.py's names work)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        value = [value]
    bits = 0
    for name in value:
        try:
            bits |= NAMES[name]
        except KeyError:
            raise ValueError(f"unknown permission name {name!r}; known: {sorted(NAMES)}") from None
    return bits


def base_permissions(guild: Guild, member: Member) -> int:
    if member.user.id == guild.owner_id:
        return ALL
    perms = guild.roles[guild.id].permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL
    return perms


def channel_permissions(guild: Guild, member: Member, channel: Channel) -> int:
    perms = base_permissions(guild, member)
    if perms & ADMINISTRATOR or member.user.id == guild.owner_id:
        return ALL
    is_thread = channel.is_thread
    if is_thread:
        parent = guild.channels.get(channel.parent_id) if channel.parent_id else None
        if parent is None:
            return 0
        channel_perms = channel_permissions(guild, member, parent)
        if channel.type == 12 and not (channel_perms & MANAGE_THREADS) and member.user.id not in channel.thread_members:
            channel_perms &= ~VIEW_CHANNEL
        return channel_perms

    overwrites = channel.overwrites
    everyone = overwrites.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        ow = overwrites.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = overwrites.get(member.user.id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & VIEW_CHANNEL:
        return 0
    return perms
