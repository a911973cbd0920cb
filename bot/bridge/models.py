"""What a bridge is, and the Discord-free snapshot of a message the relay works from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChannelLanguage = Literal["en", "zh", "mixed"]
Script = Literal["simplified", "traditional"]
BridgeKind = Literal["linked", "mixed"]
TargetLanguage = Literal["en", "zh-Hans", "zh-Hant"]

CHANNEL_LANGUAGES: tuple[str, ...] = ("en", "zh", "mixed")
SCRIPTS: tuple[str, ...] = ("simplified", "traditional")


@dataclass(frozen=True, slots=True)
class BridgeChannel:
    """One channel (or thread) taking part in a bridge."""

    channel_id: int
    bridge_id: int
    guild_id: int
    language: ChannelLanguage
    script: Script = "simplified"
    show_label: bool = True
    # Threads post through their parent channel's webhook with `thread_id`.
    parent_id: int | None = None

    @property
    def chinese_target(self) -> TargetLanguage:
        return "zh-Hant" if self.script == "traditional" else "zh-Hans"

    @property
    def webhook_channel_id(self) -> int:
        return self.parent_id or self.channel_id

    @property
    def thread_id(self) -> int | None:
        return self.channel_id if self.parent_id else None


@dataclass(frozen=True, slots=True)
class Bridge:
    id: int
    guild_id: int
    kind: BridgeKind
    channels: tuple[BridgeChannel, ...] = ()

    def channel(self, channel_id: int) -> BridgeChannel | None:
        for channel in self.channels:
            if channel.channel_id == channel_id:
                return channel
        return None


@dataclass(frozen=True, slots=True)
class Attachment:
    url: str
    filename: str
    spoiler: bool = False


@dataclass(frozen=True, slots=True)
class Sticker:
    id: int
    name: str
    # Lottie stickers (format 3) have no image a client can show from a URL.
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class RepliedMessage:
    message_id: int
    channel_id: int
    author_name: str
    content: str
    # Set when the replied message is itself one of our copies.
    webhook_id: int | None = None


@dataclass(frozen=True, slots=True)
class OriginalMessage:
    """The parts of a Discord message a relay needs, taken at the moment it arrived."""

    message_id: int
    channel_id: int
    guild_id: int
    author_id: int
    author_name: str
    avatar_url: str | None
    content: str
    attachments: tuple[Attachment, ...] = ()
    stickers: tuple[Sticker, ...] = ()
    reply_to: RepliedMessage | None = None
    reply_to_id: int | None = None
    forwarded: bool = False  # Discord's Forward: the content is someone else's message

    @property
    def is_empty(self) -> bool:
        return not self.content.strip() and not self.attachments and not self.stickers

    def jump_url(self) -> str:
        return jump_url(self.guild_id, self.channel_id, self.message_id)


@dataclass(frozen=True, slots=True)
class CopyRecord:
    """One posted copy (or one part of a split copy) of an original message."""

    original_message_id: int
    original_channel_id: int
    guild_id: int
    author_id: int
    copy_message_id: int
    copy_channel_id: int
    webhook_id: int
    part: int = 0
    target_language: str | None = None
    source_hash: str = ""
    needs_translation: bool = False


@dataclass(frozen=True, slots=True)
class NewPost:
    """A forum post opened by the copy of its starter message: its title and the forum's tag ids."""

    title: str
    tag_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a copy goes: a channel, or a thread posted into through its parent's webhook, or a new
    post of a forum (`post`; `channel_id` is the forum) opened by this very copy."""

    guild_id: int
    channel_id: int
    parent_id: int | None = None
    post: NewPost | None = None

    @property
    def webhook_channel_id(self) -> int:
        return self.parent_id or self.channel_id

    @property
    def thread_id(self) -> int | None:
        return self.channel_id if self.parent_id else None

    @classmethod
    def of(cls, channel: BridgeChannel) -> Destination:
        return cls(channel.guild_id, channel.channel_id, channel.parent_id)


@dataclass(slots=True)
class BridgeHealth:
    """What `/bridge list` shows next to a channel."""

    forbidden: bool = False
    backlog: int = 0
    pending_translations: int = 0
    problems: set[str] = field(default_factory=set)


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
