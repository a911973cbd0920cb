"""Self-hosted LibreTranslate: ``POST {url}/translate`` with a JSON body.

Chinese is sent as ``zh`` (understood by every LibreTranslate version; newer ones also accept
``zh-Hans``). Its Traditional model (``zt``/``zh-Hant``) is missing on many installs, so the
chain asks for Simplified and converts with OpenCC.
"""

from __future__ import annotations

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import HttpProvider, ProviderInfo, expect_count, malformed

_CODES = {"auto": "auto", "en": "en", "zh": "zh", "zh-Hans": "zh", "zh-Hant": "zh"}


class LibreTranslateProvider(HttpProvider):
    name = "libretranslate"
    info = ProviderInfo("LibreTranslate", "LIBRETRANSLATE_URL", ("LIBRETRANSLATE_API_KEY",))
    targets = frozenset({"en", "zh-Hans"})

    def __init__(self, session, *, timeout: float, base_url: str, api_key: str | None) -> None:
        super().__init__(session, timeout=timeout)
        self._url = base_url.rstrip("/") + "/translate"
        self._api_key = api_key

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        body: dict[str, object] = {"q": texts, "source": _CODES[source], "target": _CODES[target], "format": "text"}
        if self._api_key:
            body["api_key"] = self._api_key
        reply = await self._request("POST", self._url, json=body)
        data = reply.json()
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list):
            raise malformed(reply, "translatedText")
        return expect_count([str(item) for item in translated], texts)
