"""The translation service the bridge calls: cache, single-flight, provider chain, usage."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from datetime import UTC, datetime, timedelta

import aiohttp

from bot.storage import DatabaseStillUnavailable
from bot.translation.breaker import CircuitBreaker
from bot.translation.cache import LruCache, cache_key
from bot.translation.chain import ChainOutcome, TranslationChain
from bot.translation.languages import SourceLang, TargetLang, check_languages
from bot.translation.providers import build_providers
from bot.translation.providers.base import FailureKind, Provider, ProviderError
from bot.translation.result import ProviderHealth, TranslationResult
from bot.translation.settings import TranslationSettings
from bot.translation.store import CachedTranslation, MemoryTranslationStore, SqlTranslationStore, TranslationStore
from bot.translation.usage import UsageBuffer, UsageCounts, UsageStats

if TYPE_CHECKING:
    from bot.storage import Database

log = logging.getLogger(__name__)

NO_GUILD = 0
CACHE_PROVIDER = "cache"


def outer_whitespace(segment: str) -> tuple[str, str, str]:
    """(leading whitespace, the text, trailing whitespace); the whitespace goes around the translation."""
    core = segment.strip()
    if not core:
        return segment, "", ""
    lead = len(segment) - len(segment.lstrip())
    return segment[:lead], core, segment[lead + len(core):]


def needs_translation(text: str) -> bool:
    """Only text with letters (Latin, Han, …) goes to a provider; '👍', '666' and '...' pass through."""
    return any(char.isalpha() for char in text)


# Seconds new translations wait to be written with those that follow (the memory cache serves them
# meanwhile; lost at a crash, they are translated again when asked). A SQLite write transaction
# costs ~1.5 ms of CPU: at 50 messages a second, 0.05 s made it 20 a second, as much CPU as the
# rest of the relay.
_WRITE_LINGER = 0.5


class TranslationService:
    """Translate message segments between English and Chinese, never raising for provider failure.

    ``session`` is the bot's shared aiohttp session (not closed here). ``store`` persists the
    cache and usage; without one they live in memory only.
    """

    def __init__(
        self,
        settings: TranslationSettings,
        session: aiohttp.ClientSession | None,
        store: TranslationStore | None = None,
        *,
        providers: Sequence[Provider] | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        usage_flush_delay: float = 30.0,
    ) -> None:
        if providers is None:
            if session is None:
                raise ValueError("a session is needed to build HTTP providers")
            providers = build_providers(settings, session)
        secrets = settings.secret_values()
        self._settings = settings
        self._store: TranslationStore = store if store is not None else MemoryTranslationStore()
        self._memory = LruCache(settings.cache_size)
        self._chain = TranslationChain(
            providers,
            timeout=settings.timeout,
            breaker_factory=lambda: CircuitBreaker(clock=clock),
            redact=lambda message: _redact(message, secrets),
        )
        self._now = now
        self._usage = UsageBuffer()
        self._usage_flush_delay = usage_flush_delay
        self._usage_flusher: asyncio.Task[None] | None = None
        self._flights: dict[tuple[str, ...], asyncio.Task[ChainOutcome]] = {}
        self._background: set[asyncio.Task[None]] = set()
        # The persistent cache is read and written in batches: one query (and one transaction)
        # per message would cost more than everything else the bridge does for it.
        self._reads: dict[str, asyncio.Future[str | None]] = {}
        self._read_queue: list[str] = []
        self._reader: asyncio.Task[None] | None = None
        self._unwritten: list[CachedTranslation] = []
        self._writer: asyncio.Task[None] | None = None
        # Set while draining (and at close): the writer stops lingering and writes at once.
        self._write_now = asyncio.Event()
        self._closed = False
        # Told the provider and duration of every provider call (the metrics' latency histogram).
        self.on_provider_call: Callable[[str, float], None] | None = None

    def __repr__(self) -> str:
        return f"<TranslationService chain={[provider.name for provider in self._chain.providers]}>"

    @property
    def chain(self) -> TranslationChain:
        return self._chain

    def usage_totals(self) -> dict[str, UsageCounts]:
        """Per provider ("cache" for cache hits) since the process started."""
        return dict(self._usage.totals)

    async def translate(
        self,
        text_segments: list[str],
        source: SourceLang,
        target: TargetLang,
        guild_id: int | None = None,
        glossary_salt: str = "",
    ) -> TranslationResult:
        check_languages(source, target)
        if self._closed:
            raise RuntimeError("TranslationService is closed")
        segments = list(text_segments)
        parts = [outer_whitespace(segment) for segment in segments]
        keys = {index: cache_key(core, source, target, glossary_salt) for index, (_, core, _) in enumerate(parts)
                if needs_translation(core)}
        if not keys:
            return TranslationResult(segments, "passthrough")

        found = await self._lookup(set(keys.values()))
        missing = [key for key in dict.fromkeys(keys.values()) if key not in found]  # message order, no duplicates
        guild = guild_id if guild_id is not None else NO_GUILD
        provider_name = CACHE_PROVIDER
        if missing:
            cores = {keys[index]: parts[index][1] for index in keys}
            outcome, led = await self._single_flight(tuple(missing), [cores[key] for key in missing], source, target)
            if led:
                self._record_attempts(guild, outcome)
            if outcome.texts is None:
                return TranslationResult(segments, None, cached=False, ok=False, failures=outcome.failures)
            found.update(zip(missing, outcome.texts))
            if led:
                provider_name = outcome.provider or CACHE_PROVIDER
        if provider_name == CACHE_PROVIDER:
            self._record(guild, CACHE_PROVIDER, UsageCounts(cache_hits=1))

        texts = [
            f"{lead}{found[keys[index]]}{trail}" if index in keys else segments[index]
            for index, (lead, _, trail) in enumerate(parts)
        ]
        cached = provider_name == CACHE_PROVIDER
        return TranslationResult(texts, provider_name, cached=cached)

    async def _lookup(self, keys: set[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for key in keys:
            text = self._memory.get(key)
            if text is not None:
                found[key] = text
        remaining = [key for key in keys if key not in found]
        if remaining:
            stored = await self._stored(remaining)
            for key, text in stored.items():
                self._memory.put(key, text)
            found.update(stored)
        return found

    async def _stored(self, keys: list[str]) -> dict[str, str]:
        """Look `keys` up in the store together with every other lookup waiting meanwhile."""
        loop = asyncio.get_running_loop()
        futures: dict[str, asyncio.Future[str | None]] = {}
        for key in keys:
            future = self._reads.get(key)
            if future is None:
                future = self._reads[key] = loop.create_future()
                self._read_queue.append(key)
            futures[key] = future
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_batches())
        # asyncio.wait, not gather: a cancelled caller must not cancel lookups others share.
        await asyncio.wait(futures.values())
        return {key: text for key, future in futures.items() if (text := future.result()) is not None}

    async def _read_batches(self) -> None:
        while self._read_queue:
            batch, self._read_queue = self._read_queue, []
            stored: dict[str, str] = {}
            try:
                stored = await self._store.get_translations(batch)
            except DatabaseStillUnavailable:
                pass  # the cache is an optimisation; the database logs its outage once
            except Exception:  # the cache is an optimisation; a database hiccup must not stop translation
                log.exception("translation cache lookup failed")
            finally:  # also when cancelled: nobody may wait forever
                for key in batch:
                    future = self._reads.pop(key, None)
                    if future is not None and not future.done():
                        future.set_result(stored.get(key))

    async def _single_flight(
        self, keys: tuple[str, ...], cores: list[str], source: SourceLang, target: TargetLang
    ) -> tuple[ChainOutcome, bool]:
        """Identical concurrent requests share one provider call. Returns (outcome, led)."""
        task = self._flights.get(keys)
        led = task is None
        if task is None:
            task = asyncio.create_task(self._translate_and_store(keys, cores, source, target))
            self._flights[keys] = task
            task.add_done_callback(lambda _: self._flights.pop(keys, None))
        # shield: one impatient caller being cancelled must not cancel the call others wait on.
        return await asyncio.shield(task), led

    async def _translate_and_store(
        self, keys: tuple[str, ...], cores: list[str], source: SourceLang, target: TargetLang
    ) -> ChainOutcome:
        outcome = await self._chain.translate(cores, source, target)
        if outcome.texts is not None and outcome.provider is not None:
            for key, text in zip(keys, outcome.texts):
                self._memory.put(key, text)
            created = self._now()
            entries = [
                CachedTranslation(key, source, target, text, outcome.provider, created)
                for key, text in zip(keys, outcome.texts)
            ]
            self._unwritten.extend(entries)
            if self._writer is None or self._writer.done():
                self._writer = asyncio.create_task(self._write_batches())
                self._background.add(self._writer)
                self._writer.add_done_callback(self._background.discard)
        return outcome

    async def _write_batches(self) -> None:
        """Store new translations; those arriving meanwhile go together in the next write.

        Each write lingers a moment first so a surge's translations share a transaction: one per
        message cost more CPU (a SQLite write transaction and thread round trips) than relaying it.
        """
        while self._unwritten:
            if not self._write_now.is_set():
                try:
                    async with asyncio.timeout(_WRITE_LINGER):
                        await self._write_now.wait()
                except TimeoutError:
                    pass
            batch, self._unwritten = self._unwritten, []
            try:
                await self._store.put_translations(batch)
            except DatabaseStillUnavailable:
                pass  # a cache: these are translated again if asked; the database logs its outage once
            except Exception:
                log.exception("background task failed: storing translations")

    def _record_attempts(self, guild: int, outcome: ChainOutcome) -> None:
        for attempt in outcome.attempts:
            if self.on_provider_call is not None:
                self.on_provider_call(attempt.provider, attempt.seconds)
            if attempt.ok:
                self._record(guild, attempt.provider, UsageCounts(characters=attempt.characters, calls=1))
            else:
                self._record(guild, attempt.provider, UsageCounts(failures=1))

    def _record(self, guild: int, provider: str, counts: UsageCounts) -> None:
        self._usage.add((guild, self._now().date(), provider), counts)
        if self._usage and (self._usage_flusher is None or self._usage_flusher.done()) and not self._closed:
            self._usage_flusher = asyncio.create_task(self._flush_usage_later())

    async def _flush_usage_later(self) -> None:
        await asyncio.sleep(self._usage_flush_delay)
        await self.flush_usage()

    async def flush_usage(self) -> None:
        """Write buffered usage counters now (they are otherwise written every few seconds)."""
        taken = self._usage.take()
        if not taken:
            return
        try:
            await self._store.add_usage(taken)
        except DatabaseStillUnavailable:
            self._usage.put_back(taken)  # the database logs its outage once
        except Exception:
            log.exception("could not store translation usage; will retry")
            self._usage.put_back(taken)

    async def usage_stats(self, guild_id: int, days: int = 1) -> UsageStats:
        """Usage for the last ``days`` UTC days including today (1 = today, 30 = last 30 days)."""
        if days < 1:
            raise ValueError("days must be >= 1")
        await self.flush_usage()
        last_day = self._now().date()
        first_day = last_day - timedelta(days=days - 1)
        by_provider = await self._store.usage(guild_id, first_day, last_day)
        return UsageStats(guild_id, first_day, last_day, by_provider)

    async def prune_cache(self, max_age: timedelta) -> int:
        """Delete stored translations older than ``max_age``; returns how many went."""
        return await self._store.prune_translations(self._now() - max_age)

    async def check_providers(self) -> list[ProviderHealth]:
        """One short request to every provider in the chain (bypassing cache and breakers)."""
        return list(await asyncio.gather(*(self._check(provider) for provider in self._chain.providers)))

    async def _check(self, provider: Provider) -> ProviderHealth:
        started = time.perf_counter()
        try:
            [answer] = await self._chain.call(provider, ["Hello, friends!"], "en", "zh-Hans")
        except ProviderError as error:
            secrets = self._settings.secret_values()
            return ProviderHealth(provider.name, False, _redact(error.message, secrets),
                                  _redact(fix_hint(provider, error), secrets))
        latency = (time.perf_counter() - started) * 1000
        return ProviderHealth(provider.name, True, f"translated 'Hello, friends!' as {answer!r} in {latency:.0f} ms",
                              latency_ms=latency)

    def _in_background(self, coroutine, what: str) -> None:
        async def guarded() -> None:
            try:
                await coroutine
            except Exception:
                log.exception("background task failed: %s", what)

        task = asyncio.create_task(guarded())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for in-flight translations, cache lookups and writes (written at once, not after
        the writer's linger), then write usage (used by tests and close)."""
        self._write_now.set()
        try:
            while self._flights or self._background or self._reading():
                reader = [self._reader] if self._reading() else []
                await asyncio.gather(*self._flights.values(), *self._background, *reader, return_exceptions=True)
        finally:
            if not self._closed:
                self._write_now.clear()
        await self.flush_usage()

    def _reading(self) -> bool:
        # The cache reader outlives a cancelled caller (others may share its lookups): the
        # database must not close under it.
        return self._reader is not None and not self._reader.done()

    async def aclose(self) -> None:
        """Finish pending writes and stop background work. The session is the caller's to close."""
        if self._closed:
            return
        self._closed = True
        if self._usage_flusher is not None:
            self._usage_flusher.cancel()
            await asyncio.gather(self._usage_flusher, return_exceptions=True)
        await self.drain()


