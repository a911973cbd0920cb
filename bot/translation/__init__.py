"""Translation between English and Chinese: providers, a fallback chain with circuit breakers,
a two-level cache (memory LRU + database) and per-guild usage.

Entry point: ``TranslationService(settings, session, store).translate(segments, source, target, guild_id)``.

The names below are imported on first use: `bot.settings` reads `bot.translation.settings`, and a
settings error must not wait for the storage and HTTP stack (SQLAlchemy, aiohttp) to be imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.translation.languages import SourceLang, TargetLang
    from bot.translation.providers.base import FailureKind, Provider, ProviderError
    from bot.translation.result import ProviderFailure, ProviderHealth, TranslationResult
    from bot.translation.service import TranslationService, build_translation_service, check_providers, needs_translation
    from bot.translation.settings import TRANSLATION_ENV_VARS, Secret, TranslationSettings
    from bot.translation.store import MemoryTranslationStore, SqlTranslationStore, TranslationStore
    from bot.translation.usage import UsageCounts, UsageStats

_WHERE = {
    "SourceLang": "languages", "TargetLang": "languages",
    "FailureKind": "providers.base", "Provider": "providers.base", "ProviderError": "providers.base",
    "ProviderFailure": "result", "ProviderHealth": "result", "TranslationResult": "result",
    "TranslationService": "service", "build_translation_service": "service", "check_providers": "service",
    "needs_translation": "service",
    "TRANSLATION_ENV_VARS": "settings", "Secret": "settings", "TranslationSettings": "settings",
    "MemoryTranslationStore": "store", "SqlTranslationStore": "store", "TranslationStore": "store",
    "UsageCounts": "usage", "UsageStats": "usage",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
