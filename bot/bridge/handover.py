"""Copies handed to the process that owns their destination's server, through Redis Streams.

With several processes (SHARD_IDS a part of SHARD_COUNT), a server's events reach only the process
running its shard, and a copy is posted only by the process running the destination's shard, so a
webhook's pacing, order and combined posts stay in one place. The process that saw the original
hands everything else over: one stream per shard (`{prefix}relay:shard:{N}`), read by the consumer
group `relay` of the process running shard N.

- In order: `send` is synchronous and one publisher writes the entries in the order they were sent.
- Never twice: a new copy is published at most once per (original, destination) for `once_seconds`
  (an atomic SET NX + XADD), so a catch-up after a restart does not hand it over again.
- Never lost: the reader acknowledges (XACK) an entry only once its work is done (the copy posted and
  recorded). A process that restarts reads its own pending entries again first; entries left pending
  by a consumer that is gone are claimed (XAUTOCLAIM) after `claim_idle_seconds`. Entries read again
  are marked `redelivered`, so the reader checks whether their copy went out before it posts.

Discord-free; the relay engine's route (bot/bridge/deliver/route.py) decides what is handed over.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import asdict, dataclass
from typing import Any

from bot.bridge.models import Attachment, OriginalMessage, RepliedMessage, Sticker
from bot.sharding import owns_guild, shard_of

log = logging.getLogger(__name__)

GROUP = "relay"
STREAM_MAX_LENGTH = 100_000  # approximate; entries are acknowledged within seconds while the owner runs
READ_BATCH = 100
BLOCK_MILLISECONDS = 1_000
CLAIM_IDLE_SECONDS = 60.0
CLAIM_EVERY_SECONDS = 10.0
RETRY_SECONDS = (0.2, 0.5, 1, 2, 5)

# What is handed over: a new copy (with its late mark), an edit, a delete, a filled-in translation.
NEW, EDIT, DELETE, FILL_IN = "new", "edit", "delete", "fill_in"

# Publish a new copy once: the marker and the entry are written together or not at all.
_PUBLISH_ONCE = """
if KEYS[2] ~= '' then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return false end
end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """One hand-over read from a stream."""

    shard: int
    entry_id: str
    kind: str
    data: dict[str, Any]
    redelivered: bool  # read before (by this consumer before a restart, or by a consumer that died)

    @property
    def handed_over_ms(self) -> int:
        """When it was written (Redis's clock, milliseconds since the epoch)."""
        return int(self.entry_id.split("-", 1)[0])


Handler = Callable[[Entry], Awaitable[None]]


@dataclass(slots=True)
class _Outgoing:
    shard: int
    kind: str
    data: dict[str, Any]
    once_key: str
    on_sent: Callable[[], None] | None


@dataclass(slots=True)
class HandoverCounters:
    sent: int = 0
    sent_already: int = 0  # a new copy already handed over before (a catch-up after a restart)
    received: int = 0
    redelivered: int = 0
    claimed: int = 0
    claim_rounds: int = 0  # looks for a dead consumer's entries
    acknowledged: int = 0


