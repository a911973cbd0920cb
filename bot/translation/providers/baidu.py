"""Baidu Fanyi general translation: ``POST {base}/api/trans/vip/translate`` (form, md5 sign).

Baidu answers HTTP 200 even for errors, with ``error_code``; the codes are mapped below. Texts go
as lines of ``q``. The standard (free) tier allows 1 request per second (QPS 1) and 1,000
characters per request (the advanced tier 6,000 bytes): requests are paced to 1 per second and
packed or cut to fit both limits. 54003 (access frequency limited) and 54005 (long queries sent too
often) mean "try again in 3 s", which is done (twice at most) before giving up for now.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import (
    FailureKind,
    HttpProvider,
    ProviderError,
    ProviderInfo,
    malformed,
)
from bot.translation.providers.limits import RequestLimits
from bot.translation.providers.splitting import char_count, join_pieces, split_text

_CODES = {"auto": "auto", "en": "en", "zh": "zh", "zh-Hans": "zh", "zh-Hant": "cht"}

# https://fanyi-api.baidu.com/doc/21 (error code list)
_ERROR_KINDS = {
    "52001": FailureKind.TIMEOUT,
    "52002": FailureKind.SERVER,
    "52003": FailureKind.AUTH,  # unauthorised user: wrong appid or service not enabled
    "54000": FailureKind.REJECTED,  # required parameter missing
    "54001": FailureKind.AUTH,  # signature error: wrong secret key
    "54003": FailureKind.RATE_LIMITED,  # access frequency limited
    "54004": FailureKind.QUOTA,  # account balance insufficient
    "54005": FailureKind.RATE_LIMITED,  # long queries sent too often: retry after 3 s
    "58000": FailureKind.AUTH,  # client IP not allowed
    "58001": FailureKind.REJECTED,  # language direction not supported
    "58002": FailureKind.CONFIG,  # service switched off
    "90107": FailureKind.AUTH,  # certification not passed
}
_TRY_AGAIN = frozenset({"54003", "54005"})
RETRY_DELAY = 3.0  # what Baidu's documentation says to wait after 54003/54005
RETRIES = 2
# Standard tier: 1,000 characters per request; every tier: 6,000 bytes.
MAX_CHARS = 1000
MAX_BYTES = 6000


def sign(app_id: str, query: str, salt: str, secret_key: str) -> str:
    return hashlib.md5(f"{app_id}{query}{salt}{secret_key}".encode()).hexdigest()


class BaiduProvider(HttpProvider):
    name = "baidu"
    info = ProviderInfo("Baidu Translate", "BAIDU_API_URL", ("BAIDU_APP_ID", "BAIDU_SECRET_KEY"))
    limits = RequestLimits(in_flight=1, per_second=1.0)

    def __init__(self, session, *, timeout: float, base_url: str, app_id: str, secret_key: str,
                 limits: RequestLimits | None = None, retry_delay: float | None = None) -> None:
        super().__init__(session, timeout=timeout, limits=limits)
        self._url = base_url.rstrip("/") + "/api/trans/vip/translate"
        self._app_id = app_id
        self._secret_key = secret_key
        self._retry_delay = RETRY_DELAY if retry_delay is None else retry_delay

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        # Baidu translates line by line and drops empty lines, so send the non-empty lines (each
        # cut into pieces if too long) and put every text back together from its own lines.
        lines_per_text = [text.split("\n") for text in texts]
        pieces_per_line = [
            _fit(line) for lines in lines_per_text for line in lines if line.strip()
        ]
        pieces = [piece for line_pieces in pieces_per_line for piece in line_pieces]
        translated: list[str] = []
        for batch in _pack(pieces):  # one after another: the gate paces them anyway
            translated.extend(await self._translate_lines(batch, source, target))
        answers = iter(translated)
        lines_back = iter(join_pieces([next(answers) for _ in line_pieces], target) for line_pieces in pieces_per_line)
        return ["\n".join(next(lines_back) if line.strip() else line for line in lines) for lines in lines_per_text]

    async def _translate_lines(self, lines: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        for attempt in range(RETRIES + 1):
            try:
                return await self._request_lines(lines, source, target)
            except ProviderError as error:
                if error.code not in _TRY_AGAIN or attempt == RETRIES:
                    raise
            await asyncio.sleep(self._retry_delay)
        raise AssertionError("unreachable")

    async def _request_lines(self, lines: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        query = "\n".join(lines)
        salt = str(secrets.randbelow(10**9))
        form = {
            "q": query,
            "from": _CODES[source],
            "to": _CODES[target],
            "appid": self._app_id,
            "salt": salt,
            "sign": sign(self._app_id, query, salt, self._secret_key),
        }
        reply = await self._request("POST", self._url, data=form)
        data = reply.json()
        if not isinstance(data, dict):
            raise malformed(reply, "a JSON object")
        if "error_code" in data and str(data["error_code"]) not in ("0", "52000"):
            code = str(data["error_code"])
            kind = _ERROR_KINDS.get(code, FailureKind.SERVER)
            raise ProviderError(kind, f"answered error {code}: {str(data.get('error_msg', ''))[:120]!r}",
                                retry_after=self._retry_delay if code in _TRY_AGAIN else None, code=code)
        try:
            translated = [str(item["dst"]) for item in data["trans_result"]]
        except (KeyError, TypeError) as error:
            raise malformed(reply, "trans_result[].dst") from error
        if len(translated) != len(lines):
            raise ProviderError(FailureKind.MALFORMED, f"returned {len(translated)} lines for {len(lines)}")
        return translated


def _fit(line: str) -> list[str]:
    """A line cut into pieces within both limits (a Chinese character is 3 bytes, 1,000 of them 3,000)."""
    pieces = [piece for chunk in split_text(line, MAX_CHARS, char_count) for piece in split_text(chunk, MAX_BYTES)]
    return [piece for piece in pieces if piece.strip()]  # Baidu drops blank lines


def _pack(pieces: list[str]) -> list[list[str]]:
    """Consecutive pieces grouped into requests of at most MAX_CHARS characters and MAX_BYTES bytes (with newlines)."""
    batches: list[list[str]] = []
    chars = size = 0
    for piece in pieces:
        piece_chars, piece_bytes = len(piece), len(piece.encode())
        if batches and chars + 1 + piece_chars <= MAX_CHARS and size + 1 + piece_bytes <= MAX_BYTES:
            batches[-1].append(piece)
            chars += 1 + piece_chars
            size += 1 + piece_bytes
        else:
            batches.append([piece])
            chars, size = piece_chars, piece_bytes
    return batches
