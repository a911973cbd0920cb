"""Seeding from a scenario file and the /_double control API, for a double running as its own process."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .rest import json_response
from .state import Member

if TYPE_CHECKING:
    from .server import DiscordDouble

DEFAULT_SCENARIO: dict[str, Any] = {
    "guilds": [{
        "name": "Qiao Test",
        "roles": [{"name": "Moderator", "permissions": ["manage_guild", "manage_messages"]}],
        "channels": [
            {"name": "Bridge", "type": "category"},
            {"name": "general"},
            {"name": "english", "parent": "Bridge"},
            {"name": "chinese", "parent": "Bridge"},
        ],
        "members": [
            {"username": "alice", "display_name": "Alice", "roles": ["Moderator"]},
            {"username": "wang", "display_name": "王伟"},
            {"username": "closed", "display_name": "Closed DMs", "dms_open": False},
        ],
    }],
}


def seed(double: DiscordDouble, scenario: dict[str, Any]) -> None:
    """Build guilds from a scenario: {"guilds": [{name, locale, bot_permissions, shard, roles, channels, members}]}."""
    for spec in scenario.get("guilds", []):
        kwargs = {"locale": spec.get("locale", "en-US")}
        if "bot_permissions" in spec:
            kwargs["bot_permissions"] = spec["bot_permissions"]
        if "shard" in spec:  # routed to this shard of the double's --shards
            kwargs["shard"] = spec["shard"]
        guild = double.create_guild(spec["name"], owner=spec.get("owner"), **kwargs)
        roles = {}
        for role in spec.get("roles", []):
            roles[role["name"]] = double.create_role(guild, role["name"], permissions=role.get("permissions", 0),
                                                     mentionable=role.get("mentionable", False))
        channels: dict[str, Any] = {}
        for ch in spec.get("channels", []):
            parent = channels.get(ch["parent"]) if ch.get("parent") else None
            channels[ch["name"]] = double.create_channel(guild, ch["name"], type=ch.get("type", "text"),
                                                         parent=parent, topic=ch.get("topic"),
                                                         tags=[tuple(t) if isinstance(t, list) else t
                                                               for t in ch.get("tags", [])])
        for m in spec.get("members", []):
            double.add_member(guild, m["username"], display_name=m.get("display_name"), nick=m.get("nick"),
                              roles=[roles[r] for r in m.get("roles", [])], avatar=m.get("avatar"),
                              bot=m.get("bot", False), dms_open=m.get("dms_open", True))


def describe(double: DiscordDouble) -> dict[str, Any]:
    world = double.world
    return {
        "api_base_url": double.api_base_url,
        "gateway_url": double.gateway_url,
        "token": double.token,
        "application_id": str(world.application_id),
        "bot_user_id": str(world.bot_user.id),
        "guilds": [{
            "id": str(g.id), "name": g.name,
            "channels": [_channel_state(c) for c in g.channels.values()],
            "roles": [{"id": str(r.id), "name": r.name} for r in g.roles.values()],
            "members": [{"id": str(m.id), "username": m.user.username, "display_name": m.display_name}
                        for m in g.members.values()],
        } for g in world.guilds.values()],
    }


def _channel_state(channel) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(channel.id), "name": channel.name, "type": channel.type,
                            "parent_id": None if channel.parent_id is None else str(channel.parent_id)}
    if channel.is_thread:
        data.update(owner_id=str(channel.owner_id), archived=channel.archived, locked=channel.locked)
    if channel.is_forum:
        data["available_tags"] = [tag.to_dict() for tag in channel.available_tags]
    if channel.applied_tags is not None:
        data["applied_tags"] = [str(tag_id) for tag_id in channel.applied_tags]
    return data


def control_routes(double: DiscordDouble) -> list[web.RouteDef]:
    world = double.world

    def member_of(user_id: str, channel_id: int) -> Member:
        channel = world.channels[channel_id]
        guild = world.guild_of(channel)
        user = world.users[int(user_id)]
        return guild.members[user.id] if guild else Member(user, 0)

    async def state(request: web.Request) -> web.Response:
        return json_response(describe(double))

    async def post_message(request: web.Request) -> web.Response:
        body = await request.json()
        channel = world.channels[int(body["channel_id"])]
        reply_to = world.messages.get(int(body["reply_to"])) if body.get("reply_to") else None
        atts = [(a["filename"], a.get("text", "").encode(), a.get("content_type")) for a in body.get("attachments", [])]
        msg = await double.post(member_of(request.match_info["user_id"], channel.id), channel, body.get("content", ""),
                                reply_to=reply_to, attachments=atts)
        return json_response(world.message_payload(msg, gateway=True))

    def discord_error(error: Exception) -> web.Response:
        from .errors import DiscordError

        if isinstance(error, DiscordError):
            return json_response(error.body(), error.status)
        raise error

    async def start_thread(request: web.Request) -> web.Response:
        """{channel_id, name, message_id?, private?}: a person starts a thread (on a message, or on its own)."""
        body = await request.json()
        channel = world.channels[int(body["channel_id"])]
        message = world.messages.get(int(body["message_id"])) if body.get("message_id") else None
        try:
            thread = await double.create_thread(member_of(request.match_info["user_id"], channel.id), channel,
                                                body["name"], message=message, private=bool(body.get("private")))
        except ValueError as error:
            return json_response({"message": str(error)}, 400)
        return json_response(thread.to_dict())

    async def edit_thread(request: web.Request) -> web.Response:
        """{name?, archived?, locked?}: a person renames, archives, unarchives, locks a thread."""
        body = await request.json()
        thread = world.channels[int(request.match_info["thread_id"])]
        try:
            await double.edit_thread(member_of(request.match_info["user_id"], thread.id), thread,
                                     name=body.get("name"), archived=body.get("archived"), locked=body.get("locked"))
        except Exception as error:
            return discord_error(error)
        return json_response(thread.to_dict())

    async def edit_message(request: web.Request) -> web.Response:
        """{content}: the author edits their message."""
        body = await request.json()
        msg = world.messages[int(request.match_info["message_id"])]
        try:
            await double.edit(msg, body["content"])
        except Exception as error:
            return discord_error(error)
        return json_response(world.message_payload(msg, gateway=True))

    async def delete_message(request: web.Request) -> web.Response:
        await double.delete(world.messages[int(request.match_info["message_id"])])
        return web.Response(status=204)

    async def post_in_forum(request: web.Request) -> web.Response:
        """{forum_id, name, content, tags: [tag names], attachments?}: a person opens a forum post."""
        body = await request.json()
        forum = world.channels[int(body["forum_id"])]
        atts = [(a["filename"], a.get("text", "").encode(), a.get("content_type")) for a in body.get("attachments", [])]
        try:
            thread, starter = await double.create_post(member_of(request.match_info["user_id"], forum.id), forum,
                                                       body["name"], body.get("content", ""),
                                                       tags=body.get("tags") or [], attachments=atts)
        except ValueError as error:
            return json_response({"message": str(error)}, 400)
        return json_response({"thread": thread.to_dict(), "message": world.message_payload(starter, gateway=True)})

    async def view(request: web.Request) -> web.Response:
        channel = world.channels[int(request.match_info["channel_id"])]
        as_member = request.query.get("as_member")
        viewer = world.users[int(as_member)] if as_member else None
        return json_response([v.as_dict() for v in double.view(channel, viewer)])

    async def slash(request: web.Request) -> web.Response:
        body = await request.json()
        channel = world.channels[int(body["channel_id"])]
        handle = await double.invoke_slash(member_of(request.match_info["user_id"], channel.id), body["command"],
                                           channel=channel, options=body.get("options") or {},
                                           locale=body.get("locale", "en-US"))
        return json_response({"interaction_id": str(handle.id)})

    async def interaction(request: web.Request) -> web.Response:
        found = world.interactions.get(int(request.match_info["interaction_id"]))
        if found is None:
            return json_response({"message": "Unknown interaction"}, 404)
        original = world.messages.get(found.original_message_id or 0)
        return json_response({"responses": found.responses,
                              "original": None if original is None else world.message_payload(original),
                              "followups": [world.message_payload(world.messages[m]) for m in found.followup_ids]})

    async def requests(request: web.Request) -> web.Response:
        return json_response([{"method": r.method, "path": r.path, "route": r.route, "status": r.status,
                               "json": r.json} for r in double.requests])

    async def ratelimits(request: web.Request) -> web.Response:
        return json_response([h.__dict__ for h in double.ratelimiter.hits])

    async def faults(request: web.Request) -> web.Response:
        body = await request.json()
        kind = body.get("kind", "fail")
        route, times, for_seconds = body["route"], body.get("times", 1), body.get("for_seconds")
        try:
            if kind == "fail":
                status = body.get("status", 500)
                double.faults.fail(route, status=tuple(status) if isinstance(status, list) else status, times=times,
                                   for_seconds=for_seconds, proxy=body.get("proxy", "discord"))
            elif kind == "delay":
                double.faults.delay(route, body["seconds"], times=body.get("times"), for_seconds=for_seconds,
                                    after_processing=bool(body.get("after_processing")))
            elif kind == "rate_limit":
                double.faults.rate_limit(route, retry_after=body.get("retry_after", 0.05), times=times,
                                         scope=body.get("scope"), is_global=bool(body.get("global")),
                                         for_seconds=for_seconds)
            elif kind == "reset":
                double.faults.reset(route, times=times, for_seconds=for_seconds,
                                    after_processing=bool(body.get("after_processing")))
            else:
                return json_response({"message": f"unknown fault kind {kind!r}"}, 400)
        except ValueError as error:
            return json_response({"message": str(error)}, 400)
        return web.Response(status=204)

    async def list_faults(request: web.Request) -> web.Response:
        return json_response({"active": double.faults.describe(), "triggered": len(double.faults.triggered)})

    async def clear_faults(request: web.Request) -> web.Response:
        double.faults.clear()
        return web.Response(status=204)

    async def drop(request: web.Request) -> web.Response:
        body = json.loads(await request.text() or "{}")
        await double.drop_gateway(body.get("code"), invalidate=body.get("invalidate"))
        return web.Response(status=204)

    async def gateway_faults(request: web.Request) -> web.Response:
        """{"refuse_connections": n | null, "status": 503} / {"accept_connections": true} /
        {"refuse_resume": n} / {"invalid_session": true, "resumable": false}"""
        body = json.loads(await request.text() or "{}")
        gateway = double.gateway
        if "refuse_connections" in body:
            gateway.refuse_connections(body["refuse_connections"], status=body.get("status", 503))
        if body.get("accept_connections"):
            gateway.accept_connections()
        if "refuse_resume" in body:
            gateway.refuse_resume(int(body["refuse_resume"]))
        if body.get("invalid_session"):
            await gateway.invalid_session(resumable=bool(body.get("resumable")))
        return json_response({"connects": gateway.connects, "identifies": gateway.identifies,
                              "resumes": gateway.resumes, "invalid_sessions": gateway.invalid_sessions,
                              "refused": gateway.refused})

    return [
        web.get("/_double/state", state),
        web.post("/_double/members/{user_id}/messages", post_message),
        web.post("/_double/members/{user_id}/slash", slash),
        web.post("/_double/members/{user_id}/posts", post_in_forum),
        web.post("/_double/members/{user_id}/threads", start_thread),
        web.patch("/_double/members/{user_id}/threads/{thread_id}", edit_thread),
        web.patch("/_double/messages/{message_id}", edit_message),
        web.delete("/_double/messages/{message_id}", delete_message),
        web.get("/_double/channels/{channel_id}/view", view),
        web.get("/_double/interactions/{interaction_id}", interaction),
        web.get("/_double/requests", requests),
        web.get("/_double/ratelimits", ratelimits),
        web.post("/_double/faults", faults),
        web.get("/_double/faults", list_faults),
        web.delete("/_double/faults", clear_faults),
        web.post("/_double/gateway/drop", drop),
        web.post("/_double/gateway/faults", gateway_faults),
    ]
