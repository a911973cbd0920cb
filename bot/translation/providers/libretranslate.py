"""Self-hosted LibreTranslate: ``POST {url}/translate`` with a JSON body.

Chinese is sent as ``zh`` (understood by every LibreTranslate version; newer ones also accept
``zh-Hans``). Its Traditional model (``zt``/``zh-Hant``) is missing on many installs, so the
chain asks for Simplified and converts with OpenCC.

Its refusals (``libretranslate/app.py``, ``access_check``) are told apart by their text:
400 "Visit … to get an API key" / "Please contact the server operator to get an API key" means the
server requires a key (configuration), 403 "Invalid API key" a wrong key, and 403 "Too many request
limits violations" a temporary ban after repeated 429 "Slowdown: …" answers (rate limit, not credentials).
"""

from __future__ import annotations

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import (
    FailureKind,
    HttpProvider,
    HttpReply,
    ProviderError,
    ProviderInfo,
    expect_count,
    malformed,
)

_CODES = {"auto": "auto", "en": "en", "zh": "zh", "zh-Hans": "zh", "zh-Hant": "zh"}
# How long a ban by LibreTranslate's flood guard is waited out before trying again.
BAN_COOLDOWN = 300.0


class LibreTranslateProvider(HttpProvider):
    name = "libretranslate"
    info = ProviderInfo("LibreTranslate", "LIBRETRANSLATE_URL", ("LIBRETRANSLATE_API_KEY",))
    targets = frozenset({"en", "zh-Hans"})

    def __init__(self, session, *, timeout: float, base_url: str, api_key: str | None, limits=None) -> None:
        super().__init__(session, timeout=timeout, limits=limits)
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

    def _raise_for_status(self, reply: HttpReply) -> None:
        if reply.status in (400, 403):
            error = _error_text(reply)
            if reply.status == 400 and "to get an API key" in error:
                if self._api_key:
                    hint = "LibreTranslate does not accept LIBRETRANSLATE_API_KEY: check the key, or " + error[:1].lower() + error[1:] + "."
                else:
                    hint = f"This LibreTranslate server requires an API key: set LIBRETRANSLATE_API_KEY ({error})."
                raise ProviderError(FailureKind.CONFIG, f"answered HTTP 400: {error!r}", status=400, hint=hint)
            if reply.status == 403 and "limits violations" in error:
                raise ProviderError(
                    FailureKind.RATE_LIMITED, f"answered HTTP 403: {error!r} (banned for exceeding its rate limit)",
                    status=403, retry_after=BAN_COOLDOWN,
                    hint="LibreTranslate has banned this address for a while after too many rate-limited requests: "
                         "it lifts by itself; ask for a higher limit (an API key) or add a fallback provider to TRANSLATOR.",
                )
            if reply.status == 403 and "Invalid API key" in error:
                raise ProviderError(FailureKind.AUTH, f"answered HTTP 403: {error!r}", status=403,
                                    hint="LibreTranslate rejected LIBRETRANSLATE_API_KEY: check the key.")
        super()._raise_for_status(reply)


def _error_text(reply: HttpReply) -> str:
    try:
        data = reply.json()
    except ProviderError:
        return reply.excerpt()
    return str(data.get("error", "")) if isinstance(data, dict) else reply.excerpt()