def fix_hint(provider: Provider, error: ProviderError) -> str:
    info = getattr(provider, "info", None)
    name = info.display_name if info else provider.name
    url_env = info.url_env if info else "its URL setting"
    credentials = " and ".join(info.credential_envs) if info and info.credential_envs else "its credentials"
    status = f"answered {error.status}" if error.status else "failed"
    if error.hint:
        return error.hint
    match error.kind:
        case FailureKind.AUTH:
            return f"{name} {status}: check {credentials} (and {url_env})."
        case FailureKind.CONFIG:
            return f"{name} refuses every request as configured: check {credentials} and {url_env}."
        case FailureKind.QUOTA:
            return f"{name} quota is used up: wait for it to reset, raise the plan, or put another provider first in TRANSLATOR."
        case FailureKind.RATE_LIMITED:
            return f"{name} is rate limiting requests: try again later or add a fallback provider to TRANSLATOR."
        case FailureKind.TIMEOUT | FailureKind.NETWORK:
            return f"Could not reach {name}: check {url_env}, the network, or raise TRANSLATION_TIMEOUT."
        case FailureKind.MALFORMED | FailureKind.EMPTY:
            return f"{name} answered something unexpected: is {url_env} pointing at a real {name} server?"
        case FailureKind.SERVER:
            return f"{name} has a server problem ({status}); it is usually temporary."
        case _:
            return f"{name} {status}: {error.message}"


def _redact(message: str, secrets: list[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, "***")
    return message




def build_translation_service(
    settings: TranslationSettings, session: aiohttp.ClientSession, database: Database | None = None
) -> TranslationService:
    """The service as the bot runs it: HTTP providers from settings, cache and usage in ``database``."""
    store = SqlTranslationStore(database) if database is not None else MemoryTranslationStore()
    return TranslationService(settings, session, store)


async def check_providers(settings: TranslationSettings, session: aiohttp.ClientSession) -> list[ProviderHealth]:
    """Probe every provider in TRANSLATOR once (for ``python -m bot doctor``)."""
    service = TranslationService(settings, session)
    try:
        return await service.check_providers()
    finally:
        await service.aclose()
