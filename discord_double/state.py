"""The double's world: guilds, channels, roles, members, webhooks, messages, and their payloads."""

from __future__ import annotations

import datetime
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from . import permissions as P

DISCORD_EPOCH_MS = 1420070400000
CDN = "https://cdn.discordapp.com"

TEXT, DM, CATEGORY, ANNOUNCEMENT, PUBLIC_THREAD, PRIVATE_THREAD, FORUM, MEDIA = 0, 1, 4, 5, 11, 12, 15, 16
# Forum and media channels hold only posts (threads), no messages of their own.
FORUM_TYPES = (FORUM, MEDIA)
# Channel flags: a thread pinned in its forum; a forum whose posts need a tag.
PINNED, REQUIRE_TAG = 1 << 1, 1 << 4
MAX_APPLIED_TAGS = 5
ANNOUNCEMENT_THREAD = 10
# Message types threads bring: a thread's rename inside it, "X started a thread" in the parent,
# and a thread's first message pointing back at the message it was started from.
CHANNEL_NAME_CHANGE, THREAD_CREATED, THREAD_STARTER_MESSAGE = 4, 18, 21
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12

_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_ROLE_MENTION = re.compile(r"<@&(\d{15,21})>")


class Snowflakes:
    """Real-looking snowflakes: timestamp in the high bits, strictly increasing."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next snowflake whose server would be routed to `shard_id` ((id >> 22) % shard_count):
        the timestamp moves on to the next millisecond of that residue (at most shard_count - 1 ms ahead)."""
        candidate = self.next()
        millis = candidate >> 22
        if millis % shard_count != shard_id:
            millis += (shard_id - millis) % shard_count
            candidate = millis << 22
        self._last = max(candidate, self._last)
        return candidate


def snowflake_time(snowflake: int) -> datetime.datetime:
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)


def iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="microseconds")


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


@dataclass(eq=False)
class User:
    id: int
    username: str
    global_name: str | None = None
    avatar: str | None = None
    bot: bool = False
    dms_open: bool = True

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    @property
    def avatar_url(self) -> str:
        if self.avatar:
            return f"{CDN}/avatars/{self.id}/{self.avatar}.png"
        return f"{CDN}/embed/avatars/{(self.id >> 22) % 6}.png"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    nick: str | None = None
    roles: list[int] = field(default_factory=list)
    avatar: str | None = None
    joined_at: datetime.datetime = field(default_factory=now)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def display_name(self) -> str:
        return self.nick or self.user.global_name or self.user.username

    @property
    def avatar_url(self) -> str:
        if self.avatar:
            return f"{CDN}/guilds/{self.guild_id}/users/{self.user.id}/avatars/{self.avatar}.png"
        return self.user.avatar_url

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": self.avatar,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass
class Overwrite:
    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass(eq=False)
class ForumTag:
    """A tag a forum or media channel offers its posts (`emoji_id` for a custom emoji, else
    `emoji_name` holds the unicode emoji; `moderated`: only Manage Threads may apply it)."""

    id: int
    name: str
    emoji_id: int | None = None
    emoji_name: str | None = None
    moderated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": str(self.id), "name": self.name, "moderated": self.moderated,
                "emoji_id": _opt_str(self.emoji_id), "emoji_name": self.emoji_name}


