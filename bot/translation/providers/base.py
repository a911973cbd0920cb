"""What every provider shares: the protocol, the failure type and the HTTP plumbing."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

import aiohttp

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.limits import GateBusy, RequestGate, RequestLimits
from bot.translation.providers.splitting import join_pieces

T = TypeVar("T")

# Longest response excerpt quoted in a failure message: enough to diagnose, short enough for a log line.
_EXCERPT = 160


class FailureKind(StrEnum):
    TIMEOUT = "timeout"
    NETWORK = "network"
    RATE_LIMITED = "rate_limited"
    QUOTA = "quota"
    AUTH = "auth"  # bad credentials; waiting will not fix it
    CONFIG = "config"  # the service refuses every request as configured (e.g. an API key is required)
    SERVER = "server"
    MALFORMED = "malformed"
    EMPTY = "empty"
    REJECTED = "rejected"  # the provider refused this particular request (too long, bad language)
    CIRCUIT_OPEN = "circuit_open"  # skipped without a call
    BUSY = "busy"  # skipped without a call: our own limit for the provider would have kept it waiting too long
    ERROR = "error"  # a bug in our client code


class ProviderError(Exception):
    """A provider could not translate. The message never contains credentials."""

    def __init__(
        self,
        kind: FailureKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.hint = hint  # the provider's own advice on fixing it (for doctor and the log), if any
        self.code = code  # the service's own error code (Baidu's 54003, Tencent's LimitExceeded), if any


class Provider(Protocol):
    """An asynchronous translation backend.

    ``translate`` returns one translation per input text, in order, or raises ProviderError.
    It is only asked for targets in ``targets`` (the chain converts zh-Hans output to zh-Hant
    with OpenCC when ``zh-Hant`` is missing).
    """

    name: str
    targets: frozenset[str]

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]: ...


@dataclass(frozen=True)
class ProviderInfo:
    """Facts used in messages and fix hints."""

    display_name: str
    url_env: str
    credential_envs: tuple[str, ...] = ()


@dataclass(frozen=True)
class HttpReply:
    status: int
    headers: Mapping[str, str]
    text: str

    def excerpt(self) -> str:
        flat = " ".join(self.text.split())
        return flat if len(flat) <= _EXCERPT else flat[:_EXCERPT] + "…"

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError as error:
            raise ProviderError(
                FailureKind.MALFORMED, f"answered HTTP {self.status} with a body that is not JSON: {self.excerpt()!r}",
                status=self.status,
            ) from error


class HttpProvider:
    """Base for providers speaking HTTP through a shared aiohttp session.

    Every request goes through the provider's ``RequestGate`` (``limits``: requests in flight and
    per second, set per provider class) and is bounded by ``timeout`` once it has left the gate.
    """

    name: ClassVar[str]
    info: ClassVar[ProviderInfo]
    targets: ClassVar[frozenset[str]] = frozenset({"en", "zh-Hans", "zh-Hant"})
    # HTTP statuses with a provider-specific meaning (e.g. DeepL's 456 = quota exceeded).
    status_kinds: ClassVar[Mapping[int, FailureKind]] = {}
    limits: ClassVar[RequestLimits] = RequestLimits()
    # The provider bounds each of its requests itself, so the chain need not bound the whole call
    # (which may include waiting at the gate behind other messages, and pacing).
    bounds_own_time: ClassVar[bool] = True

    def __init__(self, session: aiohttp.ClientSession, *, timeout: float, limits: RequestLimits | None = None) -> None:
        self._session = session
        self._timeout_seconds = timeout
        self.gate = RequestGate(limits or self.limits, max_wait=timeout)

    def __repr__(self) -> str:
        # Subclasses hold credentials: never show attributes.
        return f"<{type(self).__name__} {self.name}>"

    async def _request(self, method: str, url: str, *, timeout: float | None = None, **kwargs: Any) -> HttpReply:
        """Send one request; map transport problems and error statuses to ProviderError."""
        seconds = timeout if timeout is not None else self._timeout_seconds
        try:
            async with self.gate:
                try:
                    async with self._session.request(
                        method, url, timeout=aiohttp.ClientTimeout(total=seconds), **kwargs
                    ) as response:
                        text = await response.text(encoding=response.charset or "utf-8", errors="replace")
                        reply = HttpReply(response.status, dict(response.headers), text)
                except (asyncio.TimeoutError, TimeoutError) as error:
                    raise ProviderError(FailureKind.TIMEOUT, f"timed out after {seconds:g}s") from error
                except aiohttp.ClientError as error:
                    # aiohttp's messages carry host and port but never our headers or body.
                    raise ProviderError(FailureKind.NETWORK, f"network error: {type(error).__name__}: {error}") from error
        except GateBusy as busy:  # only entering the gate raises it
            raise ProviderError(FailureKind.BUSY, f"busy: {busy}") from None
        self._raise_for_status(reply)
        return reply

    def _raise_for_status(self, reply: HttpReply) -> None:
        status = reply.status
        if 200 <= status < 300:
            return
        kind = self.status_kinds.get(status)
        if kind is None:
            if status in (401, 403):
                kind = FailureKind.AUTH
            elif status == 429:
                kind = FailureKind.RATE_LIMITED
            elif status >= 500:
                kind = FailureKind.SERVER
            else:
                kind = FailureKind.REJECTED
        raise ProviderError(
            kind,
            f"answered HTTP {status}: {reply.excerpt()!r}",
            status=status,
            retry_after=parse_retry_after(reply.headers.get("Retry-After")),
        )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def malformed(reply: HttpReply, what: str) -> ProviderError:
    return ProviderError(FailureKind.MALFORMED, f"answered without {what}: {reply.excerpt()!r}", status=reply.status)


def expect_count(results: list[str], texts: list[str]) -> list[str]:
    if len(results) != len(texts):
        raise ProviderError(FailureKind.MALFORMED, f"returned {len(results)} translations for {len(texts)} texts")
    return results


async def gather_all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Run concurrently; on the first failure cancel the rest and raise that failure itself."""
    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            for awaitable in awaitables:
                tasks.append(group.create_task(_as_coroutine(awaitable)))
    except BaseExceptionGroup as group_error:
        first = group_error.exceptions[0]
        raise first from None
    return [task.result() for task in tasks]


async def translate_in_pieces(
    texts: list[str], cut: Callable[[str], list[str]], translate_one: Callable[[str], Awaitable[str]], target: str
) -> list[str]:
    """Cut each text into pieces the service accepts, translate every piece (concurrently, through
    the provider's gate) and join each text's translated pieces back together."""
    pieces = [cut(text) for text in texts]
    flat = await gather_all(translate_one(piece) for parts in pieces for piece in parts)
    results: list[str] = []
    start = 0
    for parts in pieces:
        results.append(join_pieces(flat[start : start + len(parts)], target))
        start += len(parts)
    return results


async def _as_coroutine(awaitable: Awaitable[T]) -> T:
    return await awaitable


def chunked(items: list[T], size: int) -> list[list[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
