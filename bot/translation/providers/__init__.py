"""Native asyncio clients for each translation service's real wire format.

deep-translator is deliberately not used here: its backends are blocking ``requests`` calls
without a timeout (they would freeze the event loop, or pin a thread forever when run in one),
they keep per-call state on shared instances, its DeepL backend speaks the retired
``GET ?auth_key=`` API, its LibreTranslate backend sends parameters in the query string, its
Microsoft backend makes a live request in ``__init__``, and its ChatGPT backend needs
``openai<0.28``. The language-code tables we need are six entries per provider, kept inline.
"""

from __future__ import annotations

import aiohttp

from bot.translation.providers.baidu import BaiduProvider
from bot.translation.providers.base import FailureKind, HttpProvider, Provider, ProviderError, ProviderInfo
from bot.translation.providers.deepl import DeepLProvider
from bot.translation.providers.google import GoogleProvider
from bot.translation.providers.libretranslate import LibreTranslateProvider
from bot.translation.providers.microsoft import MicrosoftProvider
from bot.translation.providers.mymemory import MyMemoryProvider
from bot.translation.providers.openai_chat import OpenAIChatProvider
from bot.translation.providers.tencent import TencentProvider
from bot.translation.settings import TranslationSettings

__all__ = [
    "BaiduProvider", "DeepLProvider", "FailureKind", "GoogleProvider", "HttpProvider",
    "LibreTranslateProvider", "MicrosoftProvider", "MyMemoryProvider", "OpenAIChatProvider",
    "Provider", "ProviderError", "ProviderInfo", "TencentProvider", "build_provider", "build_providers",
]


def _reveal(secret) -> str | None:
    return secret.reveal() if secret is not None else None


def build_provider(name: str, settings: TranslationSettings, session: aiohttp.ClientSession) -> HttpProvider:
    timeout = settings.timeout
    match name:
        case "google":
            return GoogleProvider(session, timeout=timeout, base_url=settings.google_url)
        case "deepl":
            return DeepLProvider(
                session, timeout=timeout, base_url=settings.deepl_api_url, api_key=_reveal(settings.deepl_api_key) or ""
            )
        case "libretranslate":
            return LibreTranslateProvider(
                session, timeout=timeout, base_url=settings.libretranslate_url or "",
                api_key=_reveal(settings.libretranslate_api_key),
            )
        case "microsoft":
            return MicrosoftProvider(
                session, timeout=timeout, base_url=settings.microsoft_url,
                api_key=_reveal(settings.microsoft_key) or "", region=settings.microsoft_region,
            )
        case "baidu":
            return BaiduProvider(
                session, timeout=timeout, base_url=settings.baidu_api_url,
                app_id=settings.baidu_app_id or "", secret_key=_reveal(settings.baidu_secret_key) or "",
            )
        case "tencent":
            return TencentProvider(
                session, timeout=timeout, base_url=settings.tencent_url, region=settings.tencent_region,
                secret_id=_reveal(settings.tencent_secret_id) or "", secret_key=_reveal(settings.tencent_secret_key) or "",
            )
        case "mymemory":
            return MyMemoryProvider(session, timeout=timeout, base_url=settings.mymemory_url, email=settings.mymemory_email)
        case "openai":
            return OpenAIChatProvider(
                session, timeout=timeout, base_url=settings.openai_base_url,
                api_key=_reveal(settings.openai_api_key), model=settings.openai_model,
            )
    raise ValueError(f"unknown provider {name!r}")


def build_providers(settings: TranslationSettings, session: aiohttp.ClientSession) -> list[HttpProvider]:
    return [build_provider(name, settings, session) for name in settings.chain]
