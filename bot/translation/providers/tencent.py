"""Tencent Machine Translation (TMT): ``TextTranslate``, API version 2018-03-21.

``POST https://tmt.tencentcloudapi.com/`` with a JSON body, the action and version in ``X-TC-*``
headers and an ``Authorization`` header signed with TC3-HMAC-SHA256 (Tencent Cloud API 3.0,
"Signature v3"). Errors come back as HTTP 200 with ``{"Response": {"Error": {"Code", "Message"},
"RequestId"}}``; the codes are mapped below (from Tencent's common error codes and the TMT SDK's
``errorcodes.py``). One request carries at most 2,000 characters (longer texts go in pieces) and
the service allows 5 requests per second, which the gate keeps to. With Baidu, it is an engine a
self-hoster inside mainland China can reach.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import (
    FailureKind,
    HttpProvider,
    ProviderError,
    ProviderInfo,
    malformed,
    translate_in_pieces,
)
from bot.translation.providers.limits import RequestLimits
from bot.translation.providers.splitting import char_count, split_text

SERVICE = "tmt"
ACTION = "TextTranslate"
VERSION = "2018-03-21"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
MAX_CHARS = 2000
DEFAULT_REGION = "ap-guangzhou"
RATE_RETRIES = 2  # a LimitExceeded answer is tried again this many times
RATE_RETRY_DELAY = 1.0  # seconds: Tencent counts requests per second

_SOURCE = {"auto": "auto", "en": "en", "zh": "zh", "zh-Hans": "zh", "zh-Hant": "zh-TW"}
_TARGET = {"en": "en", "zh-Hans": "zh", "zh-Hant": "zh-TW"}


def tc3_authorization(
    *, secret_id: str, secret_key: str, host: str, payload: bytes, timestamp: int,
    service: str = SERVICE, content_type: str = CONTENT_TYPE,
) -> str:
    """The ``Authorization`` header of a signed POST (signed headers: content-type and host)."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_request = "\n".join([
        "POST", "/", "",
        f"content-type:{content_type}\nhost:{host}\n",
        "content-type;host",
        hashlib.sha256(payload).hexdigest(),
    ])
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join([
        ALGORITHM, str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest(),
    ])

    def hmac_sha256(key: bytes, message: str) -> bytes:
        return hmac.new(key, message.encode(), hashlib.sha256).digest()

    signing_key = hmac_sha256(hmac_sha256(hmac_sha256(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    signature = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders=content-type;host, Signature={signature}"


def _error_kind(code: str) -> FailureKind:
    if code.startswith(("AuthFailure", "UnauthorizedOperation")):
        return FailureKind.AUTH
    if code in ("FailedOperation.NoFreeAmount", "FailedOperation.UserHasNoFreeAmount",
                "FailedOperation.ServiceIsolate", "FailedOperation.StopUsing"):
        return FailureKind.QUOTA
    if code in ("FailedOperation.UserNotRegistered", "FailedOperation.ErrorUserArea") or code.startswith(
        ("UnsupportedRegion", "InvalidParameterValue.Region")
    ):
        return FailureKind.CONFIG
    if code.startswith(("LimitExceeded", "RequestLimitExceeded")):
        return FailureKind.RATE_LIMITED
    if code.startswith(("UnsupportedOperation", "InvalidParameter", "MissingParameter")):
        return FailureKind.REJECTED
    return FailureKind.SERVER  # InternalError.*, FailedOperation.RequestAiLabErr and anything new


_HINTS = {
    "AuthFailure.SignatureExpire": "Tencent refused the request's time: set this machine's clock right (NTP).",
    "FailedOperation.UserNotRegistered": "Machine Translation is not activated for this Tencent Cloud account: "
                                         "activate it in the TMT console.",
    "FailedOperation.NoFreeAmount": "Tencent's free monthly quota is used up: buy a package or switch to pay-as-you-go "
                                    "in the TMT console, or put another provider first in TRANSLATOR.",
    "FailedOperation.ServiceIsolate": "The Tencent Cloud account is suspended for arrears: top it up.",
    "FailedOperation.ErrorUserArea": "TENCENT_REGION does not match the account's area: choose a region of your "
                                     "account (e.g. ap-guangzhou, ap-singapore).",
}


class TencentProvider(HttpProvider):
    name = "tencent"
    info = ProviderInfo(
        "Tencent Machine Translation", "TENCENT_TMT_URL", ("TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", "TENCENT_REGION")
    )
    limits = RequestLimits(in_flight=5, per_second=5.0)

    def __init__(self, session, *, timeout: float, base_url: str, secret_id: str, secret_key: str,
                 region: str = DEFAULT_REGION, limits: RequestLimits | None = None,
                 clock=time.time, retry_delay: float | None = None) -> None:
        super().__init__(session, timeout=timeout, limits=limits)
        self._retry_delay = RATE_RETRY_DELAY if retry_delay is None else retry_delay
        self._url = base_url.rstrip("/") + "/"
        self._host = urlsplit(self._url).netloc.rpartition("@")[2]
        self._secret_id = secret_id
        self._secret_key = secret_key
        self._region = region
        self._clock = clock

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        return await translate_in_pieces(
            texts, lambda text: split_text(text, MAX_CHARS, char_count),
            lambda piece: self._translate_one(piece, source, target), target,
        )

    async def _translate_one(self, text: str, source: SourceLang, target: TargetLang) -> str:
        # A frequency refusal is retried after a second, as Tencent's SDKs do: our own pacing keeps to
        # 5/s when *starting* requests, but a stalled machine can still deliver two of them to Tencent
        # inside one of its seconds, and that text should not be lost to it.
        for attempt in range(RATE_RETRIES + 1):
            try:
                return await self._request_one(text, source, target)
            except ProviderError as error:
                if error.kind is not FailureKind.RATE_LIMITED or attempt == RATE_RETRIES:
                    raise
                await asyncio.sleep(self._retry_delay)
        raise AssertionError("unreachable")

    async def _request_one(self, text: str, source: SourceLang, target: TargetLang) -> str:
        payload = json.dumps(
            {"SourceText": text, "Source": _SOURCE[source], "Target": _TARGET[target], "ProjectId": 0},
            ensure_ascii=False,
        ).encode()
        timestamp = int(self._clock())
        headers = {
            "Authorization": tc3_authorization(secret_id=self._secret_id, secret_key=self._secret_key,
                                               host=self._host, payload=payload, timestamp=timestamp),
            "Content-Type": CONTENT_TYPE,
            "Host": self._host,
            "X-TC-Action": ACTION,
            "X-TC-Version": VERSION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self._region,
        }
        reply = await self._request("POST", self._url, data=payload, headers=headers)
        data = reply.json()
        response = data.get("Response") if isinstance(data, dict) else None
        if not isinstance(response, dict):
            raise malformed(reply, "a Response object")
        error = response.get("Error")
        if isinstance(error, dict):
            code = str(error.get("Code", ""))
            kind = _error_kind(code)
            raise ProviderError(
                kind, f"answered {code}: {str(error.get('Message', ''))[:160]!r}", code=code,
                retry_after=self._retry_delay if kind is FailureKind.RATE_LIMITED else None, hint=_HINTS.get(code),
            )
        translated = response.get("TargetText")
        if not isinstance(translated, str):
            raise malformed(reply, "Response.TargetText")
        return translated
