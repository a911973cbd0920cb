"""The gateway: HELLO/IDENTIFY/READY, heartbeats, dispatch with sequence numbers, RESUME, zlib-stream."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import traceback
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import permissions as P

if TYPE_CHECKING:
    from .server import DiscordDouble

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, REQUEST_MEMBERS = 0, 1, 2, 6, 8
RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 9, 10, 11

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_WEBHOOKS = 1 << 5
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
MESSAGE_CONTENT = 1 << 15

_GUILD_INTENT = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "GUILD_ROLE_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "THREAD_CREATE": GUILDS,
    "THREAD_UPDATE": GUILDS,
    "THREAD_DELETE": GUILDS,
    "THREAD_MEMBERS_UPDATE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "WEBHOOKS_UPDATE": GUILD_WEBHOOKS,
    "MESSAGE_CREATE": GUILD_MESSAGES,
    "MESSAGE_UPDATE": GUILD_MESSAGES,
    "MESSAGE_DELETE": GUILD_MESSAGES,
    "MESSAGE_DELETE_BULK": GUILD_MESSAGES,
    "MESSAGE_REACTION_ADD": GUILD_MESSAGE_REACTIONS,
    "MESSAGE_REACTION_REMOVE": GUILD_MESSAGE_REACTIONS,
}
_DM_INTENT = {
    "MESSAGE_CREATE": DIRECT_MESSAGES,
    "MESSAGE_UPDATE": DIRECT_MESSAGES,
    "MESSAGE_DELETE": DIRECT_MESSAGES,
    "MESSAGE_REACTION_ADD": DIRECT_MESSAGE_REACTIONS,
    "MESSAGE_REACTION_REMOVE": DIRECT_MESSAGE_REACTIONS,
}
_CONTENT_KEYS = ("content", "embeds", "attachments", "components", "poll")


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    request: web.Request
    compress: bool
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    compressor: Any = None
    session: Session | None = None

    def __post_init__(self) -> None:
        if self.compress:
            self.compressor = zlib.compressobj()

    async def send(self, frame: dict[str, Any]) -> None:
        text = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
        if self.compress:
            data = self.compressor.compress(text.encode()) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(text)


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    seq: int = 0
    buffer: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=5000))
    connection: Connection | None = None
    identify: dict[str, Any] = field(default_factory=dict)
    shard_id: int = 0
    shard_count: int = 1

    def owns(self, guild_id: int | None) -> bool:
        """Discord's routing: a server's events go to shard (guild_id >> 22) % shard_count; DMs to shard 0."""
        if guild_id is None:
            return self.shard_id == 0
        return (guild_id >> 22) % self.shard_count == self.shard_id


class Gateway:
    def __init__(self, double: DiscordDouble, *, compress: bool | None = None, heartbeat_interval: int = 41250):
        self.double = double
        self.compress = compress
        self.heartbeat_interval = heartbeat_interval
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.received: list[dict[str, Any]] = []
        self.connects = 0
        self.resumes = 0
        # Faults (see refuse_connections, refuse_resume, drop, invalidate_sessions).
        self.identifies = 0
        self.invalid_sessions = 0
        self.refused = 0
        self._refuse_connections: int | None = 0  # None: refuse until accept_connections()
        self._refuse_status = 503
        self._refuse_resumes = 0
        self.withheld_guilds: set[int] = set()

    @property
    def session(self) -> Session | None:
        return next(reversed(self.sessions.values()), None)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self._refuse_connections is None or self._refuse_connections > 0:
            if self._refuse_connections is not None:
                self._refuse_connections -= 1
            self.refused += 1
            from .faults import proxy_error

            content_type, text = proxy_error(self._refuse_status, "cloudflare")
            return web.Response(status=self._refuse_status, text=text, content_type=content_type)
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        self.connects += 1
        asked = request.query.get("compress") == "zlib-stream"
        compress = asked if self.compress is None else (self.compress and asked)
        conn = Connection(ws=ws, request=request, compress=compress)
        self.connections.add(conn)
        writer = asyncio.create_task(self._writer(conn))
        try:
            await conn.queue.put({"op": HELLO, "s": None, "t": None, "d": {"heartbeat_interval": self.heartbeat_interval, "_trace": ['["gateway-double",{}]']}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.received.append(payload)
                try:
                    await self._on_payload(conn, payload)
                except Exception:
                    self.double.server_errors.append(traceback.format_exc())
                    raise
        finally:
            self.connections.discard(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            conn.queue.put_nowait(None)
            await writer
        return ws

    async def _writer(self, conn: Connection) -> None:
        while (frame := await conn.queue.get()) is not None:
            if conn.ws.closed:
                continue
            try:
                await conn.send(frame)
            except (ConnectionError, RuntimeError):
                log.debug("gateway frame lost on a closing socket", exc_info=True)

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            await conn.queue.put({"op": HEARTBEAT_ACK, "s": None, "t": None, "d": None})
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        elif op == REQUEST_MEMBERS and conn.session is not None:
            self._members_chunk(conn.session, data)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.double.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = _shard_of(data.get("shard", [0, 1]))
        if shard is None:
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return
        shard_id, shard_count = shard
        if self.double.sharding_required and shard_count < self.double.shards:
            await conn.ws.close(code=4011, message=b"Sharding required.")
            return
        self.identifies += 1
        session = Session(id=secrets.token_hex(16), intents=int(data.get("intents", 0)), identify=data,
                          shard_id=shard_id, shard_count=shard_count)
        session.connection = conn
        conn.session = session
        self.sessions[session.id] = session
        world = self.double.world
        guilds = [g for g in world.guilds.values() if world.bot_user.id in g.members and session.owns(g.id)]
        ready = {
            "v": 10,
            "user": {**world.bot_user.to_dict(), "verified": True, "mfa_enabled": False, "flags": 0, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.double.gateway_url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ['["gateway-double",{}]'],
        }
        self._send(session, "READY", ready)
        for guild in guilds:
            if guild.id not in self.withheld_guilds:
                self._send(session, "GUILD_CREATE", self.double.world.guild_create_payload(guild))

    def withhold_guild(self, guild_id: int) -> None:
        """The server stays unavailable for sessions identifying from now on (listed in READY, no
        GUILD_CREATE), as during a Discord outage, until `make_guild_available`."""
        self.withheld_guilds.add(guild_id)

    def make_guild_available(self, guild_id: int) -> None:
        """The withheld server's GUILD_CREATE reaches every session now (late, after their READY)."""
        self.withheld_guilds.discard(guild_id)
        guild = self.double.world.guilds[guild_id]
        for session in self.sessions.values():
            if session.owns(guild_id) and self.double.world.bot_user.id in guild.members:
                self._send(session, "GUILD_CREATE", self.double.world.guild_create_payload(guild))

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if self._refuse_resumes > 0 and session is not None:
            # Discord will not resume this one (e.g. it timed out): the session and its events are gone.
            self._refuse_resumes -= 1
            self.sessions.pop(session.id, None)
            session = None
        if session is None or data.get("token") != self.double.token:
            self.invalid_sessions += 1
            await conn.queue.put({"op": INVALID_SESSION, "s": None, "t": None, "d": False})
            return
        self.resumes += 1
        old = session.connection
        session.connection = conn
        conn.session = session
        if old is not None:
            old.queue.put_nowait(None)
        since = int(data.get("seq") or 0)
        for frame in session.buffer:
            if frame["s"] > since:
                conn.queue.put_nowait(frame)
        self._send(session, "RESUMED", {"_trace": ['["gateway-double",{}]']})

    def _members_chunk(self, session: Session, data: dict[str, Any]) -> None:
        guild = self.double.world.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.user.id in wanted]
        elif data.get("query"):
            members = [m for m in members if m.user.username.lower().startswith(data["query"].lower())]
        limit = data.get("limit") or 0
        if limit:
            members = members[:limit]
        chunk = {
            "guild_id": str(guild.id),
            "members": [m.to_dict() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        self._send(session, "GUILD_MEMBERS_CHUNK", chunk)

    def _send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "s": session.seq, "t": event, "d": data}
        session.buffer.append(frame)
        if session.connection is not None:
            session.connection.queue.put_nowait(frame)

    def dispatch(self, event: str, data: dict[str, Any], *, guild_id: int | None = None, channel_id: int | None = None) -> None:
        """Send an event to every session of the shard that owns the server (DMs: shard 0) whose intents
        and permissions let it see the event."""
        world = self.double.world
        for session in self.sessions.values():
            if not session.owns(guild_id):
                continue
            if event == "INTERACTION_CREATE":
                self._send(session, event, data)
                continue
            intent = _GUILD_INTENT.get(event, 0) if guild_id else _DM_INTENT.get(event, 0)
            if intent and not session.intents & intent:
                continue
            payload = data
            if (event.startswith(("MESSAGE_", "THREAD_"))) and guild_id and channel_id:
                # Discord tells no one about a channel or thread they cannot see (a private thread:
                # its members and those with Manage Threads).
                channel = world.channels.get(channel_id)
                if channel is None or not world.bot_can(channel, P.VIEW_CHANNEL):
                    continue
            if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not session.intents & MESSAGE_CONTENT:
                payload = _without_content(data, world.bot_user.id, is_dm=guild_id is None)
            self._send(session, event, payload)

    async def drop(self, code: int | None = None, *, invalidate: bool | None = None) -> None:
        """Drop every live connection: no close frame when code is None (the client sees 1006),
        else close with that code. The sessions are forgotten (a later RESUME gets Invalid Session
        and nothing is replayed) when `invalidate`, by default for 4007 (invalid seq) and 4009
        (session timed out), which Discord sends for sessions it will not resume."""
        if invalidate is None:
            invalidate = code in (4007, 4009)
        if invalidate:
            self.invalidate_sessions()
        for conn in list(self.connections):
            if code is None:
                transport = conn.request.transport
                if transport is not None:
                    transport.abort()
            else:
                await conn.ws.close(code=code, message=b"dropped by the double")

    def invalidate_sessions(self) -> None:
        """Forget every session: events from now on reach no one until the client identifies anew."""
        self.sessions.clear()

    async def invalid_session(self, *, resumable: bool = False) -> None:
        """Send op 9 to live connections (d=false: identify anew; the sessions are forgotten)."""
        if not resumable:
            self.invalidate_sessions()
        for conn in list(self.connections):
            self.invalid_sessions += 1
            await conn.queue.put({"op": INVALID_SESSION, "s": None, "t": None, "d": resumable})

    def refuse_resume(self, times: int = 1) -> None:
        """The next `times` RESUMEs of a known session are answered with Invalid Session (d=false)."""
        self._refuse_resumes = times

    def refuse_connections(self, times: int | None = None, *, status: int = 503) -> None:
        """Refuse the next `times` websocket upgrades (None: until `accept_connections`) with an
        HTTP error page from the proxy, as when the gateway is down."""
        self._refuse_connections = times
        self._refuse_status = status

    def accept_connections(self) -> None:
        self._refuse_connections = 0

    async def reconnect(self) -> None:
        """Ask clients to reconnect (op 7), as Discord does before maintenance."""
        for conn in list(self.connections):
            await conn.queue.put({"op": RECONNECT, "s": None, "t": None, "d": None})

    async def close(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"double stopping")


def _shard_of(value: Any) -> tuple[int, int] | None:
    """IDENTIFY's `shard` as (id, count), or None when Discord would close with 4010 Invalid shard."""
    if not isinstance(value, list) or len(value) != 2 or not all(type(part) is int for part in value):
        return None
    shard_id, shard_count = value
    if shard_count < 1 or not 0 <= shard_id < shard_count:
        return None
    return shard_id, shard_count


def _without_content(data: dict[str, Any], bot_id: int, *, is_dm: bool) -> dict[str, Any]:
    author = data.get("author", {})
    mentioned = any(m.get("id") == str(bot_id) for m in data.get("mentions", []))
    if is_dm or mentioned or author.get("id") == str(bot_id):
        return data
    blanked = dict(data)
    for key in _CONTENT_KEYS:
        if key in blanked:
            blanked[key] = "" if key == "content" else ([] if key != "poll" else None)
    blanked.pop("poll", None)
    return blanked
