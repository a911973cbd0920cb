"""What a person sees: messages rendered the way the Discord client shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .state import Channel, Message


@dataclass
class MessageView:
    id: int
    author: str
    author_id: int
    avatar_url: str
    content: str
    attachments: list[dict[str, Any]]
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    reactions: dict[str, int]
    edited: bool
    ephemeral: bool
    is_bot: bool
    webhook_id: int | None
    reply_to: int | None
    thread: Channel | None
    notified_user_ids: set[int]
    pinged_roles: list[int]
    pinged_everyone: bool
    message: Message = field(repr=False)

    @property
    def by_webhook(self) -> bool:
        return self.webhook_id is not None and self.message.interaction is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id), "author": self.author, "author_id": str(self.author_id),
            "avatar_url": self.avatar_url, "content": self.content, "attachments": self.attachments,
            "embeds": self.embeds, "components": self.components, "reactions": self.reactions,
            "edited": self.edited, "ephemeral": self.ephemeral, "is_bot": self.is_bot,
            "webhook_id": None if self.webhook_id is None else str(self.webhook_id),
            "reply_to": None if self.reply_to is None else str(self.reply_to),
            "thread_id": None if self.thread is None else str(self.thread.id),
            "notified_user_ids": sorted(str(u) for u in self.notified_user_ids),
            "pinged_roles": [str(r) for r in self.pinged_roles], "pinged_everyone": self.pinged_everyone,
        }
