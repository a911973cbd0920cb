"""Operations on the double's state, as Discord performs them, with the gateway events they cause."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from typing import Any

from . import errors as E
from . import permissions as P
from .state import (
    ANNOUNCEMENT,
    ANNOUNCEMENT_THREAD,
    CATEGORY,
    CHANNEL_NAME_CHANGE,
    PRIVATE_THREAD,
    THREAD_CREATED,
    THREAD_STARTER_MESSAGE,
    DM,
    EPHEMERAL,
    FORUM,
    MAX_APPLIED_TAGS,
    MEDIA,
    PUBLIC_THREAD,
    REQUIRE_TAG,
    SUPPRESS_NOTIFICATIONS,
    TEXT,
    Channel,
    ForumTag,
    Guild,
    Interaction,
    Member,
    Message,
    Overwrite,
    Role,
    Snowflakes,
    User,
    Webhook,
    can_view,
    iso,
    new_token,
    now,
    parse_mentions,
)

MAX_CONTENT = 2000
MAX_WEBHOOKS_PER_CHANNEL = 15
HAS_THREAD = 1 << 5

Emit = Callable[..., None]


def emoji_key(emoji: str | dict[str, Any]) -> str:
    """`name:id` for custom emoji, the unicode character otherwise (the URL form Discord uses)."""
    if isinstance(emoji, dict):
        return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else emoji["name"]
    return emoji.removeprefix("<").removeprefix("a:").removeprefix(":").removesuffix(">")


def emoji_dict(key: str) -> dict[str, Any]:
    if ":" in key:
        name, _, emoji_id = key.partition(":")
        return {"id": emoji_id, "name": name}
    return {"id": None, "name": key}


class World:
    def __init__(self, *, token: str, bot_name: str = "Qiao", emit: Emit | None = None):
        self.ids = Snowflakes()
        self.token = token
        self.base_url = "http://127.0.0.1"
        self.emit: Emit = emit or (lambda *a, **k: None)
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.webhooks: dict[int, Webhook] = {}
        self.interactions: dict[int, Interaction] = {}
        # Real Discord: the first response must arrive within 3 s (else 404 10062 Unknown interaction);
        # the token then serves follow-ups and edits for 15 min (after that 401 50027).
        self.interaction_deadline = 3.0
        self.interaction_token_lifetime = 15 * 60.0
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.files: dict[int, tuple[bytes, str]] = {}
        self.application_id = self.ids.next()
        self.owner = self.new_user("qiao-owner", global_name="Qiao Owner")
        self.bot_user = self.new_user(bot_name, bot=True)
        self.bot_user.id = self.application_id
        self.users = {u.id: u for u in (self.owner, self.bot_user)}

    # ---- users, guilds, channels, roles, members -------------------------------------------

    def new_user(self, username: str, *, global_name: str | None = None, avatar: str | None = None,
                 bot: bool = False, dms_open: bool = True) -> User:
        user = User(self.ids.next(), username, global_name, avatar, bot, dms_open)
        self.users[user.id] = user
        return user

    def create_guild(self, name: str, owner: User | None = None, *, bot_permissions: int = P.BOT_DEFAULT,
                     locale: str = "en-US", shard: tuple[int, int] | None = None) -> Guild:
        """`shard`: (shard id, shard count) the server's id is to be routed to."""
        owner = owner or self.new_user(f"{name.lower().replace(' ', '-')}-owner", global_name=f"{name} Owner")
        guild_id = self.ids.next_on_shard(*shard) if shard is not None else self.ids.next()
        guild = Guild(guild_id, name, owner.id, preferred_locale=locale)
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", P.EVERYONE_DEFAULT, 0)
        self.guilds[guild.id] = guild
        guild.members[owner.id] = Member(owner, guild.id)
        bot_role = Role(self.ids.next(), guild.id, self.bot_user.username, bot_permissions, 1,
                        managed=True, bot_id=self.bot_user.id)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(self.bot_user, guild.id, roles=[bot_role.id])
        self.emit("GUILD_CREATE", self.guild_create_payload(guild), guild_id=guild.id)
        return guild

    def guild_create_payload(self, guild: Guild) -> dict[str, Any]:
        return guild.gateway_dict(guild.members.get(self.bot_user.id))

    def bot_role(self, guild: Guild) -> Role:
        return next(r for r in guild.roles.values() if r.bot_id == self.bot_user.id)

    def create_channel(self, guild: Guild, name: str, *, type: int = TEXT, parent: Channel | None = None,
                       topic: str | None = None, overwrites: Iterable[Overwrite] = (), position: int | None = None,
                       nsfw: bool = False, available_tags: Iterable[dict[str, Any]] = (), flags: int = 0) -> Channel:
        if position is None:
            position = sum(1 for c in guild.channels.values() if not c.is_thread and (c.type == CATEGORY) == (type == CATEGORY))
        channel = Channel(self.ids.next(), type, name, guild.id, position, parent.id if parent else None, topic, nsfw)
        if type in (FORUM, MEDIA):
            channel.flags = flags
            channel.available_tags = self.forum_tags(channel, available_tags)
        for ow in overwrites:
            channel.overwrites[ow.id] = ow
        if parent is not None and not channel.overwrites:
            channel.overwrites = {k: Overwrite(o.id, o.type, o.allow, o.deny) for k, o in parent.overwrites.items()}
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.emit("CHANNEL_CREATE", channel.to_dict(), guild_id=guild.id)
        return channel

    def update_channel(self, channel: Channel) -> None:
        self.emit("CHANNEL_UPDATE" if not channel.is_thread else "THREAD_UPDATE", channel.to_dict(),
                  guild_id=channel.guild_id, channel_id=channel.id if channel.is_thread else None)

    def delete_channel(self, channel: Channel) -> None:
        guild = self.guilds[channel.guild_id] if channel.guild_id else None
        if not channel.is_thread and guild is not None:
            for thread in [c for c in guild.channels.values() if c.is_thread and c.parent_id == channel.id]:
                self.delete_channel(thread)
        event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
        payload = channel.to_dict() if not channel.is_thread else {
            "id": str(channel.id), "guild_id": str(channel.guild_id), "parent_id": str(channel.parent_id), "type": channel.type}
        # Sent while the thread is still known: a private one goes only to who could see it.
        self.emit(event, payload, guild_id=channel.guild_id, channel_id=channel.id if channel.is_thread else None)
        if guild is not None:
            guild.channels.pop(channel.id, None)
        self.channels.pop(channel.id, None)

    def create_role(self, guild: Guild, name: str, *, permissions: int = 0, position: int | None = None,
                    color: int = 0, mentionable: bool = False, hoist: bool = False) -> Role:
        if position is None:
            position = 1
        for role in guild.roles.values():
            if role.id != guild.id and role.position >= position:
                role.position += 1
        role = Role(self.ids.next(), guild.id, name, permissions, position, color, hoist, mentionable=mentionable)
        guild.roles[role.id] = role
        self.emit("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_dict()}, guild_id=guild.id)
        return role

    def add_member(self, guild: Guild, user: User, *, nick: str | None = None, roles: Iterable[Role] = (),
                   avatar: str | None = None) -> Member:
        member = Member(user, guild.id, nick, [r.id for r in roles], avatar)
        guild.members[user.id] = member
        self.emit("GUILD_MEMBER_ADD", {**member.to_dict(), "guild_id": str(guild.id)}, guild_id=guild.id)
        return member

    def member_update(self, member: Member) -> None:
        self.emit("GUILD_MEMBER_UPDATE", {**member.to_dict(), "guild_id": str(member.guild_id)},
                  guild_id=member.guild_id)

    def dm_channel(self, user: User) -> Channel:
        for channel in self.channels.values():
            if channel.type == DM and len(channel.recipients) == 1 and channel.recipients[0].id == user.id:
                return channel
        channel = Channel(self.ids.next(), DM, None, recipients=[user])
        self.channels[channel.id] = channel
        return channel

    # ---- lookups and permission checks -------------------------------------------------------

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def member(self, guild: Guild, user_id: int) -> Member | None:
        return guild.members.get(user_id)

    def perms(self, channel: Channel, user: User) -> int:
        guild = self.guild_of(channel)
        if guild is None:
            return P.ALL if channel.type == DM else 0
        member = guild.members.get(user.id)
        return 0 if member is None else P.channel_permissions(guild, member, channel)

    def bot_perms(self, channel: Channel) -> int:
        return self.perms(channel, self.bot_user)

    def bot_can(self, channel: Channel, bits: int) -> bool:
        return self.bot_perms(channel) & bits == bits

    def require(self, channel: Channel, bits: int) -> None:
        perms = self.bot_perms(channel)
        if not perms & P.VIEW_CHANNEL:
            raise E.missing_access()
        if perms & bits != bits:
            raise E.missing_permissions()

    def require_guild(self, guild: Guild, bits: int) -> None:
        member = guild.members.get(self.bot_user.id)
        if member is None:
            raise E.missing_access()
        if P.base_permissions(guild, member) & bits != bits:
            raise E.missing_permissions()

    def user_display(self, user: User, guild: Guild | None) -> str:
        member = guild.members.get(user.id) if guild else None
        return member.display_name if member else (user.global_name or user.username)

    # ---- messages ----------------------------------------------------------------------------

    def validate_message(self, *, content: str | None, embeds: list | None, files: int, stickers: list | None,
                         components: list | None, poll: Any = None) -> None:
        if content is not None and len(content) > MAX_CONTENT:
            raise E.invalid_form(E.field_error("content", "BASE_TYPE_MAX_LENGTH",
                                               f"Must be {MAX_CONTENT} or fewer in length."))
        if embeds is not None and len(embeds) > 10:
            raise E.invalid_form(E.field_error("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."))
        if not (content or "").strip() and not embeds and not files and not stickers and not components and not poll:
            raise E.empty_message()

    def make_attachment(self, channel_id: int, filename: str, data: bytes, *, content_type: str | None = None,
                        description: str | None = None, width: int | None = None, height: int | None = None,
                        ephemeral: bool = False) -> dict[str, Any]:
        att_id = self.ids.next()
        content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        self.files[att_id] = (data, content_type)
        url = f"{self.base_url}/attachments/{channel_id}/{att_id}/{filename}"
        att: dict[str, Any] = {
            "id": str(att_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url.replace("/attachments/", "/media/attachments/", 1),
            "content_type": content_type,
        }
        if description is not None:
            att["description"] = description
        if width is not None and height is not None:
            att.update(width=width, height=height)
        if ephemeral:
            att["ephemeral"] = True
        return att

    def forward_message(self, channel: Channel, author: User, original: Message) -> Message:
        """A person forwards `original` into `channel`: a type-0 message with empty content whose
        message_reference has type 1 (FORWARD) and whose message_snapshots carry the original."""
        msg = self.create_message(channel, author, dispatch=False)
        msg.forwarded = {
            "type": original.type, "content": original.content, "embeds": original.embeds,
            "attachments": original.attachments, "timestamp": iso(original.timestamp),
            "edited_timestamp": iso(original.edited_at), "flags": original.flags,
            "mentions": [], "mention_roles": [], "components": original.components,
        }
        if original.sticker_items:
            msg.forwarded["sticker_items"] = original.sticker_items
        msg.forwarded_ref = (original.id, original.channel_id, original.guild_id)
        msg.flags |= 1 << 14  # HAS_SNAPSHOT
        self.emit("MESSAGE_CREATE", self.message_payload(msg, gateway=True), guild_id=msg.guild_id,
                  channel_id=channel.id)
        return msg

    def create_message(self, channel: Channel, author: User, *, content: str | None = None,
                       embeds: list[dict[str, Any]] | None = None, attachments: list[dict[str, Any]] | None = None,
                       components: list[dict[str, Any]] | None = None, allowed_mentions: dict[str, Any] | None = None,
                       reply_to: Message | None = None, webhook: Webhook | None = None, username: str | None = None,
                       avatar_url: str | None = None, flags: int = 0, sticker_items: list[dict[str, Any]] | None = None,
                       interaction: Interaction | None = None, type: int | None = None, nonce: Any = None,
                       tts: bool = False, dispatch: bool = True, message_id: int | None = None) -> Message:
        guild = self.guild_of(channel)
        msg = Message(
            id=message_id or self.ids.next(), channel_id=channel.id, guild_id=guild.id if guild else None, author=author,
            content=content or "", embeds=list(embeds or []), attachments=list(attachments or []),
            components=list(components or []), sticker_items=list(sticker_items or []), flags=flags,
            allowed_mentions=allowed_mentions, webhook_id=webhook.id if webhook else None, webhook_username=username,
            webhook_avatar_url=avatar_url, nonce=nonce, tts=tts,
        )
        if webhook is not None and webhook.application_id:
            msg.application_id = webhook.application_id
        if reply_to is not None:
            msg.referenced_id = reply_to.id
            msg.reference_channel_id = reply_to.channel_id
        if interaction is not None:
            msg.application_id = self.application_id
            msg.webhook_id = self.application_id
            msg.interaction = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.to_dict(),
                "authorizing_integration_owners": {"0": str(interaction.guild_id)} if interaction.guild_id else {},
                "name": interaction.data.get("name"),
            }
            if flags & EPHEMERAL:
                msg.ephemeral_to = interaction.user.id
        msg.type = type if type is not None else (19 if reply_to is not None else 0)
        self._resolve_mentions(msg, channel, author, is_webhook=webhook is not None, reply_to=reply_to, notify=True)
        self.messages[msg.id] = msg
        channel.last_message_id = msg.id
        if channel.is_thread and msg.id != channel.id:
            # Discord's counts leave out a forum post's starter message (its id is the thread's).
            channel.message_count += 1
            channel.total_message_sent += 1
            if webhook is None and interaction is None:
                channel.thread_members.setdefault(author.id, now())  # posting joins a public thread
        if dispatch and msg.ephemeral_to is None:
            self.emit("MESSAGE_CREATE", self.message_payload(msg, gateway=True), guild_id=msg.guild_id,
                      channel_id=channel.id)
        return msg

    def _resolve_mentions(self, msg: Message, channel: Channel, author: User, *, is_webhook: bool,
                          reply_to: Message | None, notify: bool) -> None:
        guild = self.guild_of(channel)
        users, roles, everyone = parse_mentions(msg.content)
        allowed = msg.allowed_mentions
        parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse") or [])
        allowed_users = {int(u) for u in (allowed or {}).get("users") or []}
        allowed_roles = {int(r) for r in (allowed or {}).get("roles") or []}
        replied_user = True if allowed is None else bool(allowed.get("replied_user", False))
        can_everyone = is_webhook or guild is None or bool(self.perms(channel, author) & P.MENTION_EVERYONE)

        msg.mentions = [u for u in users if u in self.users and ("users" in parse or u in allowed_users)]
        msg.mention_roles = []
        if guild is not None:
            msg.mention_roles = [
                r for r in roles
                if r in guild.roles and ("roles" in parse or r in allowed_roles)
                and (guild.roles[r].mentionable or can_everyone)
            ]
        msg.mention_everyone = everyone and "everyone" in parse and can_everyone
        if reply_to is not None and replied_user and reply_to.author.id not in msg.mentions and reply_to.webhook_id is None:
            msg.mentions.append(reply_to.author.id)
        if not notify:
            return
        notified: set[int] = set()
        if guild is None:
            notified = {u.id for u in channel.recipients} | {self.bot_user.id}
        else:
            viewers = {m.user.id for m in guild.members.values() if can_view(guild, m, channel)}
            notified |= set(msg.mentions) & viewers
            for role_id in msg.mention_roles:
                notified |= {m.user.id for m in guild.members.values() if role_id in m.roles} & viewers
            if msg.mention_everyone:
                notified |= viewers
        notified.discard(author.id)
        if msg.flags & SUPPRESS_NOTIFICATIONS:
            notified = set()
        msg.notified_user_ids = notified

    def edit_message(self, msg: Message, *, content: str | None = None, embeds: list | None = None,
                     attachments: list | None = None, components: list | None = None,
                     allowed_mentions: dict[str, Any] | None = None, flags: int | None = None) -> Message:
        if content is not None:
            msg.edits.append(msg.content)
            msg.content = content
        if embeds is not None:
            msg.embeds = embeds
        if attachments is not None:
            msg.attachments = attachments
        if components is not None:
            msg.components = components
        if flags is not None:
            msg.flags = (msg.flags & ~(1 << 2)) | (flags & (1 << 2))
        if allowed_mentions is not None:
            msg.allowed_mentions = allowed_mentions
        msg.flags &= ~(1 << 7)
        msg.edited_at = now()
        channel = self.channels[msg.channel_id]
        reply_to = self.messages.get(msg.referenced_id) if msg.referenced_id else None
        self._resolve_mentions(msg, channel, msg.author, is_webhook=msg.webhook_id is not None and msg.interaction is None,
                               reply_to=reply_to, notify=False)
        if msg.ephemeral_to is None:
            self.emit("MESSAGE_UPDATE", self.message_payload(msg, gateway=True), guild_id=msg.guild_id,
                      channel_id=msg.channel_id)
        return msg

    def delete_message(self, msg: Message) -> None:
        msg.deleted = True
        data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
        if msg.ephemeral_to is None:
            self.emit("MESSAGE_DELETE", data, guild_id=msg.guild_id, channel_id=msg.channel_id)

    def bulk_delete(self, channel: Channel, messages: list[Message]) -> None:
        for msg in messages:
            msg.deleted = True
        data = {"ids": [str(m.id) for m in messages], "channel_id": str(channel.id)}
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        self.emit("MESSAGE_DELETE_BULK", data, guild_id=channel.guild_id, channel_id=channel.id)

    def add_reaction(self, msg: Message, user: User, emoji: str | dict[str, Any]) -> bool:
        key = emoji_key(emoji)
        entry = msg.reactions.setdefault(key, {"emoji": emoji_dict(key), "users": []})
        if user.id in entry["users"]:
            return False
        entry["users"].append(user.id)
        data: dict[str, Any] = {
            "user_id": str(user.id), "channel_id": str(msg.channel_id), "message_id": str(msg.id),
            "emoji": entry["emoji"], "message_author_id": str(msg.author.id), "burst": False, "burst_colors": [],
            "type": 0,
        }
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
            member = self.guilds[msg.guild_id].members.get(user.id)
            if member is not None:
                data["member"] = member.to_dict()
        self.emit("MESSAGE_REACTION_ADD", data, guild_id=msg.guild_id, channel_id=msg.channel_id)
        return True

    def remove_reaction(self, msg: Message, user: User, emoji: str | dict[str, Any]) -> bool:
        key = emoji_key(emoji)
        entry = msg.reactions.get(key)
        if entry is None or user.id not in entry["users"]:
            return False
        entry["users"].remove(user.id)
        if not entry["users"]:
            del msg.reactions[key]
        data: dict[str, Any] = {"user_id": str(user.id), "channel_id": str(msg.channel_id),
                                "message_id": str(msg.id), "emoji": entry["emoji"], "burst": False, "type": 0}
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
        self.emit("MESSAGE_REACTION_REMOVE", data, guild_id=msg.guild_id, channel_id=msg.channel_id)
        return True

    def create_thread(self, parent: Channel, name: str, owner: User, *, message: Message | None = None,
                      type: int | None = None, auto_archive_duration: int = 1440, invitable: bool = True) -> Channel:
        """A thread as Discord makes one: started on `message` it shares the message's id, gets a
        THREAD_STARTER_MESSAGE (type 21) as its first message and the message gains `thread` (a
        MESSAGE_UPDATE); a public thread started on its own leaves "X started a thread" (type 18,
        pointing at the thread) in the parent. THREAD_CREATE carries `newly_created`; a private
        thread is announced only to those who can see it (members, Manage Threads)."""
        guild = self.guilds[parent.guild_id]
        if type is None:
            type = ANNOUNCEMENT_THREAD if parent.type == ANNOUNCEMENT else PUBLIC_THREAD
        thread = Channel(message.id if message else self.ids.next(), type, name, guild.id, parent_id=parent.id,
                         owner_id=owner.id, auto_archive_duration=auto_archive_duration, invitable=invitable)
        thread.thread_members[owner.id] = now()
        guild.channels[thread.id] = thread
        self.channels[thread.id] = thread
        self.emit("THREAD_CREATE", {**thread.to_dict(), "newly_created": True}, guild_id=guild.id, channel_id=thread.id)
        if message is not None:
            message.thread_id = thread.id
            message.flags |= HAS_THREAD
            self.emit("MESSAGE_UPDATE", self.message_payload(message, gateway=True), guild_id=guild.id,
                      channel_id=parent.id)
            starter = self.create_message(thread, owner, type=THREAD_STARTER_MESSAGE, dispatch=False)
            starter.system_reference = {"message_id": str(message.id), "channel_id": str(parent.id),
                                        "guild_id": str(guild.id)}
            self.emit("MESSAGE_CREATE", self.message_payload(starter, gateway=True), guild_id=guild.id,
                      channel_id=thread.id)
        elif type != PRIVATE_THREAD:
            created = self.create_message(parent, owner, content=name, type=THREAD_CREATED, dispatch=False)
            created.system_reference = {"channel_id": str(thread.id), "guild_id": str(guild.id)}
            self.emit("MESSAGE_CREATE", self.message_payload(created, gateway=True), guild_id=guild.id,
                      channel_id=parent.id)
        return thread

    # ---- forum and media channels ------------------------------------------------------------

    def forum_tags(self, forum: Channel, specs: Iterable[dict[str, Any]]) -> list[ForumTag]:
        """Tags as a PATCH or a create sends them (`id` kept for existing tags, a new id otherwise);
        Discord allows 20 per channel, names 0-20 characters, unique."""
        tags: list[ForumTag] = []
        for index, spec in enumerate(specs):
            name = spec.get("name") or ""
            if not 1 <= len(name) <= 20:
                raise E.invalid_form(E.field_error(f"available_tags.{index}.name", "BASE_TYPE_BAD_LENGTH",
                                                   "Must be between 1 and 20 in length."))
            tag_id = int(spec["id"]) if spec.get("id") and forum.tag(int(spec["id"])) else self.ids.next()
            tags.append(ForumTag(tag_id, name, int(spec["emoji_id"]) if spec.get("emoji_id") else None,
                                 spec.get("emoji_name") or None, bool(spec.get("moderated", False))))
        if len(tags) > 20:
            raise E.invalid_form(E.field_error("available_tags", "BASE_TYPE_MAX_LENGTH", "Must be 20 or fewer in length."))
        if len({tag.name for tag in tags}) != len(tags):
            raise E.DiscordError(400, 40061, "Tag names must be unique")
        return tags

    def check_applied_tags(self, forum: Channel, tag_ids: Iterable[Any] | None, user: User, *,
                           creating: bool) -> list[int]:
        """The tag ids a post may carry: known to its forum, at most 5, moderated ones only with
        Manage Threads; a forum that requires a tag refuses a new post without one (40067)."""
        ids = [int(tag_id) for tag_id in tag_ids or []]
        if len(ids) > MAX_APPLIED_TAGS:
            raise E.invalid_form(E.field_error("applied_tags", "BASE_TYPE_MAX_LENGTH",
                                               f"Must be {MAX_APPLIED_TAGS} or fewer in length."))
        for index, tag_id in enumerate(ids):
            tag = forum.tag(tag_id)
            if tag is None:
                raise E.invalid_form(E.field_error(f"applied_tags.{index}", "CHANNEL_TAG_INVALID", "Unknown tag"))
            if tag.moderated and not self.perms(forum, user) & P.MANAGE_THREADS:
                raise E.missing_permissions()
        if creating and not ids and forum.flags & REQUIRE_TAG:
            raise E.DiscordError(400, 40067, "A tag is required to create a forum post in this channel")
        return ids

    def create_post(self, forum: Channel, name: str, author: User, *, content: str | None = None,
                    applied_tags: Iterable[int] = (), attachments: list[dict[str, Any]] | None = None,
                    embeds: list[dict[str, Any]] | None = None, allowed_mentions: dict[str, Any] | None = None,
                    webhook: Webhook | None = None, username: str | None = None, avatar_url: str | None = None,
                    flags: int = 0, auto_archive_duration: int = 4320) -> tuple[Channel, Message]:
        """A post in a forum or media channel: a public thread whose starter message has the thread's
        id. THREAD_CREATE (with `applied_tags`) goes out first, then the starter's MESSAGE_CREATE."""
        guild = self.guilds[forum.guild_id]
        owner_id = webhook.id if webhook is not None else author.id
        thread = Channel(self.ids.next(), PUBLIC_THREAD, name, guild.id, parent_id=forum.id, owner_id=owner_id,
                         auto_archive_duration=auto_archive_duration, applied_tags=list(applied_tags))
        if webhook is None:
            thread.thread_members[author.id] = now()
        guild.channels[thread.id] = thread
        self.channels[thread.id] = thread
        forum.last_message_id = thread.id
        self.emit("THREAD_CREATE", {**thread.to_dict(), "newly_created": True}, guild_id=guild.id)
        message = self.create_message(
            thread, author, content=content, attachments=attachments, embeds=embeds, allowed_mentions=allowed_mentions,
            webhook=webhook, username=username, avatar_url=avatar_url, flags=flags, message_id=thread.id,
        )
        return thread, message

    def update_thread(self, thread: Channel, *, name: str | None = None, archived: bool | None = None,
                      locked: bool | None = None, auto_archive_duration: int | None = None,
                      applied_tags: list[int] | None = None, by: User | None = None) -> Channel:
        """Rename, archive, lock or unarchive a thread: one THREAD_UPDATE with the new
        thread_metadata (archive_timestamp moves when `archived` changes); a rename also posts a
        CHANNEL_NAME_CHANGE (type 4) message in the thread, as Discord does."""
        changed = False
        renamed = name is not None and name != thread.name
        if renamed:
            thread.name = name
            changed = True
        if archived is not None and archived != thread.archived:
            thread.archived = archived
            thread.archive_timestamp = now()
            changed = True
        if locked is not None and locked != thread.locked:
            thread.locked = locked
            changed = True
        if auto_archive_duration is not None and auto_archive_duration != thread.auto_archive_duration:
            thread.auto_archive_duration = auto_archive_duration
            thread.archive_timestamp = now()
            changed = True
        if applied_tags is not None and applied_tags != thread.applied_tags:
            thread.applied_tags = applied_tags
            changed = True
        if not changed:
            return thread
        if renamed:
            # Posted while the thread is still open, before an archive in the same change shows.
            self.create_message(thread, by or self.bot_user, content=name, type=CHANNEL_NAME_CHANGE)
        self.update_channel(thread)
        return thread

    def unarchive_for_message(self, thread: Channel, *, can_manage: bool) -> None:
        """Sending into an archived thread unarchives it, unless it is locked (then only Manage
        Threads may): Discord answers 400 50083 otherwise."""
        if not thread.archived:
            return
        if thread.locked and not can_manage:
            raise thread_archived()
        self.update_thread(thread, archived=False)

    def join_thread(self, thread: Channel, user: User) -> None:
        if user.id == self.bot_user.id and user.id not in thread.thread_members:
            # Discord announces a thread to whoever is added to it (a private one may be new to them).
            thread.thread_members[user.id] = now()
            member = {"id": str(thread.id), "user_id": str(user.id), "join_timestamp": iso(now()), "flags": 0}
            self.emit("THREAD_CREATE", {**thread.to_dict(), "member": member}, guild_id=thread.guild_id,
                      channel_id=thread.id)
        thread.thread_members.setdefault(user.id, now())
        data = {"id": str(thread.id), "guild_id": str(thread.guild_id), "member_count": len(thread.thread_members),
                "added_members": [{"id": str(thread.id), "user_id": str(user.id),
                                   "join_timestamp": iso(thread.thread_members[user.id]), "flags": 0}]}
        self.emit("THREAD_MEMBERS_UPDATE", data, guild_id=thread.guild_id)

    # ---- webhooks ----------------------------------------------------------------------------

    def create_webhook(self, channel: Channel, name: str, *, creator: User | None = None, avatar: str | None = None,
                       application_id: int | None = None) -> Webhook:
        if sum(1 for w in self.webhooks.values() if w.channel_id == channel.id) >= MAX_WEBHOOKS_PER_CHANNEL:
            raise E.max_webhooks()
        validate_webhook_name(name, field="name")
        creator = creator or self.bot_user
        webhook = Webhook(self.ids.next(), new_token(), channel.id, channel.guild_id, name, avatar, creator.id,
                          application_id if application_id is not None else (
                              self.application_id if creator.id == self.bot_user.id else None))
        self.webhooks[webhook.id] = webhook
        self.emit("WEBHOOKS_UPDATE", {"guild_id": str(channel.guild_id), "channel_id": str(channel.id)},
                  guild_id=channel.guild_id)
        return webhook

    def webhook_payload(self, webhook: Webhook, *, with_token: bool | None = None) -> dict[str, Any]:
        """Real Discord hands a bot the token only of webhooks its own application created (a person's
        or another bot's webhook comes without `token`); asked with the token in the URL, it echoes it."""
        if with_token is None:
            with_token = webhook.application_id == self.application_id
        return webhook.to_dict(self.users.get(webhook.creator_id), with_token=with_token)

    # ---- payloads ----------------------------------------------------------------------------

    def message_payload(self, msg: Message, *, gateway: bool = False, nested: bool = False) -> dict[str, Any]:
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        author = msg.author.to_dict()
        if msg.webhook_id is not None and msg.interaction is None:
            webhook = self.webhooks.get(msg.webhook_id)
            author = {"id": str(msg.webhook_id), "username": msg.webhook_username or (webhook.name if webhook else ""),
                      "discriminator": "0000", "global_name": None, "avatar": None, "bot": True, "public_flags": 0}
            if msg.webhook_avatar_url:
                author["avatar"] = None
        data: dict[str, Any] = {
            "id": str(msg.id),
            "type": msg.type,
            "channel_id": str(msg.channel_id),
            "author": author,
            "content": msg.content,
            "timestamp": iso(msg.timestamp),
            "edited_timestamp": iso(msg.edited_at),
            "tts": msg.tts,
            "mention_everyone": msg.mention_everyone,
            "mentions": [self._mention_payload(uid, guild, gateway) for uid in msg.mentions if uid in self.users],
            "mention_roles": [str(r) for r in msg.mention_roles],
            "attachments": msg.attachments,
            "embeds": msg.embeds,
            "pinned": msg.pinned,
            "flags": msg.flags,
            "components": msg.components,
        }
        if msg.sticker_items:
            data["sticker_items"] = msg.sticker_items
        if msg.webhook_id is not None:
            data["webhook_id"] = str(msg.webhook_id)
        if msg.application_id is not None:
            data["application_id"] = str(msg.application_id)
        if msg.interaction is not None:
            data["interaction_metadata"] = msg.interaction
        if msg.nonce is not None:
            data["nonce"] = msg.nonce
        if msg.reactions:
            data["reactions"] = [
                {"count": len(r["users"]), "count_details": {"burst": 0, "normal": len(r["users"])},
                 "me": self.bot_user.id in r["users"], "me_burst": False, "burst_colors": [], "emoji": r["emoji"]}
                for r in msg.reactions.values()
            ]
        if msg.system_reference is not None:
            data["message_reference"] = dict(msg.system_reference)
            if msg.type == THREAD_STARTER_MESSAGE and not nested:
                ref = self.messages.get(int(msg.system_reference["message_id"]))
                data["referenced_message"] = (None if ref is None or ref.deleted
                                              else self.message_payload(ref, nested=True))
        if msg.forwarded is not None and msg.forwarded_ref is not None:
            mid, cid, gid = msg.forwarded_ref
            data["message_reference"] = {"type": 1, "message_id": str(mid), "channel_id": str(cid)}
            if gid:
                data["message_reference"]["guild_id"] = str(gid)
            data["message_snapshots"] = [{"message": msg.forwarded}]
        if msg.referenced_id is not None:
            data["message_reference"] = {"type": 0, "message_id": str(msg.referenced_id),
                                         "channel_id": str(msg.reference_channel_id)}
            if msg.guild_id:
                data["message_reference"]["guild_id"] = str(msg.guild_id)
            if not nested:
                ref = self.messages.get(msg.referenced_id)
                data["referenced_message"] = (None if ref is None or ref.deleted
                                              else self.message_payload(ref, nested=True))
        if msg.thread_id is not None and msg.thread_id in self.channels:
            data["thread"] = self.channels[msg.thread_id].to_dict()
        channel = self.channels.get(msg.channel_id)
        if channel is not None and channel.is_thread:
            data["position"] = channel.total_message_sent
        if gateway and guild is not None:
            data["guild_id"] = str(guild.id)
            member = guild.members.get(msg.author.id)
            if member is not None and msg.webhook_id is None:
                data["member"] = member.to_dict(with_user=False)
        return data

    def _mention_payload(self, user_id: int, guild: Guild | None, gateway: bool) -> dict[str, Any]:
        data = self.users[user_id].to_dict()
        if gateway and guild is not None and user_id in guild.members:
            data["member"] = guild.members[user_id].to_dict(with_user=False)
        return data


def thread_archived() -> E.DiscordError:
    return E.DiscordError(400, 50083, "Thread is archived")


def validate_webhook_name(name: str | None, *, field: str) -> None:
    if name is None:
        return
    if not 1 <= len(name) <= 80:
        raise E.invalid_form(E.field_error(field, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length."))
    lowered = name.lower()
    for word in ("discord", "clyde"):
        if word in lowered:
            raise E.invalid_form(E.field_error(field, "USERNAME_INVALID_CONTAINS",
                                               f'Username cannot contain "{word}"'))
    if lowered in ("everyone", "here"):
        raise E.invalid_form(E.field_error(field, "USERNAME_INVALID", "Username is invalid"))