@dataclass(eq=False)
class Channel:
    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    last_message_id: int | None = None
    rate_limit_per_user: int = 0
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    invitable: bool = True
    archive_timestamp: datetime.datetime = field(default_factory=now)
    message_count: int = 0
    total_message_sent: int = 0
    thread_members: dict[int, datetime.datetime] = field(default_factory=dict)
    recipients: list[User] = field(default_factory=list)
    flags: int = 0
    # Forum and media channels: the tags their posts may carry.
    available_tags: list[ForumTag] = field(default_factory=list)
    # Posts in a forum or media channel: the ids of the tags applied (None: a thread elsewhere).
    applied_tags: list[int] | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in (ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD)

    @property
    def is_forum(self) -> bool:
        return self.type in FORUM_TYPES

    def tag(self, tag_id: int) -> ForumTag | None:
        return next((tag for tag in self.available_tags if tag.id == tag_id), None)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def to_dict(self) -> dict[str, Any]:
        if self.type == DM:
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": _opt_str(self.last_message_id),
                "flags": 0,
                "recipients": [u.to_dict() for u in self.recipients],
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "parent_id": _opt_str(self.parent_id),
            "flags": self.flags,
        }
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id),
                last_message_id=_opt_str(self.last_message_id),
                rate_limit_per_user=self.rate_limit_per_user,
                message_count=self.message_count,
                member_count=len(self.thread_members),
                total_message_sent=self.total_message_sent,
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": iso(self.archive_timestamp),
                    "locked": self.locked,
                    "create_timestamp": iso(snowflake_time(self.id)),
                },
            )
            if self.applied_tags is not None:
                data["applied_tags"] = [str(tag_id) for tag_id in self.applied_tags]
            if self.type == PRIVATE_THREAD:
                data["thread_metadata"]["invitable"] = self.invitable
            return data
        data.update(
            position=self.position,
            permission_overwrites=[o.to_dict() for o in self.overwrites.values()],
            nsfw=self.nsfw,
        )
        if self.type != CATEGORY:
            data.update(
                topic=self.topic,
                last_message_id=_opt_str(self.last_message_id),
                rate_limit_per_user=self.rate_limit_per_user,
                default_auto_archive_duration=1440,
            )
        if self.is_forum:
            data.update(
                available_tags=[tag.to_dict() for tag in self.available_tags],
                default_reaction_emoji=None,
                default_sort_order=None,
                default_thread_rate_limit_per_user=0,
            )
            if self.type == FORUM:
                data["default_forum_layout"] = 0
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    preferred_locale: str = "en-US"

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def top_role_position(self, member: Member) -> int:
        if member.user.id == self.owner_id:
            return 1 << 30
        return max((self.roles[r].position for r in member.roles if r in self.roles), default=0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.to_dict() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def gateway_dict(self, viewer: Member | None = None) -> dict[str, Any]:
        """GUILD_CREATE's guild: active threads only those `viewer` can see (a private one: its
        members and those with Manage Threads)."""
        data = self.to_dict()
        channels = [c for c in self.channels.values() if not c.is_thread]
        threads = [c for c in self.channels.values() if c.is_thread and not c.archived
                   and (viewer is None or can_view(self, viewer, c))]
        data.update(
            joined_at=iso(snowflake_time(self.id)),
            large=False,
            unavailable=False,
            member_count=len(self.members),
            voice_states=[],
            members=[m.to_dict() for m in self.members.values()],
            channels=[c.to_dict() for c in channels],
            threads=[t.to_dict() for t in threads],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        for entry in data["channels"]:
            entry.pop("guild_id", None)
        return data


@dataclass(eq=False)
class Webhook:
    id: int
    token: str
    channel_id: int
    guild_id: int
    name: str
    avatar: str | None = None
    creator_id: int | None = None
    application_id: int | None = None
    type: int = 1

    def to_dict(self, creator: User | None = None, *, with_token: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id),
            "name": self.name,
            "avatar": self.avatar,
            "application_id": _opt_str(self.application_id),
        }
        if with_token and self.type == 1:
            data["token"] = self.token
        if creator is not None:
            data["user"] = creator.to_dict()
        return data


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    sticker_items: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    pinned: bool = False
    allowed_mentions: dict[str, Any] | None = None
    mentions: list[int] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    notified_user_ids: set[int] = field(default_factory=set)
    referenced_id: int | None = None
    reference_channel_id: int | None = None
    # A system message's message_reference (type 18 THREAD_CREATED: the thread's channel_id and
    # guild_id; type 21 THREAD_STARTER_MESSAGE: the parent message), sent as it is.
    system_reference: dict[str, Any] | None = None
    webhook_id: int | None = None
    webhook_username: str | None = None
    webhook_avatar_url: str | None = None
    application_id: int | None = None
    interaction: dict[str, Any] | None = None
    thread_id: int | None = None
    ephemeral_to: int | None = None
    nonce: str | int | None = None
    reactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    edited_at: datetime.datetime | None = None
    deleted: bool = False
    edits: list[str] = field(default_factory=list)
    # A forward (message_reference.type 1): content stays empty, the forwarded message's content,
    # attachments, embeds and stickers travel in message_snapshots[0].message.
    forwarded: dict[str, Any] | None = None
    forwarded_ref: tuple[int, int, int | None] | None = None  # (message id, channel id, guild id)

    @property
    def timestamp(self) -> datetime.datetime:
        return snowflake_time(self.id)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def pinged_roles(self) -> list[int]:
        return list(self.mention_roles)

    @property
    def pinged_everyone(self) -> bool:
        return self.mention_everyone


@dataclass(eq=False)
class Interaction:
    id: int
    token: str
    type: int
    user: User
    channel_id: int
    guild_id: int | None
    data: dict[str, Any]
    locale: str
    payload: dict[str, Any] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    message_id: int | None = None
    # time.monotonic() when INTERACTION_CREATE went out: the 3 s answer deadline and the 15 min token
    # lifetime count from here (tests may move it back to age an interaction).
    created_at: float = field(default_factory=time.monotonic)


def new_token() -> str:
    return secrets.token_urlsafe(48)


def _opt_str(value: int | None) -> str | None:
    return None if value is None else str(value)


def parse_mentions(content: str) -> tuple[list[int], list[int], bool]:
    users = [int(m) for m in _USER_MENTION.findall(content)]
    roles = [int(m) for m in _ROLE_MENTION.findall(content)]
    everyone = "@everyone" in content or "@here" in content
    return list(dict.fromkeys(users)), list(dict.fromkeys(roles)), everyone


def can_view(guild: Guild, member: Member, channel: Channel) -> bool:
    return bool(P.channel_permissions(guild, member, channel) & P.VIEW_CHANNEL)
