"""DeepL API v2: ``POST {base}/v2/translate`` with ``Authorization: DeepL-Auth-Key``.

Free keys end in ``:fx`` and live on api-free.deepl.com (the settings pick the host).
"""

from __future__ import annotations

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import (
    FailureKind,
    HttpProvider,
    ProviderInfo,
    chunked,
    expect_count,
    malformed,
)

_SOURCE = {"en": "EN", "zh": "ZH", "zh-Hans": "ZH", "zh-Hant": "ZH"}
_TARGET = {"en": "EN-US", "zh-Hans": "ZH-HANS", "zh-Hant": "ZH-HANT"}
_MAX_TEXTS_PER_REQUEST = 50


class DeepLProvider(HttpProvider):
    name = "deepl"
    info = ProviderInfo("DeepL", "DEEPL_API_URL", ("DEEPL_API_KEY",))
    status_kinds = {456: FailureKind.QUOTA, 413: FailureKind.REJECTED}

    def __init__(self, session, *, timeout: float, base_url: str, api_key: str) -> None:
        super().__init__(session, timeout=timeout)
        self._url = base_url.rstrip("/") + "/v2/translate"
        self._headers = {"Authorization": f"DeepL-Auth-Key {api_key}"}

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        results: list[str] = []
        for batch in chunked(texts, _MAX_TEXTS_PER_REQUEST):
            body: dict[str, object] = {"text": batch, "target_lang": _TARGET[target]}
            if source != "auto":
                body["source_lang"] = _SOURCE[source]
            reply = await self._request("POST", self._url, json=body, headers=self._headers)
            data = reply.json()
            try:
                results.extend(str(item["text"]) for item in data["translations"])
            except (KeyError, TypeError) as error:
                raise malformed(reply, "translations[].text") from error
        return expect_count(results, texts)
