"""Try providers in order, skipping those whose circuit is open; fix the script of the output."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.translation.breaker import CircuitBreaker
from bot.translation.languages import SourceLang, TargetLang, ensure_script, to_simplified
from bot.translation.providers.base import FailureKind, Provider, ProviderError
from bot.translation.result import ProviderFailure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    provider: str
    ok: bool
    characters: int
    seconds: float = 0.0  # how long the call took, failed or not


@dataclass(frozen=True)
class ChainOutcome:
    texts: list[str] | None  # None when every provider failed
    provider: str | None
    failures: tuple[ProviderFailure, ...]
    attempts: tuple[Attempt, ...] = field(default=())


class TranslationChain:
    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        timeout: float,
        breaker_factory: Callable[[], CircuitBreaker] = CircuitBreaker,
        redact: Callable[[str], str] = lambda message: message,
    ) -> None:
        self.providers = list(providers)
        self.breakers = {provider.name: breaker_factory() for provider in self.providers}
        self._timeout = timeout
        self._redact = redact
        self._last_logged: dict[str, str] = {}  # provider -> the failure last logged, so repeats are logged once

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> ChainOutcome:
        failures: list[ProviderFailure] = []
        attempts: list[Attempt] = []
        characters = sum(len(text) for text in texts)
        for provider in self.providers:
            breaker = self.breakers[provider.name]
            if not breaker.allow():
                failures.append(ProviderFailure(
                    provider.name, FailureKind.CIRCUIT_OPEN,
                    f"skipped after recent failures (next try in {breaker.retry_in():.0f}s)",
                ))
                continue
            epoch = breaker.epoch
            started = time.monotonic()
            try:
                translated = await self.call(provider, texts, source, target)
            except ProviderError as error:
                failure = ProviderFailure(provider.name, error.kind, self._redact(error.message), error.retry_after)
                self._log_failure(failure, error)
                failures.append(failure)
                if error.kind is FailureKind.BUSY:  # our own pacing, not the provider's health
                    breaker.release()
                    continue
                breaker.record_failure(error.kind, error.retry_after, epoch=epoch)
                attempts.append(Attempt(provider.name, False, characters, time.monotonic() - started))
                continue
            except BaseException:
                breaker.release()
                raise
            breaker.record_success()
            if self._last_logged.pop(provider.name, None) is not None:
                log.info("translation provider %s answers again", provider.name)
            attempts.append(Attempt(provider.name, True, characters, time.monotonic() - started))
            return ChainOutcome(translated, provider.name, tuple(failures), tuple(attempts))
        return ChainOutcome(None, None, tuple(failures), tuple(attempts))

    def _log_failure(self, failure: ProviderFailure, error: ProviderError) -> None:
        """A warning for each new failure; the same failure again (every message, every trial) only at debug."""
        key = f"{failure.kind}:{failure.message}"
        if self._last_logged.get(failure.provider) == key:
            log.debug("translation provider failed again: %s", failure)
            return
        self._last_logged[failure.provider] = key
        hint = f" ({self._redact(error.hint)})" if error.hint else ""
        log.warning("translation provider failed: %s%s", failure, hint)

    async def call(self, provider: Provider, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        """One provider, bounded by the timeout, output checked and in the right script.

        Any exception other than cancellation comes out as ProviderError.
        """
        native_source, native_target = _native_languages(provider, source, target)
        if native_source != source:  # Traditional input for a provider that only reads Simplified
            texts = [to_simplified(text) for text in texts]
        # HTTP providers bound each request themselves (waiting behind our own rate limit is not slowness).
        limit = None if getattr(provider, "bounds_own_time", False) else self._timeout
        try:
            async with asyncio.timeout(limit):
                translated = await provider.translate(texts, native_source, native_target)
        except ProviderError:
            raise
        except TimeoutError as error:
            raise ProviderError(FailureKind.TIMEOUT, f"timed out after {self._timeout:g}s") from error
        except Exception as error:  # a bug in a client must not take the bridge down
            log.exception("translation provider %s raised unexpectedly", provider.name)
            raise ProviderError(FailureKind.ERROR, f"internal error {type(error).__name__}") from error
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise ProviderError(FailureKind.MALFORMED, "returned a different number of translations than asked")
        if any(text.strip() and not (result or "").strip() for text, result in zip(texts, translated)):
            raise ProviderError(FailureKind.EMPTY, "returned an empty translation")
        wrote_traditional = native_target == "zh-Hant"
        return [ensure_script(result, target, provider_wrote_traditional=wrote_traditional) for result in translated]


def _native_languages(provider: Provider, source: SourceLang, target: TargetLang) -> tuple[SourceLang, TargetLang]:
    if "zh-Hant" in provider.targets:
        return source, target
    return ("zh-Hans" if source == "zh-Hant" else source), ("zh-Hans" if target == "zh-Hant" else target)
