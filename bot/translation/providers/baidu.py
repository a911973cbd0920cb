"""Baidu Fanyi general translation: ``POST {base}/api/trans/vip/translate`` (form, md5 sign).

Baidu answers HTTP 200 even for errors, with ``error_code``; the codes are mapped below. Several
texts go in one request as lines of ``q`` (the free tier allows about one request per second).
"""

from __future__ import annotations

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

_CODES = {"auto": "auto", "en": "en", "zh": "zh", "zh-Hans": "zh", "zh-Hant": "cht"}

# https://fanyi-api.baidu.com/doc/21 (error code list)
_ERROR_KINDS = {
    "52001": FailureKind.TIMEOUT,
    "52002": FailureKind.SERVER,
    "52003": FailureKind.AUTH,  # unauthorised user: wrong appid or service not enabled
    "54000": FailureKind.REJECTED,  # required parameter missing
    "54001": FailureKind.AUTH,  # signature error: wrong secret key
    "54003": FailureKind.RATE_LIMITED,
    "54004": FailureKind.QUOTA,  # account balance insufficient
    "54005": FailureKind.RATE_LIMITED,  # long queries sent too often
    "58000": FailureKind.AUTH,  # client IP not allowed
    "58001": FailureKind.REJECTED,  # language direction not supported
    "58002": FailureKind.AUTH,  # service switched off
    "90107": FailureKind.AUTH,  # certification not passed
}


def sign(app_id: str, query: str, salt: str, secret_key: str) -> str:
    return hashlib.md5(f"{app_id}{query}{salt}{secret_key}".encode()).hexdigest()


class BaiduProvider(HttpProvider):
    name = "baidu"
    info = ProviderInfo("Baidu Translate", "BAIDU_API_URL", ("BAIDU_APP_ID", "BAIDU_SECRET_KEY"))

    def __init__(self, session, *, timeout: float, base_url: str, app_id: str, secret_key: str) -> None:
        super().__init__(session, timeout=timeout)
        self._url = base_url.rstrip("/") + "/api/trans/vip/translate"
        self._app_id = app_id
        self._secret_key = secret_key

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        # Baidu translates line by line and drops empty lines, so send the non-empty lines and
        # put every text back together from its own lines.
        lines_per_text = [text.split("\n") for text in texts]
        sent = [line for lines in lines_per_text for line in lines if line.strip()]
        query = "\n".join(sent)
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
            raise ProviderError(kind, f"answered error {code}: {str(data.get('error_msg', ''))[:120]!r}")
        try:
            translated = [str(item["dst"]) for item in data["trans_result"]]
        except (KeyError, TypeError) as error:
            raise malformed(reply, "trans_result[].dst") from error
        if len(translated) != len(sent):
            raise ProviderError(FailureKind.MALFORMED, f"returned {len(translated)} lines for {len(sent)}")
        answers = iter(translated)
        return ["\n".join(next(answers) if line.strip() else line for line in lines) for lines in lines_per_text]
