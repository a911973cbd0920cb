"""MyMemory: ``GET {base}/get?q=&langpair=en-US|zh-CN[&de=email]``.

``translatedText`` comes HTML-escaped (``don&#39;t``) and is unescaped here. An exhausted daily
quota is answered with HTTP 429 and the warning as the translation ("MYMEMORY WARNING: YOU USED ALL
AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT AVAILABLE IN 14 HOURS 05 MINUTES 21 SECONDS …"; some
answers carry it with HTTP 200): that is a quota failure lasting until the stated time, not a
short rate limit. A query is limited to 500 bytes, so longer texts are sent in pieces.
MyMemory needs an explicit source; for ``auto`` the bridge direction is assumed (Chinese when the
target is English, English otherwise).
"""

from __future__ import annotations

import html
import re

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import (
    FailureKind,
    HttpProvider,
    HttpReply,
    ProviderError,
    ProviderInfo,
    malformed,
    translate_in_pieces,
)
from bot.translation.providers.limits import RequestLimits
from bot.translation.providers.splitting import split_text, utf8_size

_CODES = {"en": "en-US", "zh": "zh-CN", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}
MAX_QUERY_BYTES = 500
_WARNING_PREFIXES = ("MYMEMORY WARNING", "QUERY LENGTH LIMIT EXCEEDED", "INVALID LANGUAGE PAIR")
_QUOTA_WARNING = "YOU USED ALL AVAILABLE FREE TRANSLATIONS"
_NEXT_AVAILABLE = re.compile(
    r"NEXT AVAILABLE IN\s+(?:(\d+)\s+HOURS?)?\s*(?:(\d+)\s+MINUTES?)?\s*(?:(\d+)\s+SECONDS?)?", re.IGNORECASE
)
# Free daily allowance per https://mymemory.translated.net/doc/usagelimits.php
ANONYMOUS_DAILY_CHARS = 5_000
WITH_EMAIL_DAILY_CHARS = 50_000



def split_by_bytes(text: str, limit: int = MAX_QUERY_BYTES) -> list[str]:
    """Pieces of at most ``limit`` UTF-8 bytes whose concatenation is ``text``."""
    return split_text(text, limit, utf8_size)


class MyMemoryProvider(HttpProvider):
    name = "mymemory"
    info = ProviderInfo("MyMemory", "MYMEMORY_URL", ("MYMEMORY_EMAIL",))
    limits = RequestLimits(in_flight=2)

    def __init__(self, session, *, timeout: float, base_url: str, email: str | None,
                 limits: RequestLimits | None = None) -> None:
        super().__init__(session, timeout=timeout, limits=limits)
        self._url = base_url.rstrip("/") + "/get"
        self._email = email

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        if source == "auto":
            source = "zh-Hans" if target == "en" else "en"
        langpair = f"{_CODES[source]}|{_CODES[target]}"
        return await translate_in_pieces(texts, split_by_bytes, lambda piece: self._translate_piece(piece, langpair), target)

    async def _translate_piece(self, text: str, langpair: str) -> str:
        params = {"q": text, "langpair": langpair}
        if self._email:
            params["de"] = self._email
        reply = await self._request("GET", self._url, params=params)
        data = reply.json()
        if not isinstance(data, dict):
            raise malformed(reply, "a JSON object")
        status = str(data.get("responseStatus", "200"))
        translated = (data.get("responseData") or {}).get("translatedText")
        if data.get("quotaFinished") or _is_quota_warning(translated):
            raise self._quota_error(str(translated or data.get("responseDetails") or ""))
        if status == "429":
            raise ProviderError(FailureKind.RATE_LIMITED, "answered responseStatus 429")
        if status != "200" or (isinstance(translated, str) and translated.startswith(_WARNING_PREFIXES)):
            detail = data.get("responseDetails") or translated
            raise ProviderError(FailureKind.REJECTED, f"answered responseStatus {status}: {str(detail)[:120]!r}")
        if not isinstance(translated, str):
            raise malformed(reply, "responseData.translatedText")
        return html.unescape(translated)

    def _raise_for_status(self, reply: HttpReply) -> None:
        if reply.status == 429 and _QUOTA_WARNING in reply.text.upper():
            raise self._quota_error(reply.text, status=429)
        super()._raise_for_status(reply)

    def _quota_error(self, warning: str, status: int | None = None) -> ProviderError:
        wait = next_available_in(warning)
        when = f"; next available in {_duration(wait)}" if wait is not None else ""
        if self._email:
            hint = (f"MyMemory's daily quota for MYMEMORY_EMAIL ({WITH_EMAIL_DAILY_CHARS:,} characters) is used up{when}: "
                    "wait, or put another provider before mymemory in TRANSLATOR.")
        else:
            hint = (f"MyMemory's anonymous daily quota ({ANONYMOUS_DAILY_CHARS:,} characters) is used up{when}: set "
                    f"MYMEMORY_EMAIL to a contact address for {WITH_EMAIL_DAILY_CHARS:,} a day, or put another "
                    "provider before mymemory in TRANSLATOR.")
        return ProviderError(FailureKind.QUOTA, f"daily free quota used up{when}", status=status,
                             retry_after=wait, hint=hint)


def _is_quota_warning(text: object) -> bool:
    return isinstance(text, str) and text.startswith("MYMEMORY WARNING") and _QUOTA_WARNING in text.upper()


def next_available_in(warning: str) -> float | None:
    """Seconds from "NEXT AVAILABLE IN 14 HOURS 05 MINUTES 21 SECONDS", or None when not stated."""
    match = _NEXT_AVAILABLE.search(warning)
    if match is None or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return float(hours * 3600 + minutes * 60 + seconds)


def _duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {whole % 60:02d} s"
