"""Microsoft Translator v3: ``POST {base}/translate?api-version=3.0`` with the key in headers."""

from __future__ import annotations

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import (
    FailureKind,
    HttpProvider,
    HttpReply,
    ProviderError,
    ProviderInfo,
    chunked,
    expect_count,
    malformed,
)

_CODES = {"en": "en", "zh": "zh-Hans", "zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant"}
_MAX_TEXTS_PER_REQUEST = 100  # the service allows 1000 elements / 50,000 characters


class MicrosoftProvider(HttpProvider):
    name = "microsoft"
    info = ProviderInfo(
        "Microsoft Translator", "MICROSOFT_TRANSLATOR_URL", ("MICROSOFT_TRANSLATOR_KEY", "MICROSOFT_TRANSLATOR_REGION")
    )
    status_kinds = {401: FailureKind.AUTH}

    def __init__(self, session, *, timeout: float, base_url: str, api_key: str, region: str | None) -> None:
        super().__init__(session, timeout=timeout)
        self._url = base_url.rstrip("/") + "/translate"
        self._headers = {"Ocp-Apim-Subscription-Key": api_key}
        if region:
            self._headers["Ocp-Apim-Subscription-Region"] = region

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        params = {"api-version": "3.0", "to": _CODES[target]}
        if source != "auto":
            params["from"] = _CODES[source]
        results: list[str] = []
        for batch in chunked(texts, _MAX_TEXTS_PER_REQUEST):
            reply = await self._request(
                "POST", self._url, params=params, json=[{"Text": text} for text in batch], headers=self._headers
            )
            data = reply.json()
            try:
                results.extend(str(item["translations"][0]["text"]) for item in data)
            except (KeyError, IndexError, TypeError) as error:
                raise malformed(reply, "[].translations[0].text") from error
        return expect_count(results, texts)

    def _raise_for_status(self, reply: HttpReply) -> None:
        try:
            super()._raise_for_status(reply)
        except ProviderError as error:
            # 403001: "the subscription has exceeded its free quota"; other 403s are permission problems.
            if reply.status == 403 and "403001" in reply.text:
                error.kind = FailureKind.QUOTA
            raise
