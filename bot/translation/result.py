"""What the translation service hands back to the rest of the bot."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProviderFailure:
    provider: str
    kind: str  # a FailureKind value
    message: str  # human-readable, credentials scrubbed
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.provider}: {self.message}"


@dataclass(frozen=True)
class TranslationResult:
    """Translations in the order of the segments asked for.

    On failure (``ok`` False) ``texts`` holds the original segments so the caller can relay them
    with a notice, and ``error`` summarises why each provider failed.
    """

    texts: list[str]
    provider: str | None  # provider name, "cache", "passthrough" (nothing to translate) or None on failure
    cached: bool = False
    ok: bool = True
    failures: tuple[ProviderFailure, ...] = field(default=())

    @property
    def error(self) -> str:
        return "; ".join(str(failure) for failure in self.failures) if not self.ok else ""


@dataclass(frozen=True)
class ProviderHealth:
    """One provider's answer to a short test request, for ``python -m bot doctor``."""

    provider: str
    ok: bool
    detail: str  # what happened, e.g. "translated 'Hello' as '你好' in 212 ms"
    fix: str = ""  # how to fix it, when not ok
    latency_ms: float | None = None
