"""DiscordDouble: the server's lifecycle plus the API tests use to drive it and to look at the result."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from . import errors as E
from . import permissions as P
from .gateway import Gateway
from .interactions import InteractionHandle, build_command_data, option_value
from .ratelimit import Faults, RateLimitConfig, RateLimiter
from .rest import Rest, RecordedRequest
from .state import (
    CATEGORY,
    DM,
    FORUM,
    MEDIA,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    REQUIRE_TAG,
    TEXT,
    THREAD_STARTER_MESSAGE,
    Channel,
    ForumTag,
    Guild,
    Interaction,
    Member,
    Message,
    Overwrite,
    Role,
    User,
)
from .views import MessageView
from .world import World, thread_archived

CHANNEL_TYPES = {"text": TEXT, "category": CATEGORY, "announcement": 5, "forum": FORUM, "media": MEDIA}
TagSpec = str | tuple[str, str | None] | dict[str, Any]
# Shaped like a real token (id.timestamp.hmac) so the bot's own token check accepts it.
DEFAULT_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GdOubl.ZG91YmxlLWJvdC10b2tlbi1mb3ItdGVzdHM"


class DiscordDouble:
    """A Discord stand-in on 127.0.0.1. Build the world with the create_*/add_* methods, act as
    members with post/react/invoke_*, and look at what people see with view()/dm_view()."""

    def __init__(self, *, token: str = DEFAULT_TOKEN, bot_name: str = "Qiao", compress: bool | None = None,
                 rate_limits: RateLimitConfig | None = None, heartbeat_interval: int = 41250,
                 shards: int = 1, sharding_required: bool = False):
        """`shards`: the shard count GET /gateway/bot recommends (and create_guild's `shard=` counts with);
        `sharding_required`: an IDENTIFY without `shard` (or with a count below `shards`) is closed with
        4011, as Discord does for a bot in too many servers for one connection."""
        self.token = token
        self.shards = shards
        self.sharding_required = sharding_required
        self.world = World(token=token, bot_name=bot_name, emit=self._emit)
        self.gateway = Gateway(self, compress=compress, heartbeat_interval=heartbeat_interval)
        self.ratelimiter = RateLimiter(rate_limits)
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.command_syncs: list[tuple[int | None, Any]] = []
        self.server_errors: list[str] = []
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()
        self._rest = Rest(self)

    # ---- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    @property
    def application_id(self) -> int:
        return self.world.application_id

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._rest.middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/", self.gateway.handle)
        app.add_routes(self._rest.routes())
        from .control import control_routes

        app.add_routes(control_routes(self))
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> DiscordDouble:
        self.host = host
        self._changed = asyncio.Event()
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.world.base_url = self.base_url
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self.gateway.close()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordDouble:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _emit(self, event: str, data: dict[str, Any], *, guild_id: int | None = None,
              channel_id: int | None = None) -> None:
        self.events.append((event, data))
        self.gateway.dispatch(event, data, guild_id=guild_id, channel_id=channel_id)
        self.notify()

    def notify(self) -> None:
        self._changed.set()

    # ---- building the world ------------------------------------------------------------------

    def create_guild(self, name: str = "Test Guild", *, owner: str | User | Member | None = None,
                     locale: str = "en-US", bot_permissions: int | Iterable[str] = P.BOT_DEFAULT,
                     shard: int | None = None, shard_count: int | None = None) -> Guild:
        """`shard`: the server's id is routed to this shard ((id >> 22) % count) of `shard_count`
        (default: the double's `shards`)."""
        if isinstance(owner, str):
            owner = self.world.new_user(owner, global_name=owner)
        elif isinstance(owner, Member):
            owner = owner.user
        routed = None if shard is None else (shard, shard_count or self.shards)
        if routed is not None and not 0 <= routed[0] < routed[1]:
            raise ValueError(f"shard {shard} is not below the shard count {routed[1]}")
        return self.world.create_guild(name, owner, bot_permissions=P.to_bits(bot_permissions), locale=locale,
                                       shard=routed)

    def create_channel(self, guild: Guild, name: str, *, type: int | str = TEXT, parent: Channel | None = None,
                       topic: str | None = None, nsfw: bool = False, tags: Iterable[TagSpec] = (),
                       require_tag: bool = False) -> Channel:
        """`tags` (forum and media channels): "name", ("name", "🐛"), ("name", "emoji_name:emoji_id") or
        a dict with Discord's fields (name, emoji_name, emoji_id, moderated)."""
        kind = CHANNEL_TYPES[type] if isinstance(type, str) else type
        return self.world.create_channel(guild, name, type=kind, parent=parent, topic=topic, nsfw=nsfw,
                                         available_tags=[_tag_spec(t) for t in tags],
                                         flags=REQUIRE_TAG if require_tag else 0)

    def set_forum_tags(self, forum: Channel, tags: Iterable[TagSpec | ForumTag]) -> list[ForumTag]:
        """A moderator edits the forum's tags (existing ForumTag objects keep their ids): CHANNEL_UPDATE."""
        specs = [t.to_dict() if isinstance(t, ForumTag) else _tag_spec(t) for t in tags]
        forum.available_tags = self.world.forum_tags(forum, specs)
        self.world.update_channel(forum)
        return forum.available_tags

    def forum_tag(self, forum: Channel, name: str) -> ForumTag:
        tag = next((tag for tag in forum.available_tags if tag.name == name), None)
        if tag is None:
            raise ValueError(f"#{forum.name} has no tag {name!r}")
        return tag

    def create_category(self, guild: Guild, name: str) -> Channel:
        return self.create_channel(guild, name, type=CATEGORY)

    def create_role(self, guild: Guild, name: str, *, permissions: int | Iterable[str] = 0, position: int | None = None,
                    mentionable: bool = False, color: int = 0, above_bot: bool = False) -> Role:
        if above_bot:
            position = self.world.bot_role(guild).position + 1
        return self.world.create_role(guild, name, permissions=P.to_bits(permissions), position=position,
                                      mentionable=mentionable, color=color)

    def add_member(self, guild: Guild, username: str, *, display_name: str | None = None, nick: str | None = None,
                   roles: Iterable[Role] = (), avatar: str | None = None, bot: bool = False,
                   dms_open: bool = True, user: User | None = None) -> Member:
        user = user or self.world.new_user(username, global_name=display_name, avatar=avatar, bot=bot,
                                           dms_open=dms_open)
        return self.world.add_member(guild, user, nick=nick, roles=roles)

    def member(self, guild: Guild, user: User | int) -> Member:
        return guild.members[user if isinstance(user, int) else user.id]

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot_user.id]

    def set_bot_permissions(self, target: Guild | Channel, *, allow: int | Iterable[str] | None = None,
                            deny: int | Iterable[str] | None = None) -> None:
        """On a guild: change the bot's role. On a channel: a member overwrite for the bot."""
        allow_bits, deny_bits = P.to_bits(allow), P.to_bits(deny)
        if isinstance(target, Guild):
            role = self.world.bot_role(target)
            role.permissions = (role.permissions | allow_bits) & ~deny_bits
            self._emit("GUILD_ROLE_UPDATE", {"guild_id": str(target.id), "role": role.to_dict()}, guild_id=target.id)
        else:
            self.set_overwrite(target, self.bot_user, allow=allow_bits, deny=deny_bits)

    def set_overwrite(self, channel: Channel, target: Role | Member | User | Guild, *,
                      allow: int | Iterable[str] | None = None, deny: int | Iterable[str] | None = None) -> None:
        """Channel permission overwrite for a role, a member, or @everyone (pass the guild)."""
        if isinstance(target, Guild):
            target_id, kind = target.id, 0
        elif isinstance(target, Role):
            target_id, kind = target.id, 0
        else:
            target_id, kind = target.id, 1
        channel.overwrites[target_id] = Overwrite(target_id, kind, P.to_bits(allow), P.to_bits(deny))
        self.world.update_channel(channel)

    def give_role(self, member: Member, role: Role) -> None:
        if role.id not in member.roles:
            member.roles.append(role.id)
            self.world.member_update(member)

    def permissions_in(self, channel: Channel, who: Member | User) -> int:
        return self.world.perms(channel, who.user if isinstance(who, Member) else who)

    # ---- acting as people --------------------------------------------------------------------

    async def post(self, member: Member | User, channel: Channel, content: str = "", *,
                   attachments: Iterable[Any] = (), reply_to: Message | None = None,
                   mentions: Iterable[Member | User | Role] = (), embeds: list[dict[str, Any]] | None = None,
                   stickers: Iterable[str] = ()) -> Message:
        """A person posts. attachments: (filename, bytes[, content_type]) tuples or dicts with those keys
        (plus width/height); mentions: prefixed as <@id>/<@&id>."""
        user = member.user if isinstance(member, Member) else member
        prefix = " ".join(f"<@&{m.id}>" if isinstance(m, Role) else f"<@{m.id}>" for m in mentions)
        text = f"{prefix} {content}".strip() if prefix else content
        atts = [self._attachment(channel, a) for a in attachments]
        items = [{"id": str(self.world.ids.next()), "name": s, "format_type": 1} for s in stickers]
        if channel.is_thread:
            self.world.unarchive_for_message(channel, can_manage=bool(self.world.perms(channel, user) & P.MANAGE_THREADS))
        msg = self.world.create_message(channel, user, content=text, attachments=atts, reply_to=reply_to,
                                        embeds=embeds, sticker_items=items)
        await asyncio.sleep(0)
        return msg

    async def forward(self, member: Member | User, message: Message, channel: Channel) -> Message:
        """A person forwards `message` into `channel` (Discord's "Forward": content arrives in
        message_snapshots, not in content)."""
        user = member.user if isinstance(member, Member) else member
        msg = self.world.forward_message(channel, user, message)
        await asyncio.sleep(0)
        return msg

    def _attachment(self, channel: Channel, spec: Any) -> dict[str, Any]:
        if isinstance(spec, dict):
            spec = dict(spec)
            return self.world.make_attachment(channel.id, spec.pop("filename"), spec.pop("data", b""), **spec)
        filename, data, *rest = spec
        return self.world.make_attachment(channel.id, filename, data, content_type=rest[0] if rest else None)

    async def dm(self, member: Member | User, content: str, **kwargs: Any) -> Message:
        """The person writes to the bot in their DM channel."""
        user = member.user if isinstance(member, Member) else member
        return await self.post(user, self.world.dm_channel(user), content, **kwargs)

    async def edit(self, msg: Message, content: str) -> Message:
        channel = self.world.channels.get(msg.channel_id)
        if channel is not None and channel.is_thread and channel.archived:
            raise thread_archived()
        self.world.edit_message(msg, content=content)
        await asyncio.sleep(0)
        return msg

    async def delete(self, msg: Message) -> None:
        self.world.delete_message(msg)
        await asyncio.sleep(0)

    async def react(self, member: Member | User, msg: Message, emoji: str) -> None:
        self.world.add_reaction(msg, member.user if isinstance(member, Member) else member, emoji)
        await asyncio.sleep(0)

    async def unreact(self, member: Member | User, msg: Message, emoji: str) -> None:
        self.world.remove_reaction(msg, member.user if isinstance(member, Member) else member, emoji)
        await asyncio.sleep(0)

    async def create_thread(self, member: Member, channel: Channel, name: str, *, message: Message | None = None,
                            private: bool = False) -> Channel:
        """A person starts a thread: on `message` (public, sharing its id) or on its own (public, or
        `private`: only its members and those with Manage Threads see it)."""
        if message is not None and private:
            raise ValueError("a thread started on a message is public")
        if channel.is_forum:
            raise ValueError(f"#{channel.name} is a forum: a post needs its starter message (create_post)")
        thread = self.world.create_thread(channel, name, member.user, message=message,
                                          type=PRIVATE_THREAD if private else None)
        await asyncio.sleep(0)
        return thread

    async def create_post(self, member: Member, forum: Channel, name: str, content: str = "", *,
                          tags: Iterable[str | ForumTag] = (), attachments: Iterable[Any] = ()) -> tuple[Channel, Message]:
        """A person opens a post in a forum or media channel (tags by name or ForumTag): THREAD_CREATE
        with `applied_tags`, then the starter message (its id is the thread's) as MESSAGE_CREATE."""
        if not forum.is_forum:
            raise ValueError(f"#{forum.name} is not a forum or media channel")
        tag_ids = [t.id if isinstance(t, ForumTag) else self.forum_tag(forum, t).id for t in tags]
        thread, message = self.world.create_post(forum, name, member.user, content=content, applied_tags=tag_ids,
                                                 attachments=[self._attachment(forum, a) for a in attachments])
        await asyncio.sleep(0)
        return thread, message

    def posts_in(self, forum: Channel) -> list[Channel]:
        """The forum's posts (threads), oldest first."""
        return sorted((c for c in self.world.channels.values() if c.is_thread and c.parent_id == forum.id),
                      key=lambda c: c.id)

    async def edit_thread(self, member: Member, thread: Channel, *, name: str | None = None,
                          archived: bool | None = None, locked: bool | None = None,
                          tags: Iterable[str | ForumTag] | None = None) -> Channel:
        """A person renames, archives, unarchives, locks or unlocks a thread, or retags a forum post
        (tags by name or ForumTag): one THREAD_UPDATE. Like Discord: the creator or Manage Threads
        for a name, archiving or tags (a moderated tag only with Manage Threads), Manage Threads to
        lock or to unarchive a locked thread; an archived thread only takes being unarchived."""
        perms = self.world.perms(thread, member.user)
        manage = bool(perms & P.MANAGE_THREADS)
        owner = thread.owner_id == member.user.id
        if not perms & P.VIEW_CHANNEL:
            raise E.missing_access()
        if locked is not None and not manage:
            raise E.missing_permissions()
        if (name is not None or archived is True or tags is not None) and not (owner or manage):
            raise E.missing_permissions()
        if archived is False and thread.locked and not manage:
            raise E.missing_permissions()
        if thread.archived and archived is not False:
            raise thread_archived()
        tag_ids = None
        if tags is not None:
            forum = self.world.channels[thread.parent_id]
            tag_ids = self.world.check_applied_tags(
                forum, [t.id if isinstance(t, ForumTag) else self.forum_tag(forum, t).id for t in tags], member.user,
                creating=False,
            )
        self.world.update_thread(thread, name=name, archived=archived, locked=locked, applied_tags=tag_ids, by=member.user)
        await asyncio.sleep(0)
        return thread

    async def delete_thread(self, thread: Channel) -> None:
        """A moderator deletes a thread (THREAD_DELETE)."""
        self.world.delete_channel(thread)
        await asyncio.sleep(0)

    async def add_to_thread(self, member: Member, thread: Channel) -> None:
        """Someone adds `member` to a (private) thread."""
        self.world.join_thread(thread, member.user)
        await asyncio.sleep(0)

    # ---- interactions ------------------------------------------------------------------------

    def _interaction(self, member: Member | User, channel: Channel, type: int, data: dict[str, Any], *,
                     locale: str, permissions: int | Iterable[str] | None = None,
                     message: Message | None = None) -> InteractionHandle:
        user = member.user if isinstance(member, Member) else member
        guild = self.world.guild_of(channel)
        interaction = Interaction(self.world.ids.next(), f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(60)}", type, user,
                                  channel.id, guild.id if guild else None, data, locale)
        if message is not None:
            interaction.message_id = message.id
        payload: dict[str, Any] = {
            "id": str(interaction.id), "application_id": str(self.application_id), "type": type, "data": data,
            "channel_id": str(channel.id), "channel": {**channel.to_dict(),
                                                       "permissions": str(self.world.perms(channel, user))},
            "token": interaction.token, "version": 1, "locale": locale,
            "app_permissions": str(self.world.bot_perms(channel)), "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024, "context": 0 if guild else 1,
            "authorizing_integration_owners": {"0": str(guild.id)} if guild else {"1": str(user.id)},
        }
        if guild is not None:
            member_obj = guild.members[user.id]
            perms = self.world.perms(channel, user) if permissions is None else P.to_bits(permissions)
            payload.update(guild_id=str(guild.id), guild_locale=guild.preferred_locale,
                           guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                           member={**member_obj.to_dict(), "permissions": str(perms)})
        else:
            payload["user"] = user.to_dict()
        if message is not None:
            payload["message"] = self.world.message_payload(message)
        interaction.payload = payload
        self.world.interactions[interaction.id] = interaction
        self._emit("INTERACTION_CREATE", payload, guild_id=interaction.guild_id, channel_id=channel.id)
        return InteractionHandle(self, interaction)

    def interaction_by_token(self, token: str) -> Interaction | None:
        return next((i for i in self.world.interactions.values() if i.token == token), None)

    def _command_scope(self, name: str, channel: Channel, type: int) -> tuple[dict[str, Any] | None, bool]:
        guild_id = channel.guild_id
        for scope in (guild_id, None):
            for command in self.world.commands.get(scope, []):
                if command["name"] == name and command["type"] == type:
                    return command, scope is not None
        return None, False

    def _resolved(self, channel: Channel) -> Callable[[Any, int | None], tuple[int, Any]]:
        resolved: dict[str, dict[str, Any]] = {}
        guild = self.world.guild_of(channel)

        def add(value: Any, declared: int | None) -> tuple[int, Any]:
            return option_value(self.world, guild, resolved, value, declared)

        add.resolved = resolved  # type: ignore[attr-defined]
        return add

    async def invoke_slash(self, member: Member, command: str, *, channel: Channel,
                           options: dict[str, Any] | None = None, locale: str = "en-US",
                           permissions: int | Iterable[str] | None = None,
                           guild_command: bool | None = None) -> InteractionHandle:
        """Run "/group sub" with options. Option types come from the synced definition when there is
        one, else from the Python value (str, int, float, bool, Member/User, Channel, Role)."""
        name = command.split()[0]
        definition, is_guild = self._command_scope(name, channel, 1)
        resolver = self._resolved(channel)
        data = build_command_data(command, options or {}, definition, resolver)
        data["id"] = definition["id"] if definition else str(self.world.ids.next())
        if resolver.resolved:  # type: ignore[attr-defined]
            data["resolved"] = resolver.resolved  # type: ignore[attr-defined]
        if guild_command if guild_command is not None else is_guild:
            data["guild_id"] = str(channel.guild_id)
        handle = self._interaction(member, channel, 2, data, locale=locale, permissions=permissions)
        await asyncio.sleep(0)
        return handle

    async def invoke_autocomplete(self, member: Member, command: str, *, channel: Channel, options: dict[str, Any],
                                  focused: str, locale: str = "en-US") -> InteractionHandle:
        name = command.split()[0]
        definition, is_guild = self._command_scope(name, channel, 1)
        data = build_command_data(command, options, definition, self._resolved(channel), focused=focused)
        data["id"] = definition["id"] if definition else str(self.world.ids.next())
        if is_guild:
            data["guild_id"] = str(channel.guild_id)
        handle = self._interaction(member, channel, 4, data, locale=locale)
        await asyncio.sleep(0)
        return handle

    async def invoke_message_command(self, member: Member, name: str, target: Message, *, locale: str = "en-US",
                                     guild_command: bool | None = None) -> InteractionHandle:
        channel = self.world.channels[target.channel_id]
        definition, is_guild = self._command_scope(name, channel, 3)
        data: dict[str, Any] = {
            "id": definition["id"] if definition else str(self.world.ids.next()), "name": name, "type": 3,
            "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): self.world.message_payload(target)}},
        }
        if guild_command if guild_command is not None else is_guild:
            data["guild_id"] = str(channel.guild_id)
        handle = self._interaction(member, channel, 2, data, locale=locale)
        await asyncio.sleep(0)
        return handle

    async def invoke_user_command(self, member: Member, name: str, target: Member, *, channel: Channel,
                                  locale: str = "en-US") -> InteractionHandle:
        definition, is_guild = self._command_scope(name, channel, 2)
        resolver = self._resolved(channel)
        resolver(target, 6)
        data: dict[str, Any] = {"id": definition["id"] if definition else str(self.world.ids.next()), "name": name,
                                "type": 2, "target_id": str(target.id), "resolved": resolver.resolved}  # type: ignore[attr-defined]
        if is_guild:
            data["guild_id"] = str(channel.guild_id)
        handle = self._interaction(member, channel, 2, data, locale=locale)
        await asyncio.sleep(0)
        return handle

    async def click_button(self, member: Member, message: Message, custom_id: str, *,
                           locale: str = "en-US") -> InteractionHandle:
        channel = self.world.channels[message.channel_id]
        handle = self._interaction(member, channel, 3, {"custom_id": custom_id, "component_type": 2},
                                   locale=locale, message=message)
        await asyncio.sleep(0)
        return handle

    async def select(self, member: Member, message: Message, custom_id: str, values: list[str], *,
                     component_type: int = 3, locale: str = "en-US") -> InteractionHandle:
        channel = self.world.channels[message.channel_id]
        data = {"custom_id": custom_id, "component_type": component_type, "values": values}
        handle = self._interaction(member, channel, 3, data, locale=locale, message=message)
        await asyncio.sleep(0)
        return handle

    async def submit_modal(self, member: Member, custom_id: str, values: dict[str, str], *, channel: Channel,
                           locale: str = "en-US") -> InteractionHandle:
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
        handle = self._interaction(member, channel, 5, {"custom_id": custom_id, "components": rows}, locale=locale)
        await asyncio.sleep(0)
        return handle

    # ---- looking at the result ---------------------------------------------------------------

    def messages_in(self, channel: Channel, *, include_deleted: bool = False) -> list[Message]:
        return sorted((m for m in self.world.messages.values()
                       if m.channel_id == channel.id and (include_deleted or not m.deleted)), key=lambda m: m.id)

    def view(self, channel: Channel, as_member: Member | User | None = None) -> list[MessageView]:
        """Messages in the channel as a person sees them. Without as_member: a bystander who can see the
        channel (no ephemeral messages). With as_member: nothing if they cannot view it, plus theirs."""
        guild = self.world.guild_of(channel)
        viewer = as_member.user if isinstance(as_member, Member) else as_member
        if viewer is not None and guild is not None and not self.world.perms(channel, viewer) & P.VIEW_CHANNEL:
            return []
        # A thread's THREAD_STARTER_MESSAGE (type 21) only points at the parent's message, which the
        # parent's view already shows: left out here (messages_in and the REST history keep it).
        return [self._render(m, guild) for m in self.messages_in(channel)
                if (m.ephemeral_to is None or (viewer is not None and m.ephemeral_to == viewer.id))
                and m.type != THREAD_STARTER_MESSAGE]

    def dm_view(self, member: Member | User) -> list[MessageView]:
        user = member.user if isinstance(member, Member) else member
        return self.view(self.world.dm_channel(user), user)

    def thread_for(self, message: Message) -> Channel | None:
        return self.world.channels.get(message.thread_id) if message.thread_id else None

    def webhooks_in(self, channel: Channel) -> list[Any]:
        return [w for w in self.world.webhooks.values() if w.channel_id == channel.id]

    def _render(self, msg: Message, guild: Guild | None) -> MessageView:
        if msg.webhook_id is not None and msg.interaction is None:
            webhook = self.world.webhooks.get(msg.webhook_id)
            author = msg.webhook_username or (webhook.name if webhook else "")
            avatar = msg.webhook_avatar_url or (
                f"https://cdn.discordapp.com/avatars/{webhook.id}/{webhook.avatar}.png" if webhook and webhook.avatar
                else "https://cdn.discordapp.com/embed/avatars/0.png")
            author_id = msg.webhook_id
        else:
            member = guild.members.get(msg.author.id) if guild else None
            author = member.display_name if member else (msg.author.global_name or msg.author.username)
            avatar = member.avatar_url if member else msg.author.avatar_url
            author_id = msg.author.id
        return MessageView(
            id=msg.id, author=author, author_id=author_id, avatar_url=avatar, content=msg.content,
            attachments=list(msg.attachments), embeds=list(msg.embeds), components=list(msg.components),
            reactions={k: len(v["users"]) for k, v in msg.reactions.items()}, edited=msg.edited_at is not None,
            ephemeral=msg.ephemeral, is_bot=msg.author.bot or msg.webhook_id is not None,
            webhook_id=msg.webhook_id, reply_to=msg.referenced_id, thread=self.thread_for(msg),
            notified_user_ids=set(msg.notified_user_ids), pinged_roles=msg.pinged_roles,
            pinged_everyone=msg.pinged_everyone, message=msg,
        )

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Poll `predicate` whenever the double's state changes; return its first truthy value."""
        deadline = time.monotonic() + timeout
        while True:
            self._changed.clear()
            result = predicate()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            try:
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))
            except TimeoutError:
                pass

    async def wait_for_message(self, channel: Channel, predicate: Callable[[MessageView], Any] = lambda v: True, *,
                               timeout: float = 5.0, as_member: Member | None = None,
                               after: Message | None = None) -> MessageView:
        def find() -> MessageView | None:
            for view in self.view(channel, as_member):
                if (after is None or view.id > after.id) and predicate(view):
                    return view
            return None

        return await self.wait_for(find, timeout)

    def requests_to(self, method: str, route: str) -> list[RecordedRequest]:
        """Recorded requests whose template (/channels/{channel_id}/messages) or path matches."""
        import fnmatch

        return [r for r in self.requests if r.method == method.upper()
                and (fnmatch.fnmatchcase(r.route, route) or fnmatch.fnmatchcase(r.path, route))]

    @property
    def rate_limit_hits(self):
        return self.ratelimiter.hits

    async def drop_gateway(self, code: int | None = None, *, invalidate: bool | None = None) -> None:
        await self.gateway.drop(code, invalidate=invalidate)


def _tag_spec(spec: TagSpec) -> dict[str, Any]:
    if isinstance(spec, dict):
        return dict(spec)
    name, emoji = (spec, None) if isinstance(spec, str) else spec
    if emoji and ":" in emoji:
        emoji_name, _, emoji_id = emoji.partition(":")
        return {"name": name, "emoji_name": emoji_name, "emoji_id": emoji_id}
    return {"name": name, "emoji_name": emoji, "emoji_id": None}


__all__ = ["DiscordDouble", "DM", "TEXT", "CATEGORY", "FORUM", "MEDIA", "PUBLIC_THREAD", "PRIVATE_THREAD"]
