"""REST API v10: the routes a bot uses, answering with Discord's payloads and error bodies."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web

from . import errors as E
from . import permissions as P
from .commands import validate_autocomplete, validate_command, validate_commands
from .faults import proxy_error, rate_limit_body, rate_limit_headers
from .state import (
    ANNOUNCEMENT,
    CATEGORY,
    DM,
    EPHEMERAL,
    FORUM,
    FORUM_TYPES,
    LOADING,
    MEDIA,
    PRIVATE_THREAD,
    TEXT,
    Channel,
    Guild,
    Interaction,
    Message,
    Overwrite,
    Webhook,
    iso,
)
from .world import thread_archived, validate_webhook_name

if TYPE_CHECKING:
    from .server import DiscordDouble

API = "/api/v10"
PAYLOAD = web.RequestKey("payload", object)
FILES = web.RequestKey("files", list)
JSON = "application/json"
VIA = "1.1 google"


@dataclass
class RecordedRequest:
    method: str
    path: str
    route: str
    query: dict[str, str]
    json: Any
    files: list[dict[str, Any]]
    status: int = 0
    at: float = 0.0


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses JSON only for this exact content type (no charset suffix).
    return web.Response(body=json.dumps(data, ensure_ascii=False).encode(), status=status,
                        content_type=JSON, headers=headers)


def _drop_connection(request: web.Request) -> web.Response:
    """Cut the socket without an answer (a reset mid-request); what is returned is never sent."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=499)


def no_auth(handler):
    handler.no_auth = True
    return handler