class Handover:
    def __init__(
        self, redis, *, prefix: str, shard_count: int, shard_ids: Collection[int], once_seconds: int = 7200,
        claim_idle_seconds: float = CLAIM_IDLE_SECONDS, claim_every_seconds: float = CLAIM_EVERY_SECONDS,
        block_milliseconds: int = BLOCK_MILLISECONDS,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.shard_count = shard_count
        self.shard_ids = tuple(sorted(shard_ids))
        self.once_seconds = once_seconds
        self.claim_idle_seconds = claim_idle_seconds
        self.claim_every_seconds = claim_every_seconds
        self.block_milliseconds = block_milliseconds
        self.counters = HandoverCounters()
        self._outgoing: asyncio.Queue[_Outgoing] = asyncio.Queue()
        self._unsent = 0
        self._all_sent = asyncio.Event()
        self._all_sent.set()
        self._publisher: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._handler: Handler | None = None
        # Entries being worked on here (not yet acknowledged): a claim never hands them out twice.
        self._working: set[tuple[int, str]] = set()
        self._publish_once = redis.register_script(_PUBLISH_ONCE)

    # -- routing ----------------------------------------------------------------------------------

    def owns(self, guild_id: int) -> bool:
        return owns_guild(guild_id, self.shard_count, self.shard_ids)

    def shard_of(self, guild_id: int) -> int:
        return shard_of(guild_id, self.shard_count)

    def stream(self, shard: int) -> str:
        return f"{self.prefix}relay:shard:{shard}"

    def consumer(self, shard: int) -> str:
        # One name per shard: the process that runs the shard next reads what this one left pending.
        return f"shard-{shard}"

    # -- sending ----------------------------------------------------------------------------------

    def send(self, kind: str, guild_id: int, data: dict[str, Any], *, once: str | None = None,
             on_sent: Callable[[], None] | None = None) -> None:
        """Hand `data` over to the process owning `guild_id`, after everything sent before it.
        `once`: a key that makes this hand-over happen once (for `once_seconds`); `on_sent` runs
        when the entry is in Redis (or was already)."""
        key = f"{self.prefix}relay:once:{once}" if once else ""
        self._unsent += 1
        self._all_sent.clear()
        self._outgoing.put_nowait(_Outgoing(self.shard_of(guild_id), kind, data, key, on_sent))

    @property
    def unsent(self) -> int:
        return self._unsent

    async def wait_sent(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._all_sent.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def _publish_forever(self) -> None:
        while True:
            item = await self._outgoing.get()
            await self._publish(item)
            self._unsent -= 1
            if not self._unsent:
                self._all_sent.set()
            if item.on_sent is not None:
                try:
                    item.on_sent()
                except Exception:
                    log.exception("handover: after-send step failed")

    async def _publish(self, item: _Outgoing) -> None:
        fields = ["kind", item.kind, "data", json.dumps(item.data, separators=(",", ":"), ensure_ascii=False)]
        failures = 0
        while True:
            try:
                written = await self._publish_once(
                    keys=[self.stream(item.shard), item.once_key],
                    args=[self.once_seconds, STREAM_MAX_LENGTH, *fields],
                )
            except Exception as error:  # Redis unreachable: keep the entry, in order, and retry
                failures += 1
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS)) - 1]
                level = logging.WARNING if failures == 1 else logging.DEBUG
                log.log(level, "handover: cannot write to Redis (%s: %s); retrying in %.1f s",
                        type(error).__name__, error, delay)
                await asyncio.sleep(delay)
                continue
            if failures:
                log.info("handover: Redis reachable again after %d failed attempts", failures)
            if written is None:
                self.counters.sent_already += 1
            else:
                self.counters.sent += 1
            return

    # -- receiving --------------------------------------------------------------------------------

    def start_sending(self) -> None:
        """Write what is sent (from now, and what was sent before)."""
        if self._publisher is None:
            self._publisher = asyncio.create_task(self._publish_forever(), name="handover-publisher")

    async def start_reading(self, handler: Handler) -> None:
        """Create the groups of this process's shards and hand their entries to `handler`, in order:
        first those this process's shards left pending before a restart, then new ones."""
        self._handler = handler
        for shard in self.shard_ids:
            await self._create_group(shard)
        self._reader = asyncio.create_task(self._read_forever(), name="handover-reader")

    async def stop_reading(self) -> None:
        """No more entries are read (those read and not acknowledged stay pending)."""
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None

    async def _create_group(self, shard: int) -> None:
        try:
            await self.redis.xgroup_create(self.stream(shard), GROUP, id="0", mkstream=True)
        except Exception as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def _read_forever(self) -> None:
        failures = 0
        for shard in self.shard_ids:
            while True:
                try:
                    await self._read_own_pending(shard)
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    failures = await self._reading_failed(error, failures)
        last_claim = 0.0
        while True:
            try:
                if time.monotonic() - last_claim >= self.claim_every_seconds:
                    last_claim = time.monotonic()
                    for shard in self.shard_ids:
                        await self._claim_abandoned(shard)
                await self._read_new()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures = await self._reading_failed(error, failures)

    async def _reading_failed(self, error: Exception, failures: int) -> int:
        if "NOGROUP" in str(error):  # the stream was deleted (e.g. FLUSHDB): start it again
            for shard in self.shard_ids:
                await self._create_group(shard)
        delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
        level = logging.WARNING if failures == 0 else logging.DEBUG
        log.log(level, "handover: cannot read from Redis (%s: %s); retrying in %.1f s", type(error).__name__, error, delay)
        await asyncio.sleep(delay)
        return failures + 1

    async def _read_own_pending(self, shard: int) -> None:
        """What this shard's consumer read before a restart and never acknowledged, in order."""
        start = "0"
        while True:
            answer = await self.redis.xreadgroup(GROUP, self.consumer(shard), {self.stream(shard): start}, count=READ_BATCH)
            entries = answer[0][1] if answer else []
            if not entries:
                return
            for entry_id, fields in entries:
                if fields:
                    await self._handle(shard, entry_id, fields, redelivered=True)
                else:  # trimmed from the stream meanwhile: nothing left to do
                    await self.redis.xack(self.stream(shard), GROUP, entry_id)
            start = _text(entries[-1][0])

    async def _claim_abandoned(self, shard: int) -> None:
        self.counters.claim_rounds += 1
        start = "0-0"
        while True:
            answer = await self.redis.xautoclaim(
                self.stream(shard), GROUP, self.consumer(shard), int(self.claim_idle_seconds * 1000), start, count=READ_BATCH,
            )
            start, entries = _text(answer[0]), answer[1]
            for entry_id, fields in entries:
                if not fields or (shard, _text(entry_id)) in self._working:
                    continue
                self.counters.claimed += 1
                log.info("handover: took over entry %s of shard %d left by a process that stopped", _text(entry_id), shard)
                await self._handle(shard, entry_id, fields, redelivered=True)
            if start == "0-0":
                return

    async def _read_new(self) -> None:
        streams = {self.stream(shard): ">" for shard in self.shard_ids}
        answer = await self.redis.xreadgroup(
            GROUP, self.consumer(self.shard_ids[0]), streams, count=READ_BATCH, block=self.block_milliseconds,
        ) if len(self.shard_ids) == 1 else await self._read_each(streams)
        for stream, entries in answer or []:
            shard = int(_text(stream).rsplit(":", 1)[1])
            for entry_id, fields in entries:
                await self._handle(shard, entry_id, fields, redelivered=False)

    async def _read_each(self, streams: dict[str, str]) -> list:
        # Each shard has its own consumer name, so read shard by shard (blocking only when all were empty).
        answer = []
        for shard in self.shard_ids:
            got = await self.redis.xreadgroup(GROUP, self.consumer(shard), {self.stream(shard): ">"}, count=READ_BATCH)
            answer += got or []
        if not answer:
            await asyncio.sleep(self.block_milliseconds / 1000 / 4)
        return answer

    async def _handle(self, shard: int, entry_id, fields: dict, *, redelivered: bool) -> None:
        entry_id = _text(entry_id)
        fields = {_text(key): _text(value) for key, value in fields.items()}
        entry = Entry(shard, entry_id, fields.get("kind", ""), json.loads(fields.get("data") or "{}"), redelivered)
        self.counters.received += 1
        if redelivered:
            self.counters.redelivered += 1
        self._working.add((shard, entry_id))
        try:
            await self._handler(entry)
        except asyncio.CancelledError:
            raise
        except Exception:
            # Left pending: claimed again after claim_idle_seconds.
            self._working.discard((shard, entry_id))
            log.exception("handover: entry %s (%s) of shard %d failed; it will be tried again", entry_id, entry.kind, shard)

    async def ack(self, entry: Entry) -> None:
        """The entry's work is done: it is never handed out again."""
        failures = 0
        while True:
            try:
                await self.redis.xack(self.stream(entry.shard), GROUP, entry.entry_id)
                break
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures += 1
                if failures >= len(RETRY_SECONDS):
                    # Pending it stays: read again after a restart, where its copy is found posted.
                    log.warning("handover: cannot acknowledge entry %s (%s: %s)", entry.entry_id, type(error).__name__, error)
                    break
                await asyncio.sleep(RETRY_SECONDS[failures - 1])
        self.counters.acknowledged += 1
        self._working.discard((entry.shard, entry.entry_id))

    async def close(self, timeout: float = 5.0) -> None:
        """Stop reading (what was read and not acknowledged stays pending), then write what is unsent."""
        await self.stop_reading()
        if self._publisher is not None:
            if not await self.wait_sent(timeout):
                log.warning("handover: %d hand-overs not written to Redis at shutdown", self._unsent)
            self._publisher.cancel()
            await asyncio.gather(self._publisher, return_exceptions=True)
            self._publisher = None


