"""MyMemory: ``GET {base}/get?q=&langpair=en-US|zh-CN[&de=email]``.

MyMemory reports an exhausted daily quota as HTTP 200 with the warning *as the translation*
("MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY…"); that is detected and
treated as a quota failure. A query is limited to 500 bytes, so longer texts are sent in pieces.
MyMemory needs an explicit source; for ``auto`` the bridge direction is assumed (Chinese when the
target is English, English otherwise).
"""

from __future__ import annotations

import re

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import (
    FailureKind,
    HttpProvider,
    ProviderError,
    ProviderInfo,
    gather_all,
    malformed,
)

_CODES = {"en": "en-US", "zh": "zh-CN", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}
MAX_QUERY_BYTES = 500
_WARNING_PREFIXES = ("MYMEMORY WARNING", "QUERY LENGTH LIMIT EXCEEDED", "INVALID LANGUAGE PAIR")
# Prefer cutting after sentence ends, then after any whitespace.
_SENTENCE_END = re.compile(r"[.!?。！？；;…]+\s*")
_WHITESPACE = re.compile(r"\s+")


class MyMemoryProvider(HttpProvider):
    name = "mymemory"
    info = ProviderInfo("MyMemory", "MYMEMORY_URL", ("MYMEMORY_EMAIL",))

    def __init__(self, session, *, timeout: float, base_url: str, email: str | None) -> None:
        super().__init__(session, timeout=timeout)
        self._url = base_url.rstrip("/") + "/get"
        self._email = email

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        if source == "auto":
            source = "zh-Hans" if target == "en" else "en"
        langpair = f"{_CODES[source]}|{_CODES[target]}"
        results = []
        for text in texts:
            pieces = await gather_all(self._translate_piece(piece, langpair) for piece in split_by_bytes(text))
            results.append(_join_pieces(pieces, target))
        return results

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
        if data.get("quotaFinished") or (isinstance(translated, str) and translated.startswith("MYMEMORY WARNING")):
            raise ProviderError(FailureKind.QUOTA, "daily free quota used up (set MYMEMORY_EMAIL for a larger one)")
        if status == "429":
            raise ProviderError(FailureKind.RATE_LIMITED, "answered responseStatus 429")
        if status != "200" or (isinstance(translated, str) and translated.startswith(_WARNING_PREFIXES)):
            detail = data.get("responseDetails") or translated
            raise ProviderError(FailureKind.REJECTED, f"answered responseStatus {status}: {str(detail)[:120]!r}")
        if not isinstance(translated, str):
            raise malformed(reply, "responseData.translatedText")
        return translated


def _join_pieces(pieces: list[str], target: str) -> str:
    if len(pieces) == 1:
        return pieces[0]
    # English pieces need a space between them; Chinese ones do not.
    return ("" if target != "en" else " ").join(piece.strip() for piece in pieces)


def split_by_bytes(text: str, limit: int = MAX_QUERY_BYTES) -> list[str]:
    """Cut into pieces of at most ``limit`` UTF-8 bytes whose concatenation is ``text``.

    Each cut goes after the last sentence end that fits, else after the last whitespace, else
    between characters (an unbroken run of Chinese).
    """
    pieces: list[str] = []
    rest = text
    while len(rest.encode()) > limit:
        window = rest[: _chars_within(rest, limit)]
        cut = _last_break(window, _SENTENCE_END) or _last_break(window, _WHITESPACE) or len(window)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _chars_within(text: str, limit: int) -> int:
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode())
        if size > limit:
            return index
    return len(text)


def _last_break(window: str, pattern: re.Pattern[str]) -> int:
    last = 0
    for match in pattern.finditer(window):
        last = match.end()
    return last
