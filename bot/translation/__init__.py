"""Translation between English and Chinese: providers, a fallback chain with circuit breakers,
a two-level cache (memory LRU + database) and per-guild usage.

Entry point: ``TranslationService(settings, session, store).translate(segments, source, target, guild_id)``.
"""

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import FailureKind, Provider, ProviderError
from bot.translation.result import ProviderFailure, ProviderHealth, TranslationResult
from bot.translation.service import TranslationService, build_translation_service, check_providers, needs_translation
from bot.translation.settings import TRANSLATION_ENV_VARS, Secret, TranslationSettings
from bot.translation.store import MemoryTranslationStore, SqlTranslationStore, TranslationStore
from bot.translation.usage import UsageCounts, UsageStats

__all__ = [
    "FailureKind", "MemoryTranslationStore", "Provider", "ProviderError", "ProviderFailure",
    "ProviderHealth", "Secret", "SourceLang", "SqlTranslationStore", "TRANSLATION_ENV_VARS",
    "TargetLang", "TranslationResult", "TranslationService", "TranslationSettings",
    "TranslationStore", "UsageCounts", "UsageStats", "build_translation_service", "check_providers",
    "needs_translation",
]