def handover_for(settings, redis) -> Handover | None:
    """The hand-over of a process that runs only some shards (SHARD_IDS) with REDIS_URL; else None."""
    if redis is None or not settings.several_processes:
        return None
    # A new copy is handed over once for as long as a catch-up may read its original again.
    once_seconds = max(settings.catch_up_window_minutes, 60) * 60 + 3600
    return Handover(redis, prefix=settings.redis_key_prefix, shard_count=settings.shard_count,
                    shard_ids=settings.shard_ids, once_seconds=once_seconds)


def original_to_dict(original: OriginalMessage) -> dict:
    return asdict(original)


def original_from_dict(data: dict) -> OriginalMessage:
    replied = data.get("reply_to")
    return OriginalMessage(
        **{
            **data,
            "attachments": tuple(Attachment(**attachment) for attachment in data.get("attachments", ())),
            "stickers": tuple(Sticker(**sticker) for sticker in data.get("stickers", ())),
            "reply_to": RepliedMessage(**replied) if replied else None,
        }
    )


class SharedChanges:
    """Tells the other processes that something they keep in memory changed in the database (Redis
    pub/sub on `{prefix}changed`): bridges linked or unlinked, thread pairings, opt-outs, glossaries,
    slang-note switches. A process that misses a notice (restarting) reads everything at start anyway."""

    def __init__(self, redis, *, prefix: str) -> None:
        self.redis = redis
        self.channel = f"{prefix}changed"
        self._listeners: dict[str, Callable[[], Awaitable[str | None]]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._announcing: set[asyncio.Task[None]] = set()
        self._ready = asyncio.Event()

    def on(self, topic: str, reload: Callable[[], Awaitable[str | None]]) -> None:
        """`reload` reads `topic` again when another process changed it; what it returns is logged."""
        self._listeners[topic] = reload

    def announce(self, topic: str) -> None:
        task = asyncio.create_task(self._announce(topic), name=f"announce-{topic}")
        self._announcing.add(task)
        task.add_done_callback(self._announcing.discard)

    async def _announce(self, topic: str) -> None:
        try:
            await self.redis.publish(self.channel, topic)
        except Exception as error:
            log.warning("handover: cannot tell the other processes that %s changed (%s: %s)", topic, type(error).__name__, error)

    def watch(self, target, method_names: Collection[str], topic: str) -> None:
        """Announce `topic` after each call of these coroutine methods of `target`."""
        for name in method_names:
            method = getattr(target, name)

            async def announcing(*args, _method=method, **kwargs):
                try:
                    return await _method(*args, **kwargs)
                finally:
                    self.announce(topic)

            setattr(target, name, announcing)

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen_forever(), name="shared-changes")
        await asyncio.wait_for(self._ready.wait(), 10)

    async def _listen_forever(self) -> None:
        failures = 0
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                self._ready.set()
                failures = 0
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    topic = _text(message.get("data"))
                    reload = self._listeners.get(topic)
                    if reload is not None:
                        try:
                            detail = await reload()
                        except Exception:
                            log.exception("handover: reading %s again after a change by another process failed", topic)
                        else:
                            log.info("handover: %s changed (told through Redis); read them again%s", topic,
                                     f": {detail}" if detail else "")
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._ready.set()
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("handover: listening for changes failed (%s: %s); retrying in %.1f s", type(error).__name__, error, delay)
                await asyncio.sleep(delay)
            finally:
                try:
                    await pubsub.aclose()
                except Exception:
                    pass

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        if self._announcing:
            await asyncio.gather(*list(self._announcing), return_exceptions=True)


def _text(value) -> str:
    return value.decode() if isinstance(value, (bytes, bytearray)) else str(value)