def _int(value: str, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise E.unknown(what) from None


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("1", "true")


class Rest:
    def __init__(self, double: DiscordDouble):
        self.double = double
        self.world = double.world

    # ---- plumbing ----------------------------------------------------------------------------

    @web.middleware
    async def middleware(self, request: web.Request, handler):
        if not request.path.startswith(API + "/"):
            return await handler(request)
        resource = request.match_info.route.resource
        template = resource.canonical.removeprefix(API) if resource is not None else request.path
        path = request.path.removeprefix(API)
        try:
            payload, files = await self._read_body(request)
        except ValueError:
            return json_response({"message": "400: Bad Request", "code": 0}, 400)
        request[PAYLOAD], request[FILES] = payload, files
        record = RecordedRequest(request.method, path, template, dict(request.query), payload,
                                 [{k: v for k, v in f.items() if k != "data"} for f in files], at=time.time())
        self.double.requests.append(record)
        try:
            response = await self._answer(request, handler, template, path)
        except Exception:
            self.double.server_errors.append(traceback.format_exc())
            response = json_response({"message": "500: Internal Server Error", "code": 0}, 500)
        response.headers.setdefault("Via", VIA)
        record.status = response.status
        return response

    async def _answer(self, request: web.Request, handler, template: str, path: str) -> web.StreamResponse:
        reset_after = False
        answer_late = 0.0
        for fault in self.double.faults.take(request.method, template, path):
            if fault.kind == "delay" and fault.after_processing:
                answer_late = max(answer_late, fault.delay)
            elif fault.kind == "delay":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "hold":
                await fault.released.wait()
            elif fault.kind == "fail":
                status = fault.next_status()
                if fault.body is not None:
                    return json_response(fault.body, status)
                content_type, text = proxy_error(status, fault.proxy)
                return web.Response(status=status, text=text, content_type=content_type)
            elif fault.kind == "rate_limit":
                return self._too_many(request, path, fault.retry_after, fault.scope, "injected",
                                      is_global=fault.is_global)
            elif fault.kind == "reset":
                if not fault.after_processing:
                    return _drop_connection(request)
                reset_after = True
        if reset_after:
            await self._answer_unfaulted(request, handler, template, path)
            return _drop_connection(request)
        response = await self._answer_unfaulted(request, handler, template, path)
        if answer_late:
            await asyncio.sleep(answer_late)
        return response

    async def _answer_unfaulted(self, request: web.Request, handler, template: str, path: str) -> web.StreamResponse:
        target = request.match_info.handler
        if not getattr(target, "no_auth", False):
            if request.headers.get("Authorization") != f"Bot {self.double.token}":
                return json_response(E.unauthorized().body(), 401)
        verdict = self.double.ratelimiter.check(request.method, path, self._buckets(request, template))
        if verdict.retry_after is not None:
            return self._too_many(request, path, verdict.retry_after, verdict.scope, verdict.bucket,
                                  headers=verdict.headers)
        try:
            result = await handler(request)
        except E.DiscordError as exc:
            result = json_response(exc.body(), exc.status)
        if result is None:
            result = web.Response(status=204)
        elif not isinstance(result, web.StreamResponse):
            result = json_response(result)
        result.headers.update(verdict.headers)
        return result

    def _too_many(self, request: web.Request, path: str, retry_after: float, scope: str, bucket: str, *,
                  headers: dict[str, str] | None = None, is_global: bool = False) -> web.Response:
        from .ratelimit import RateLimitHit

        if bucket == "injected":
            self.double.ratelimiter.hits.append(RateLimitHit(request.method, path, bucket, scope, retry_after,
                                                             time.time()))
            bucket = hashlib.sha1(path.encode()).hexdigest()[:32]
        headers = {**rate_limit_headers(retry_after, scope, bucket), **(headers or {})}
        return json_response(rate_limit_body(retry_after, is_global=is_global), 429, headers)

    def _buckets(self, request: web.Request, template: str) -> list:
        config = self.double.ratelimiter.config
        info = request.match_info
        if request.method == "POST" and template == "/channels/{channel_id}/messages":
            return [(f"messages:{info['channel_id']}", config.channel_messages, "user")]
        if request.method == "POST" and template == "/webhooks/{webhook_id}/{token}":
            webhook = self.world.webhooks.get(int(info["webhook_id"])) if info["webhook_id"].isdigit() else None
            if webhook is None:
                return []
            channel = request.query.get("thread_id") or str(webhook.channel_id)
            return [(f"webhook:{webhook.id}", config.webhook, "user"),
                    (f"webhook-channel:{channel}", config.webhook_channel, "shared")]
        return []

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        if request.method in ("GET", "HEAD") or not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    payload = json.loads(await part.text())
                elif part.name and part.name.startswith("file"):
                    index = part.name.partition("[")[2].rstrip("]")
                    files.append({"field": part.name, "index": int(index) if index.isdigit() else len(files),
                                  "filename": part.filename or "file", "data": await part.read(),
                                  "content_type": part.headers.get("Content-Type")})
            return payload or {}, files
        raw = await request.read()
        if not raw:
            return None, []
        return json.loads(raw), []

    def routes(self) -> list[web.RouteDef]:
        r = []

        def add(method: str, path: str, handler) -> None:
            r.append(web.route(method, API + path, handler))

        add("GET", "/users/@me", self.get_me)
        add("GET", "/users/{user_id}", self.get_user)
        add("POST", "/users/@me/channels", self.create_dm)
        add("GET", "/oauth2/applications/@me", self.get_application)
        add("GET", "/applications/@me", self.get_application)
        add("GET", "/gateway", self.get_gateway)
        add("GET", "/gateway/bot", self.get_gateway_bot)
        add("GET", "/guilds/{guild_id}", self.get_guild)
        add("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        add("POST", "/guilds/{guild_id}/channels", self.create_guild_channel)
        add("GET", "/guilds/{guild_id}/roles", self.get_roles)
        add("POST", "/guilds/{guild_id}/roles", self.create_role)
        add("GET", "/guilds/{guild_id}/members", self.list_members)
        add("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        add("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.add_member_role)
        add("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.remove_member_role)
        add("GET", "/guilds/{guild_id}/webhooks", self.get_guild_webhooks)
        add("GET", "/guilds/{guild_id}/threads/active", self.get_active_threads)
        add("GET", "/channels/{channel_id}", self.get_channel)
        add("PATCH", "/channels/{channel_id}", self.edit_channel)
        add("DELETE", "/channels/{channel_id}", self.delete_channel)
        add("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", self.put_overwrite)
        add("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", self.delete_overwrite)
        add("POST", "/channels/{channel_id}/typing", self.typing)
        add("GET", "/channels/{channel_id}/messages", self.get_messages)
        add("POST", "/channels/{channel_id}/messages", self.send_message)
        add("POST", "/channels/{channel_id}/messages/bulk-delete", self.bulk_delete)
        add("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        add("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        add("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        add("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self.add_reaction)
        add("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}", self.remove_reaction)
        add("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}", self.get_reactions)
        add("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions", self.clear_reactions)
        add("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}", self.clear_reactions)
        add("POST", "/channels/{channel_id}/messages/{message_id}/threads", self.thread_from_message)
        add("POST", "/channels/{channel_id}/threads", self.create_thread)
        add("PUT", "/channels/{channel_id}/thread-members/{user_id}", self.join_thread)
        add("DELETE", "/channels/{channel_id}/thread-members/{user_id}", self.leave_thread)
        add("GET", "/channels/{channel_id}/webhooks", self.get_channel_webhooks)
        add("POST", "/channels/{channel_id}/webhooks", self.create_webhook)
        add("GET", "/webhooks/{webhook_id}", self.get_webhook)
        add("PATCH", "/webhooks/{webhook_id}", self.edit_webhook)
        add("DELETE", "/webhooks/{webhook_id}", self.delete_webhook)
        add("GET", "/webhooks/{webhook_id}/{token}", self.get_webhook)
        add("PATCH", "/webhooks/{webhook_id}/{token}", self.edit_webhook)
        add("DELETE", "/webhooks/{webhook_id}/{token}", self.delete_webhook)
        add("POST", "/webhooks/{webhook_id}/{token}", self.execute_webhook)
        add("GET", "/webhooks/{webhook_id}/{token}/messages/{message_id}", self.get_webhook_message)
        add("PATCH", "/webhooks/{webhook_id}/{token}/messages/{message_id}", self.edit_webhook_message)
        add("DELETE", "/webhooks/{webhook_id}/{token}/messages/{message_id}", self.delete_webhook_message)
        add("POST", "/interactions/{interaction_id}/{token}/callback", self.interaction_callback)
        for prefix in ("/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}"):
            add("GET", prefix + "/commands", self.get_commands)
            add("PUT", prefix + "/commands", self.put_commands)
            add("POST", prefix + "/commands", self.post_command)
            add("DELETE", prefix + "/commands/{command_id}", self.delete_command)
        r.append(web.get("/attachments/{channel_id}/{attachment_id}/{filename}", self.download))
        r.append(web.get("/media/attachments/{channel_id}/{attachment_id}/{filename}", self.download))
        return r

    # ---- lookups -----------------------------------------------------------------------------

    def channel(self, request: web.Request, *, view: bool = True) -> Channel:
        channel = self.world.channels.get(_int(request.match_info["channel_id"], "Channel"))
        if channel is None:
            raise E.unknown("Channel")
        if view and channel.type != DM and not self.world.bot_can(channel, P.VIEW_CHANNEL):
            raise E.missing_access()
        return channel

    def guild(self, request: web.Request) -> Guild:
        guild = self.world.guilds.get(_int(request.match_info["guild_id"], "Guild"))
        if guild is None or self.world.bot_user.id not in guild.members:
            raise E.unknown("Guild")
        return guild

    def message(self, channel: Channel, message_id: str) -> Message:
        msg = self.world.messages.get(_int(message_id, "Message"))
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral_to is not None:
            raise E.unknown("Message")
        return msg

    def payload(self, request: web.Request) -> dict[str, Any]:
        payload = request[PAYLOAD]
        return payload if isinstance(payload, dict) else {}

    # ---- users, application, gateway ---------------------------------------------------------

    async def get_me(self, request: web.Request):
        return {**self.world.bot_user.to_dict(), "verified": True, "mfa_enabled": False, "flags": 0,
                "email": None, "locale": "en-US", "premium_type": 0, "banner": None, "accent_color": None}

    async def get_user(self, request: web.Request):
        user = self.world.users.get(_int(request.match_info["user_id"], "User"))
        if user is None:
            raise E.unknown("User")
        return user.to_dict()

    async def get_application(self, request: web.Request):
        world = self.world
        return {
            "id": str(world.application_id), "name": world.bot_user.username, "icon": None, "description": "",
            "summary": "", "type": None, "bot_public": True, "bot_require_code_grant": False,
            "verify_key": hashlib.sha256(str(world.application_id).encode()).hexdigest(), "flags": 0,
            "owner": world.owner.to_dict(), "team": None, "bot": world.bot_user.to_dict(), "rpc_origins": [],
            "tags": [], "redirect_uris": [], "interactions_endpoint_url": None,
            "approximate_guild_count": len(world.guilds),
        }

    @no_auth
    async def get_gateway(self, request: web.Request):
        return {"url": self.double.gateway_url}

    async def get_gateway_bot(self, request: web.Request):
        return {"url": self.double.gateway_url, "shards": self.double.shards,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}

    async def create_dm(self, request: web.Request):
        user = self.world.users.get(_int(self.payload(request).get("recipient_id"), "User"))
        if user is None:
            raise E.unknown("User")
        return self.world.dm_channel(user).to_dict()

    # ---- guilds, roles, members --------------------------------------------------------------

    async def get_guild(self, request: web.Request):
        guild = self.guild(request)
        return guild.to_dict()

    async def get_guild_channels(self, request: web.Request):
        guild = self.guild(request)
        return [c.to_dict() for c in guild.channels.values() if not c.is_thread]

    async def create_guild_channel(self, request: web.Request):
        guild = self.guild(request)
        self.world.require_guild(guild, P.MANAGE_CHANNELS)
        body = self.payload(request)
        name = body.get("name")
        if not name or not 1 <= len(name) <= 100:
            raise E.invalid_form(E.field_error("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."))
        ch_type = int(body.get("type") or TEXT)
        if ch_type not in (TEXT, CATEGORY, 5, FORUM, MEDIA):
            raise E.invalid_form(E.field_error("type", "BASE_TYPE_CHOICES", "Value must be one of {0, 4, 5, 15, 16}."))
        parent = None
        if body.get("parent_id"):
            parent = guild.channels.get(int(body["parent_id"]))
            if parent is None or parent.type != CATEGORY:
                raise E.invalid_form(E.field_error("parent_id", "CHANNEL_PARENT_INVALID", "Not a category"))
        overwrites = [Overwrite(int(o["id"]), int(o.get("type", 0)), int(o.get("allow") or 0), int(o.get("deny") or 0))
                      for o in body.get("permission_overwrites") or []]
        if ch_type == TEXT:
            name = name.lower().replace(" ", "-")
        channel = self.world.create_channel(guild, name, type=ch_type, parent=parent, topic=body.get("topic"),
                                            overwrites=overwrites, position=body.get("position"),
                                            nsfw=bool(body.get("nsfw")), available_tags=body.get("available_tags") or (),
                                            flags=int(body.get("flags") or 0))
        return channel.to_dict()

    async def get_roles(self, request: web.Request):
        return [r.to_dict() for r in self.guild(request).roles.values()]

    async def create_role(self, request: web.Request):
        guild = self.guild(request)
        self.world.require_guild(guild, P.MANAGE_ROLES)
        body = self.payload(request)
        permissions = int(body.get("permissions") or 0)
        bot_perms = P.base_permissions(guild, guild.members[self.world.bot_user.id])
        if permissions & ~bot_perms:
            raise E.missing_permissions()
        role = self.world.create_role(guild, body.get("name") or "new role", permissions=permissions,
                                      color=int(body.get("color") or 0), mentionable=bool(body.get("mentionable")),
                                      hoist=bool(body.get("hoist")))
        return role.to_dict()

    async def list_members(self, request: web.Request):
        guild = self.guild(request)
        limit = min(int(request.query.get("limit", 1)), 1000)
        after = int(request.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return [m.to_dict() for m in members[:limit]]

    async def get_member(self, request: web.Request):
        guild = self.guild(request)
        member = guild.members.get(_int(request.match_info["user_id"], "Member"))
        if member is None:
            raise E.unknown("Member")
        return member.to_dict()

    def _role_change(self, request: web.Request):
        guild = self.guild(request)
        member = guild.members.get(_int(request.match_info["user_id"], "Member"))
        if member is None:
            raise E.unknown("Member")
        role = guild.roles.get(_int(request.match_info["role_id"], "Role"))
        if role is None:
            raise E.unknown("Role")
        self.world.require_guild(guild, P.MANAGE_ROLES)
        bot = guild.members[self.world.bot_user.id]
        if role.managed or role.id == guild.id or guild.top_role_position(bot) <= role.position:
            raise E.missing_permissions()
        return guild, member, role

    async def add_member_role(self, request: web.Request):
        _, member, role = self._role_change(request)
        if role.id not in member.roles:
            member.roles.append(role.id)
            self.world.member_update(member)

    async def remove_member_role(self, request: web.Request):
        _, member, role = self._role_change(request)
        if role.id in member.roles:
            member.roles.remove(role.id)
            self.world.member_update(member)

    async def get_guild_webhooks(self, request: web.Request):
        guild = self.guild(request)
        self.world.require_guild(guild, P.MANAGE_WEBHOOKS)
        return [self.world.webhook_payload(w) for w in self.world.webhooks.values() if w.guild_id == guild.id]

    async def get_active_threads(self, request: web.Request):
        guild = self.guild(request)
        threads = [c for c in guild.channels.values()
                   if c.is_thread and not c.archived and self.world.bot_can(c, P.VIEW_CHANNEL)]
        return {"threads": [t.to_dict() for t in threads], "members": [
            self._thread_member(t, self.world.bot_user.id) for t in threads if self.world.bot_user.id in t.thread_members]}

    # ---- channels ----------------------------------------------------------------------------

    async def get_channel(self, request: web.Request):
        return self.channel(request).to_dict()

    async def edit_channel(self, request: web.Request):
        channel = self.channel(request)
        body = self.payload(request)
        if channel.is_thread:
            forum = self.world.channels.get(channel.parent_id or 0)
            tags = None
            if "applied_tags" in body and forum is not None and forum.is_forum:
                tags = self.world.check_applied_tags(forum, body["applied_tags"], self.world.bot_user, creating=False)
            self._edit_thread(channel, body, applied_tags=tags)
            return channel.to_dict()
        else:
            self.world.require(channel, P.MANAGE_CHANNELS)
            for key in ("name", "topic", "nsfw", "position", "rate_limit_per_user"):
                if key in body:
                    setattr(channel, key, body[key])
            if "parent_id" in body:
                channel.parent_id = int(body["parent_id"]) if body["parent_id"] else None
            if channel.is_forum and "available_tags" in body:
                channel.available_tags = self.world.forum_tags(channel, body["available_tags"] or [])
            if channel.is_forum and "flags" in body:
                channel.flags = int(body["flags"] or 0)
            if "permission_overwrites" in body:
                self.world.require(channel, P.MANAGE_ROLES)
                channel.overwrites = {int(o["id"]): Overwrite(int(o["id"]), int(o.get("type", 0)),
                                                              int(o.get("allow") or 0), int(o.get("deny") or 0))
                                      for o in body["permission_overwrites"]}
        self.world.update_channel(channel)
        return channel.to_dict()

    def _edit_thread(self, thread: Channel, body: dict[str, Any], *, applied_tags: list[int] | None = None) -> None:
        """Discord's rules: name, archived and auto_archive_duration need Manage Threads or being the
        thread's creator; locked and rate_limit_per_user need Manage Threads; an archived thread
        takes no change but being unarchived (400 50083), and a locked one is unarchived only with
        Manage Threads."""
        world = self.world
        manage = world.bot_can(thread, P.MANAGE_THREADS)
        if not manage:
            if {"locked", "rate_limit_per_user"} & set(body):
                raise E.missing_permissions()
            if thread.owner_id != world.bot_user.id and {"name", "auto_archive_duration"} & set(body):
                raise E.missing_permissions()
            if body.get("archived") is True and thread.owner_id != world.bot_user.id:
                raise E.missing_permissions()
            if body.get("archived") is False and thread.locked:
                raise E.missing_permissions()
        if thread.archived and body.get("archived") is not False:
            raise thread_archived()
        if "name" in body:
            self._thread_name(body)
        if "rate_limit_per_user" in body:
            thread.rate_limit_per_user = int(body["rate_limit_per_user"] or 0)
        if "invitable" in body and thread.type == PRIVATE_THREAD:
            thread.invitable = bool(body["invitable"])
        world.update_thread(
            thread, name=body.get("name"), archived=body.get("archived"), locked=body.get("locked"),
            auto_archive_duration=body.get("auto_archive_duration"), applied_tags=applied_tags, by=world.bot_user,
        )

    def _thread_member(self, thread: Channel, user_id: int) -> dict[str, Any]:
        return {"id": str(thread.id), "user_id": str(user_id), "join_timestamp": iso(thread.thread_members[user_id]),
                "flags": 0}

    async def delete_channel(self, request: web.Request):
        channel = self.channel(request)
        self.world.require(channel, P.MANAGE_THREADS if channel.is_thread else P.MANAGE_CHANNELS)
        self.world.delete_channel(channel)
        return channel.to_dict()

    async def put_overwrite(self, request: web.Request):
        channel = self.channel(request)
        self.world.require(channel, P.MANAGE_ROLES)
        body = self.payload(request)
        allow, deny = int(body.get("allow") or 0), int(body.get("deny") or 0)
        bot_perms = self.world.bot_perms(channel)
        if (allow | deny) & ~bot_perms:
            raise E.missing_permissions()
        target = int(request.match_info["overwrite_id"])
        channel.overwrites[target] = Overwrite(target, int(body.get("type", 0)), allow, deny)
        self.world.update_channel(channel)

    async def delete_overwrite(self, request: web.Request):
        channel = self.channel(request)
        self.world.require(channel, P.MANAGE_ROLES)
        if channel.overwrites.pop(int(request.match_info["overwrite_id"]), None) is not None:
            self.world.update_channel(channel)

    async def typing(self, request: web.Request):
        self.channel(request)

    # ---- messages ----------------------------------------------------------------------------

    async def get_messages(self, request: web.Request):
        channel = self.channel(request)
        if not self.world.bot_can(channel, P.READ_MESSAGE_HISTORY):
            return []
        limit = max(1, min(int(request.query.get("limit", 50)), 100))
        msgs = sorted((m for m in self.world.messages.values()
                       if m.channel_id == channel.id and not m.deleted and m.ephemeral_to is None),
                      key=lambda m: m.id)
        if "around" in request.query:
            around = int(request.query["around"])
            before = [m for m in msgs if m.id < around][-(limit // 2):] if limit > 1 else []
            rest = [m for m in msgs if m.id >= around][: limit - len(before)]
            picked = before + rest
        elif "after" in request.query:
            picked = [m for m in msgs if m.id > int(request.query["after"])][:limit]
        else:
            before = int(request.query.get("before", 1 << 63))
            picked = [m for m in msgs if m.id < before][-limit:]
        return [self.world.message_payload(m) for m in reversed(picked)]

    async def get_message(self, request: web.Request):
        channel = self.channel(request)
        self.world.require(channel, P.READ_MESSAGE_HISTORY)
        return self.world.message_payload(self.message(channel, request.match_info["message_id"]))

    def _attachments(self, channel_id: int, body: dict[str, Any], files: list[dict[str, Any]],
                     existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]] | None:
        if not files and "attachments" not in body:
            return None
        by_index = {f["index"]: f for f in files}
        kept = {a["id"]: a for a in existing or []}
        result = []
        for entry in body.get("attachments") or []:
            key = entry.get("id")
            if str(key) in kept:
                result.append(kept[str(key)])
                continue
            file = by_index.pop(int(key), None) if str(key).isdigit() else None
            if file is not None:
                result.append(self.world.make_attachment(channel_id, entry.get("filename") or file["filename"],
                                                         file["data"], content_type=file["content_type"],
                                                         description=entry.get("description")))
        for file in by_index.values():
            result.append(self.world.make_attachment(channel_id, file["filename"], file["data"],
                                                     content_type=file["content_type"]))
        return result

    async def send_message(self, request: web.Request):
        channel = self.channel(request)
        body, files = self.payload(request), request[FILES]
        if channel.type == DM:
            recipient = channel.recipients[0]
            if recipient.bot or not recipient.dms_open:
                raise E.cannot_dm()
        else:
            self.world.require(channel, P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES)
            if files:
                self.world.require(channel, P.ATTACH_FILES)
            if channel.type == CATEGORY or channel.is_forum:
                # What Discord answers a message addressed to a forum or media channel itself (its
                # documented 40058 "Cannot send a message in a forum channel" is what a post's thread
                # answers before the author's starter message exists, not this).
                raise E.DiscordError(400, 50008, "Cannot send messages in a non-text channel")
            if channel.is_thread and channel.locked and not self.world.bot_can(channel, P.MANAGE_THREADS):
                raise E.missing_permissions()
        self.world.validate_message(content=body.get("content"), embeds=body.get("embeds"), files=len(files),
                                    stickers=body.get("sticker_ids"), components=body.get("components"),
                                    poll=body.get("poll"))
        reply_to = None
        ref = body.get("message_reference")
        if ref and ref.get("message_id"):
            reply_to = self.world.messages.get(int(ref["message_id"]))
            if reply_to is None or reply_to.deleted:
                if ref.get("fail_if_not_exists", True):
                    raise E.invalid_form(E.field_error("message_reference", "REPLIES_UNKNOWN_MESSAGE",
                                                       "Unknown message"))
                reply_to = None
        if channel.is_thread:
            self.world.unarchive_for_message(channel, can_manage=self.world.bot_can(channel, P.MANAGE_THREADS))
        stickers = [{"id": str(s), "name": "sticker", "format_type": 1} for s in body.get("sticker_ids") or []]
        msg = self.world.create_message(
            channel, self.world.bot_user, content=body.get("content"), embeds=body.get("embeds"),
            attachments=self._attachments(channel.id, body, files), components=body.get("components"),
            allowed_mentions=body.get("allowed_mentions"), reply_to=reply_to, flags=int(body.get("flags") or 0),
            sticker_items=stickers, nonce=body.get("nonce"), tts=bool(body.get("tts")),
        )
        return self.world.message_payload(msg)

    async def edit_message(self, request: web.Request):
        channel = self.channel(request)
        msg = self.message(channel, request.match_info["message_id"])
        body = self.payload(request)
        if msg.author.id != self.world.bot_user.id or msg.webhook_id is not None:
            if set(body) - {"flags"}:
                raise E.not_author()
            self.world.require(channel, P.MANAGE_MESSAGES)
        return self.world.message_payload(self._apply_edit(msg, body, request[FILES]))

    def _apply_edit(self, msg: Message, body: dict[str, Any], files: list[dict[str, Any]]) -> Message:
        self._refuse_in_archived_thread(msg.channel_id)
        if "content" in body and body["content"] is not None and len(body["content"]) > 2000:
            self.world.validate_message(content=body["content"], embeds=None, files=0, stickers=None, components=None)
        return self.world.edit_message(
            msg, content=body.get("content") if "content" in body else None,
            embeds=body.get("embeds") if "embeds" in body else None,
            attachments=self._attachments(msg.channel_id, body, files, msg.attachments),
            components=body.get("components") if "components" in body else None,
            allowed_mentions=body.get("allowed_mentions"), flags=body.get("flags"),
        )

    def _refuse_in_archived_thread(self, channel_id: int) -> None:
        """Discord takes no edit nor delete of a message in an archived thread (its client unarchives
        the thread first); only posting a message unarchives one by itself."""
        channel = self.world.channels.get(channel_id)
        if channel is not None and channel.is_thread and channel.archived:
            raise thread_archived()

    async def delete_message(self, request: web.Request):
        channel = self.channel(request)
        msg = self.message(channel, request.match_info["message_id"])
        if msg.author.id != self.world.bot_user.id or msg.webhook_id is not None:
            self.world.require(channel, P.MANAGE_MESSAGES)
        self._refuse_in_archived_thread(channel.id)
        self.world.delete_message(msg)

    async def bulk_delete(self, request: web.Request):
        channel = self.channel(request)
        self.world.require(channel, P.MANAGE_MESSAGES)
        ids = self.payload(request).get("messages") or []
        if not 2 <= len(ids) <= 100:
            raise E.invalid_form(E.field_error("messages", "BASE_TYPE_BAD_LENGTH",
                                               "Must be between 2 and 100 in length."))
        self._refuse_in_archived_thread(channel.id)
        self.world.bulk_delete(channel, [self.message(channel, i) for i in ids])

    # ---- reactions ---------------------------------------------------------------------------

    def _reaction_target(self, request: web.Request) -> tuple[Channel, Message, str]:
        channel = self.channel(request)
        msg = self.message(channel, request.match_info["message_id"])
        return channel, msg, unquote(request.match_info.get("emoji", ""))

    async def add_reaction(self, request: web.Request):
        channel, msg, emoji = self._reaction_target(request)
        self.world.require(channel, P.READ_MESSAGE_HISTORY)
        if emoji not in msg.reactions:
            self.world.require(channel, P.ADD_REACTIONS)
        self.world.add_reaction(msg, self.world.bot_user, emoji)

    async def remove_reaction(self, request: web.Request):
        channel, msg, emoji = self._reaction_target(request)
        target = request.match_info["user_id"]
        user = self.world.bot_user if target == "@me" else self.world.users.get(_int(target, "User"))
        if user is None:
            raise E.unknown("User")
        if user is not self.world.bot_user:
            self.world.require(channel, P.MANAGE_MESSAGES)
        self.world.remove_reaction(msg, user, emoji)

    async def get_reactions(self, request: web.Request):
        _, msg, emoji = self._reaction_target(request)
        entry = msg.reactions.get(emoji)
        return [self.world.users[u].to_dict() for u in (entry["users"] if entry else [])]

    async def clear_reactions(self, request: web.Request):
        channel, msg, emoji = self._reaction_target(request)
        self.world.require(channel, P.MANAGE_MESSAGES)
        for key in [k for k in msg.reactions if not emoji or k == emoji]:
            for user_id in list(msg.reactions[key]["users"]):
                self.world.remove_reaction(msg, self.world.users[user_id], key)

    # ---- threads -----------------------------------------------------------------------------

    async def thread_from_message(self, request: web.Request):
        channel = self.channel(request)
        msg = self.message(channel, request.match_info["message_id"])
        self.world.require(channel, P.CREATE_PUBLIC_THREADS)
        if channel.is_thread or channel.type not in (TEXT, ANNOUNCEMENT):
            raise E.DiscordError(400, 50024, "Cannot execute action on this channel type")
        if msg.thread_id is not None:
            raise E.DiscordError(400, 160004, "A thread has already been created for this message")
        body = self.payload(request)
        thread = self.world.create_thread(channel, self._thread_name(body), self.world.bot_user, message=msg,
                                          auto_archive_duration=int(body.get("auto_archive_duration") or 1440))
        return thread.to_dict()

    async def create_thread(self, request: web.Request):
        channel = self.channel(request)
        body = self.payload(request)
        if channel.is_forum:
            return self._create_post(request, channel, body)
        kind = int(body.get("type") or PRIVATE_THREAD)
        self.world.require(channel, P.CREATE_PRIVATE_THREADS if kind == PRIVATE_THREAD else P.CREATE_PUBLIC_THREADS)
        if channel.is_thread or (channel.type not in (TEXT, ANNOUNCEMENT) and channel.type != FORUM):
            raise E.DiscordError(400, 50024, "Cannot execute action on this channel type")
        thread = self.world.create_thread(channel, self._thread_name(body), self.world.bot_user, type=kind,
                                          auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
                                          invitable=body.get("invitable", True))
        return thread.to_dict()

    def _create_post(self, request: web.Request, forum: Channel, body: dict[str, Any]) -> dict[str, Any]:
        """POST /channels/{forum}/threads: a post needs its starter `message` (Send Messages in the
        forum is "Create Posts"); the answer is the thread with that `message` nested."""
        self.world.require(forum, P.SEND_MESSAGES)
        message = body.get("message")
        if not isinstance(message, dict):
            raise E.invalid_form(E.field_error("message", "BASE_TYPE_REQUIRED", "This field is required"))
        name = self._thread_name(body)
        files = request[FILES]
        if files:
            self.world.require(forum, P.ATTACH_FILES)
        self.world.validate_message(content=message.get("content"), embeds=message.get("embeds"), files=len(files),
                                    stickers=message.get("sticker_ids"), components=message.get("components"))
        tags = self.world.check_applied_tags(forum, body.get("applied_tags"), self.world.bot_user, creating=True)
        thread, starter = self.world.create_post(
            forum, name, self.world.bot_user, content=message.get("content"), applied_tags=tags,
            attachments=self._attachments(forum.id, message, files), embeds=message.get("embeds"),
            allowed_mentions=message.get("allowed_mentions"), flags=int(message.get("flags") or 0),
            auto_archive_duration=int(body.get("auto_archive_duration") or 4320),
        )
        return {**thread.to_dict(), "message": self.world.message_payload(starter)}

    def _thread_name(self, body: dict[str, Any]) -> str:
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise E.invalid_form(E.field_error("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."))
        return name

    async def join_thread(self, request: web.Request):
        channel = self.channel(request)
        if not channel.is_thread:
            raise E.DiscordError(400, 50024, "Cannot execute action on this channel type")
        target = request.match_info["user_id"]
        user = self.world.bot_user if target == "@me" else self.world.users.get(_int(target, "User"))
        if user is None:
            raise E.unknown("User")
        self.world.join_thread(channel, user)

    async def leave_thread(self, request: web.Request):
        channel = self.channel(request)
        target = request.match_info["user_id"]
        user_id = self.world.bot_user.id if target == "@me" else _int(target, "User")
        channel.thread_members.pop(user_id, None)

    # ---- webhooks ----------------------------------------------------------------------------

    async def get_channel_webhooks(self, request: web.Request):
        channel = self.channel(request)
        self.world.require(channel, P.MANAGE_WEBHOOKS)
        return [self.world.webhook_payload(w) for w in self.world.webhooks.values() if w.channel_id == channel.id]

    async def create_webhook(self, request: web.Request):
        channel = self.channel(request)
        if channel.is_thread or channel.type not in (TEXT, 5, *FORUM_TYPES):
            raise E.DiscordError(400, 50024, "Cannot execute action on this channel type")
        self.world.require(channel, P.MANAGE_WEBHOOKS)
        body = self.payload(request)
        avatar = _avatar_hash(body.get("avatar"))
        webhook = self.world.create_webhook(channel, body.get("name") or "", avatar=avatar)
        return self.world.webhook_payload(webhook)

    def webhook(self, request: web.Request) -> Webhook:
        webhook = self.world.webhooks.get(_int(request.match_info["webhook_id"], "Webhook"))
        token = request.match_info.get("token")
        if webhook is None or (token is not None and token != webhook.token):
            raise E.unknown("Webhook")
        if token is None:
            if request.headers.get("Authorization") != f"Bot {self.double.token}":
                raise E.unauthorized()
            self.world.require(self.world.channels[webhook.channel_id], P.MANAGE_WEBHOOKS)
        return webhook

    @no_auth
    async def get_webhook(self, request: web.Request):
        webhook = self.webhook(request)
        return self.world.webhook_payload(webhook, with_token=True) if "token" in request.match_info else \
            self.world.webhook_payload(webhook)

    @no_auth
    async def edit_webhook(self, request: web.Request):
        webhook = self.webhook(request)
        body = self.payload(request)
        if "name" in body:
            validate_webhook_name(body["name"], field="name")
            webhook.name = body["name"]
        if "avatar" in body:
            webhook.avatar = _avatar_hash(body["avatar"])
        if "channel_id" in body and "token" not in request.match_info:
            channel = self.world.channels.get(int(body["channel_id"]))
            if channel is None or channel.guild_id != webhook.guild_id:
                raise E.unknown("Channel")
            self.world.require(channel, P.MANAGE_WEBHOOKS)
            webhook.channel_id = channel.id
        return self.world.webhook_payload(webhook)

    @no_auth
    async def delete_webhook(self, request: web.Request):
        webhook = self.webhook(request)
        del self.world.webhooks[webhook.id]

    def _webhook_channel(self, request: web.Request, webhook: Webhook) -> Channel:
        channel = self.world.channels[webhook.channel_id]
        thread_id = request.query.get("thread_id")
        if thread_id:
            thread = self.world.channels.get(_int(thread_id, "Channel"))
            if thread is None or not thread.is_thread or thread.parent_id != webhook.channel_id:
                raise E.unknown("Channel")
            return thread
        return channel

    @no_auth
    async def execute_webhook(self, request: web.Request):
        if request.match_info["webhook_id"] == str(self.world.application_id):
            return await self.followup(request)
        webhook = self.webhook(request)
        body, files = self.payload(request), request[FILES]
        channel = self._webhook_channel(request, webhook)
        thread_name = body.get("thread_name")
        if channel.is_forum and not thread_name:
            raise E.DiscordError(400, 220001, "Webhooks posted to forum channels must have a thread_name or thread_id")
        if thread_name and not channel.is_forum and not request.query.get("thread_id"):
            raise E.DiscordError(400, 220003, "Webhooks can only create threads in forum channels")
        validate_webhook_name(body.get("username"), field="username")
        avatar_url = body.get("avatar_url")
        if avatar_url is not None and not (isinstance(avatar_url, str) and avatar_url.startswith(("http://", "https://"))
                                           and len(avatar_url) <= 2048):
            raise E.invalid_form(E.field_error("avatar_url", "URL_TYPE_INVALID_URL", "Not a well formed URL."))
        self.world.validate_message(content=body.get("content"), embeds=body.get("embeds"), files=len(files),
                                    stickers=None, components=body.get("components"), poll=body.get("poll"))
        if channel.is_thread:
            # A webhook has no Manage Threads: a locked, archived thread refuses it.
            self.world.unarchive_for_message(channel, can_manage=False)
        if channel.is_forum:
            # A forum post: `thread_name` is its title, `applied_tags` its tags, the message its starter.
            name = self._thread_name({"name": thread_name})
            tags = self.world.check_applied_tags(channel, body.get("applied_tags"), self.world.bot_user, creating=True)
            _, msg = self.world.create_post(
                channel, name, self.world.bot_user, content=body.get("content"), applied_tags=tags,
                attachments=self._attachments(channel.id, body, files), embeds=body.get("embeds"),
                allowed_mentions=body.get("allowed_mentions"), webhook=webhook, username=body.get("username"),
                avatar_url=body.get("avatar_url"), flags=int(body.get("flags") or 0),
            )
        else:
            msg = self.world.create_message(
                channel, self.world.bot_user, content=body.get("content"), embeds=body.get("embeds"),
                attachments=self._attachments(channel.id, body, files), components=body.get("components"),
                allowed_mentions=body.get("allowed_mentions"), webhook=webhook, username=body.get("username"),
                avatar_url=body.get("avatar_url"), flags=int(body.get("flags") or 0), tts=bool(body.get("tts")),
            )
        if _flag(request, "wait"):
            return self.world.message_payload(msg)
        return None

    def _webhook_message(self, request: web.Request) -> Message:
        if request.match_info["webhook_id"] == str(self.world.application_id):
            return self._interaction_message(request)
        webhook = self.webhook(request)
        channel = self._webhook_channel(request, webhook)
        msg = self.world.messages.get(_int(request.match_info["message_id"], "Message"))
        if msg is None or msg.deleted or msg.channel_id != channel.id:
            raise E.unknown("Message")
        if msg.webhook_id != webhook.id:
            raise E.DiscordError(403, 50027, "Invalid Webhook Token")
        return msg

    @no_auth
    async def get_webhook_message(self, request: web.Request):
        return self.world.message_payload(self._webhook_message(request))

    @no_auth
    async def edit_webhook_message(self, request: web.Request):
        msg = self._webhook_message(request)
        return self.world.message_payload(self._apply_edit(msg, self.payload(request), request[FILES]))

    @no_auth
    async def delete_webhook_message(self, request: web.Request):
        msg = self._webhook_message(request)
        self._refuse_in_archived_thread(msg.channel_id)
        self.world.delete_message(msg)

    # ---- interactions ------------------------------------------------------------------------

    def interaction(self, request: web.Request) -> Interaction:
        interaction = self.double.interaction_by_token(request.match_info["token"])
        if interaction is None:
            raise E.unknown("Webhook")
        age = time.monotonic() - interaction.created_at
        if age > self.world.interaction_token_lifetime:
            raise E.DiscordError(401, 50027, "Invalid Webhook Token")
        if not interaction.responses:
            # never acknowledged: the token is dead once the 3 s deadline passed, useless before
            raise E.unknown("Webhook")
        return interaction

    def _interaction_message(self, request: web.Request) -> Message:
        interaction = self.interaction(request)
        target = request.match_info["message_id"]
        msg_id = interaction.original_message_id if target == "@original" else _int(target, "Message")
        msg = self.world.messages.get(msg_id) if msg_id else None
        if msg is None or msg.deleted:
            raise E.unknown("Message")
        return msg

    @no_auth
    async def interaction_callback(self, request: web.Request):
        interaction = self.double.world.interactions.get(_int(request.match_info["interaction_id"], "interaction"))
        if interaction is None or interaction.token != request.match_info["token"]:
            raise E.unknown("interaction")
        if interaction.responses:
            raise E.already_acknowledged()
        if time.monotonic() - interaction.created_at > self.world.interaction_deadline:
            raise E.unknown("interaction")
        body, files = self.payload(request), request[FILES]
        kind = int(body.get("type") or 0)
        data = body.get("data") or {}
        if kind == 8:
            if interaction.type != 4:
                raise E.DiscordError(400, 50035, "Invalid Form Body",
                                     E.field_error("type", "INTERACTION_RESPONSE_TYPE_INVALID",
                                                   "Interaction response type is invalid"))
            validate_autocomplete(data)
        elif interaction.type == 4:
            raise E.invalid_form(E.field_error("type", "INTERACTION_RESPONSE_TYPE_INVALID",
                                               "Autocomplete interactions only accept type 8"))
        channel = self.world.channels[interaction.channel_id]
        msg: Message | None = None
        if kind == 4:
            self.world.validate_message(content=data.get("content"), embeds=data.get("embeds"), files=len(files),
                                        stickers=None, components=data.get("components"), poll=data.get("poll"))
            msg = self._interaction_reply(interaction, channel, data, files)
        elif kind == 5:
            msg = self._interaction_reply(interaction, channel, {"flags": int(data.get("flags") or 0) | LOADING},
                                          [], loading=True)
        elif kind == 7:
            msg = self.world.messages.get(interaction.message_id or 0)
            if msg is None:
                raise E.unknown("Message")
            self._apply_edit(msg, data, files)
        elif kind not in (1, 6, 8, 9, 10, 12):
            raise E.invalid_form(E.field_error("type", "BASE_TYPE_CHOICES", "Value must be one of (1, 4, 5, 6, 7, 8, 9, 10, 12)."))
        interaction.responses.append({"type": kind, "data": data, "message_id": msg.id if msg else None})
        self.double.notify()
        if not _flag(request, "with_response"):
            return None
        info: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
        resource: dict[str, Any] = {"type": kind}
        if msg is not None:
            info.update(response_message_id=str(msg.id), response_message_loading=kind == 5,
                        response_message_ephemeral=msg.ephemeral)
            resource["message"] = self.world.message_payload(msg)
        return {"interaction": info, "resource": resource}

    def _interaction_reply(self, interaction: Interaction, channel: Channel, data: dict[str, Any],
                           files: list[dict[str, Any]], *, loading: bool = False) -> Message:
        command_type = interaction.data.get("type", 1)
        msg_type = 0 if interaction.type != 2 else (20 if command_type == 1 else 23)
        msg = self.world.create_message(
            channel, self.world.bot_user, content=data.get("content"), embeds=data.get("embeds"),
            attachments=self._attachments(channel.id, data, files), components=data.get("components"),
            allowed_mentions=data.get("allowed_mentions"), flags=int(data.get("flags") or 0),
            interaction=interaction, type=msg_type,
        )
        interaction.original_message_id = msg.id
        return msg

    async def followup(self, request: web.Request):
        interaction = self.interaction(request)
        body, files = self.payload(request), request[FILES]
        self.world.validate_message(content=body.get("content"), embeds=body.get("embeds"), files=len(files),
                                    stickers=None, components=body.get("components"), poll=body.get("poll"))
        original = self.world.messages.get(interaction.original_message_id or 0)
        # The first follow-up fills in a deferred reply's "thinking" message, unless the bot deleted
        # it (to answer with the other visibility): then it is a message of its own.
        if original is not None and not original.deleted and original.flags & LOADING and not interaction.followup_ids:
            msg = self._apply_edit(original, body, files)
        else:
            channel = self.world.channels[interaction.channel_id]
            msg = self.world.create_message(
                channel, self.world.bot_user, content=body.get("content"), embeds=body.get("embeds"),
                attachments=self._attachments(channel.id, body, files), components=body.get("components"),
                allowed_mentions=body.get("allowed_mentions"), flags=int(body.get("flags") or 0) & EPHEMERAL,
                interaction=interaction, type=0,
            )
        interaction.followup_ids.append(msg.id)
        self.double.notify()
        return self.world.message_payload(msg) if _flag(request, "wait") else None

    # ---- application commands ----------------------------------------------------------------

    def _command_scope(self, request: web.Request) -> int | None:
        if request.match_info["application_id"] != str(self.world.application_id):
            raise E.DiscordError(403, 50001, "Missing Access")
        if "guild_id" not in request.match_info:
            return None
        # Discord answers guild commands of a server the application is not in with 403 Missing Access
        # (not 404 Unknown Guild, as other guild routes do).
        guild = self.world.guilds.get(_int(request.match_info["guild_id"], "Guild"))
        if guild is None or self.world.bot_user.id not in guild.members:
            raise E.missing_access()
        return guild.id

    def _command(self, scope: int | None, data: dict[str, Any], existing: dict[tuple[str, int], dict[str, Any]]):
        key = (data["name"], int(data.get("type", 1)))
        old = existing.get(key)
        command = {
            "id": old["id"] if old else str(self.world.ids.next()),
            "application_id": str(self.world.application_id),
            "version": str(self.world.ids.next()),
            "type": int(data.get("type", 1)),
            "name": data["name"],
            "name_localizations": data.get("name_localizations"),
            "description": data.get("description", ""),
            "description_localizations": data.get("description_localizations"),
            "options": data.get("options", []),
            # real Discord answers with a string bitfield (or null), whatever the request held
            "default_member_permissions": None if data.get("default_member_permissions") is None
            else str(data["default_member_permissions"]),
            "dm_permission": data.get("dm_permission", True),
            "contexts": data.get("contexts"),
            "integration_types": data.get("integration_types", [0]),
            "nsfw": bool(data.get("nsfw", False)),
        }
        if scope is not None:
            command["guild_id"] = str(scope)
        return command

    async def get_commands(self, request: web.Request):
        return self.world.commands.get(self._command_scope(request), [])

    async def put_commands(self, request: web.Request):
        scope = self._command_scope(request)
        body = request[PAYLOAD] or []
        validate_commands(body)
        existing = {(c["name"], c["type"]): c for c in self.world.commands.get(scope, [])}
        names = [(c["name"], int(c.get("type", 1))) for c in body]
        if len(names) != len(set(names)):
            raise E.invalid_form(E.field_error("_errors", "APPLICATION_COMMANDS_DUPLICATE_NAME",
                                               "Application command names must be unique"))
        self.world.commands[scope] = [self._command(scope, c, existing) for c in body]
        self.double.command_syncs.append((scope, body))
        return self.world.commands[scope]

    async def post_command(self, request: web.Request):
        scope = self._command_scope(request)
        commands = self.world.commands.setdefault(scope, [])
        existing = {(c["name"], c["type"]): c for c in commands}
        validate_command(self.payload(request))
        command = self._command(scope, self.payload(request), existing)
        commands[:] = [c for c in commands if (c["name"], c["type"]) != (command["name"], command["type"])]
        commands.append(command)
        return command

    async def delete_command(self, request: web.Request):
        scope = self._command_scope(request)
        commands = self.world.commands.get(scope, [])
        commands[:] = [c for c in commands if c["id"] != request.match_info["command_id"]]

    # ---- CDN ---------------------------------------------------------------------------------

    async def download(self, request: web.Request):
        entry = self.world.files.get(int(request.match_info["attachment_id"]))
        if entry is None:
            return web.Response(status=404, text="Not Found")
        data, content_type = entry
        return web.Response(body=data, content_type=content_type)


def _avatar_hash(data_uri: str | None) -> str | None:
    if not data_uri:
        return None
    return hashlib.md5(data_uri.encode()).hexdigest()
