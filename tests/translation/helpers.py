"""Small helpers shared by the translation tests."""

from __future__ import annotations

import aiohttp

from bot.translation.languages import to_simplified, to_traditional
from bot.translation.providers import build_provider
from bot.translation.providers.base import HttpProvider
from bot.translation.settings import TranslationSettings
from tests.translation.fake_servers import FakeDictionary, FakeProviderServer, translator_env


def provider_for(server: FakeProviderServer, session: aiohttp.ClientSession, **env: str) -> HttpProvider:
    settings = TranslationSettings.from_env(translator_env(server, **env))
    return build_provider(server.provider, settings, session)


def sample_pairs(dictionary: FakeDictionary, count: int) -> list[tuple[str, str]]:
    """Pairs whose Chinese differs between scripts (so a script mix-up shows) and maps back uniquely."""
    chosen = []
    for english, chinese in dictionary.en_to_zh.items():
        if to_traditional(chinese) != chinese and dictionary.zh_to_en.get(chinese) == english and len(english) > 12:
            chosen.append((english, chinese))
            if len(chosen) == count:
                break
    return chosen


def is_traditional(text: str) -> bool:
    return to_simplified(text) != text and to_traditional(text) == to_traditional(to_simplified(text))
