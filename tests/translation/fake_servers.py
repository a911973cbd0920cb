"""Local fakes of each translation provider, speaking its real wire format on 127.0.0.1.

Reusable by any test that needs translation without the network::

    async with FakeDeepL(api_key="k:fx") as deepl:
        env = {"TRANSLATOR": "deepl", **deepl.env()}
        ...
        assert deepl.request_count == 1

Every fake records requests (``requests``), can be slowed down (``delay``) and can be told to
answer with faults (``fail_next(Fault(...), times=n)``, ``fail_always(...)``); each class has
presets for its provider's own quota/auth answers. Translations come from a ``FakeDictionary``
(real Tatoeba pairs when given, otherwise a marked echo such as ``〔译〕hello``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from aiohttp import web

from bot.chinese_scripts import to_simplified, to_traditional

REPO_ROOT = Path(__file__).resolve().parents[2]
PAIRS_PATH = REPO_ROOT.parent / "shared" / "data" / "pairs" / "cmn-eng.tsv"


def load_pairs(path: Path = PAIRS_PATH, limit: int | None = None) -> list[tuple[str, str]]:
    """(english, chinese) pairs from Tatoeba's cmn-eng.tsv (english<TAB>chinese<TAB>attribution)."""
    pairs = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            english, chinese, *_ = line.rstrip("\n").split("\t")
            pairs.append((english, chinese))
            if limit is not None and len(pairs) >= limit:
                break
    return pairs


class FakeDictionary:
    """Answers like a translator would: known pairs both ways, a marked echo for the rest."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.en_to_zh: dict[str, str] = {}
        self.zh_to_en: dict[str, str] = {}
        for english, chinese in pairs:
            simplified = to_simplified(chinese)
            self.en_to_zh.setdefault(english, simplified)
            self.zh_to_en.setdefault(simplified, english)

    def translate(self, text: str, target: str) -> str:
        """``target``: "en", "zh-Hans" or "zh-Hant" (the fake converts provider codes first)."""
        if target == "en":
            return self.zh_to_en.get(to_simplified(text), f"[en] {text}")
        simplified = self.en_to_zh.get(text, f"〔译〕{text}")
        return to_traditional(simplified) if target == "zh-Hant" else simplified


@dataclass
class Fault:
    """An answer to give instead of a translation."""

    status: int = 500
    body: str | bytes | dict | list | None = None  # dict/list are sent as JSON
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str | None = None

    def response(self) -> web.Response:
        body = self.body
        if body is None:
            body = {"error": f"fake fault {self.status}"}
        if isinstance(body, (dict, list)):
            return web.json_response(body, status=self.status, headers=dict(self.headers))
        content_type = self.content_type or "text/plain"
        if isinstance(body, str):
            return web.Response(text=body, status=self.status, headers=dict(self.headers), content_type=content_type)
        return web.Response(body=body, status=self.status, headers=dict(self.headers), content_type=content_type)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float = 0.0  # event-loop time of arrival

    def json(self) -> Any:
        return json.loads(self.body)


class FakeProviderServer:
    """Base: an aiohttp server on 127.0.0.1 with a request log and programmable faults."""

    provider = ""

    def __init__(self, dictionary: FakeDictionary | None = None) -> None:
        self.dictionary = dictionary or FakeDictionary()
        self.requests: list[RecordedRequest] = []
        self.delay = 0.0
        self._faults: deque[Fault] = deque()
        self._always: Fault | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.in_flight = 0  # requests being answered now
        self.most_in_flight = 0

    # --- lifecycle ---
    async def start(self) -> Self:
        # Long request lines reach the handler, so a fake can answer them as its service does.
        app = web.Application(middlewares=[self._middleware], handler_args={"max_line_size": 65536})
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment variables pointing TranslationSettings at this fake."""
        raise NotImplementedError

    # --- faults and log ---
    def fail_next(self, fault: Fault, times: int = 1) -> None:
        self._faults.extend([fault] * times)

    def fail_always(self, fault: Fault | None) -> None:
        """Answer every request with ``fault`` (None: back to normal)."""
        self._always = fault

    def recover(self) -> None:
        self._faults.clear()
        self._always = None

    @property
    def request_count(self) -> int:
        return len(self.requests)

    def malformed(self) -> Fault:
        return Fault(200, "<html>not what you expected</html>", content_type="text/html")

    def rate_limited(self, retry_after: int | None = 7) -> Fault:
        return Fault(429, {"message": "Too many requests"}, {"Retry-After": str(retry_after)} if retry_after else {})

    def quota_exceeded(self) -> Fault:
        raise NotImplementedError

    # --- plumbing ---
    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    @web.middleware
    async def _middleware(self, request: web.Request, handler):
        self.requests.append(RecordedRequest(
            request.method, request.path, dict(request.query), dict(request.headers), await request.read(),
            asyncio.get_running_loop().time(),
        ))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            fault = self._faults.popleft() if self._faults else self._always
            delay = self.delay + (fault.delay if fault else 0.0)
            if delay:
                await asyncio.sleep(delay)
            if fault is not None:
                return fault.response()
            return await handler(request)
        finally:
            self.in_flight -= 1


def google_error_page(status: int, reason: str, explanation: str) -> str:
    """The error page Google's front end (GFE) serves, e.g. "Error 414 (Request-URI Too Large)!!1"."""
    return (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        '  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">\n'
        f"  <title>Error {status} ({reason})!!1</title>\n"
        "  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>\n"
        f"  <p><b>{status}.</b> <ins>That\u2019s an error.</ins>\n"
        f"  <p>{explanation}  <ins>That\u2019s all we know.</ins>\n"
    )


class FakeGoogle(FakeProviderServer):
    """``GET /m?sl=&tl=&q=`` -> HTML with ``<div class="result-container">``.

    Like the real page it refuses what a browser would never send: a client without a browser
    User-Agent gets the "unusual traffic" page (HTTP 429), and an over-long URL gets the front end's
    400 (over 8 KB) or 414 (over 16 KB) error page, as Google's front end answers long GETs
    (suminb/translator#2, cjvnjde/google-translate-api-browser#4: 414 for long texts).
    """

    provider = "google"
    _TARGETS = {"en": "en", "zh-CN": "zh-Hans", "zh-TW": "zh-Hant"}
    MAX_URL_400 = 8 * 1024
    MAX_URL_414 = 16 * 1024

    def env(self) -> dict[str, str]:
        return {"GOOGLE_TRANSLATE_URL": self.url}

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/m", self._translate)

    def quota_exceeded(self) -> Fault:  # Google's "unusual traffic" page
        return self.unusual_traffic()

    @staticmethod
    def unusual_traffic() -> Fault:
        return Fault(429, "<html><head><title>https://translate.google.com/m</title></head><body>"
                          "<div>Our systems have detected unusual traffic from your computer network.  This page checks "
                          "to see if it&#39;s really you sending the requests, and not a robot.</div></body></html>",
                     content_type="text/html")

    async def _translate(self, request: web.Request) -> web.Response:
        url_length = len(str(request.rel_url))
        if url_length > self.MAX_URL_414:
            return web.Response(status=414, content_type="text/html", charset="utf-8", text=google_error_page(
                414, "Request-URI Too Large", "The requested URL <code>/m</code>... is too large to process."))
        if url_length > self.MAX_URL_400:
            return web.Response(status=400, content_type="text/html", charset="utf-8", text=google_error_page(
                400, "Bad Request", "Your client has issued a malformed or illegal request."))
        if "Mozilla/5.0" not in request.headers.get("User-Agent", ""):
            return self.unusual_traffic().response()
        target = self._TARGETS.get(request.query.get("tl", ""))
        if target is None:
            return web.Response(status=400, text="bad tl")
        translated = self.dictionary.translate(request.query.get("q", ""), target)
        page = (
            "<!DOCTYPE html><html><head><title>Google Translate</title></head><body>"
            '<div class="root-container"><div class="sub-title">Translate</div>'
            f'<div class="result-container">{html.escape(translated)}</div>'
            '<div class="links-container"><div>Other</div></div></div></body></html>'
        )
        return web.Response(text=page, content_type="text/html", charset="utf-8")


class FakeDeepL(FakeProviderServer):
    """``POST /v2/translate`` with ``Authorization: DeepL-Auth-Key``."""

    provider = "deepl"
    _TARGETS = {"EN": "en", "EN-US": "en", "EN-GB": "en", "ZH": "zh-Hans", "ZH-HANS": "zh-Hans", "ZH-HANT": "zh-Hant"}

    def __init__(self, dictionary: FakeDictionary | None = None, *, api_key: str = "fake-deepl-key:fx") -> None:
        super().__init__(dictionary)
        self.api_key = api_key

    def env(self) -> dict[str, str]:
        return {"DEEPL_API_KEY": self.api_key, "DEEPL_API_URL": self.url}

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v2/translate", self._translate)

    def quota_exceeded(self) -> Fault:
        return Fault(456, {"message": "Quota Exceeded"})

    async def _translate(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"DeepL-Auth-Key {self.api_key}":
            return web.json_response({"message": "Authorization failure, check auth_key"}, status=403)
        body = await request.json()
        target = self._TARGETS.get(str(body.get("target_lang", "")).upper())
        texts = body.get("text")
        if target is None or not isinstance(texts, list):
            return web.json_response({"message": "Value for 'target_lang' not supported."}, status=400)
        detected = "EN" if target != "en" else "ZH"
        return web.json_response({"translations": [
            {"detected_source_language": detected, "text": self.dictionary.translate(text, target)} for text in texts
        ]})


class FakeLibreTranslate(FakeProviderServer):
    """``POST /translate`` JSON {q, source, target, format, api_key}; knows only ``zh`` (no Traditional).

    Refusals as in LibreTranslate's ``libretranslate/app.py`` (``access_check`` and the error
    handlers, all ``jsonify({"error": ...})``): 403 "Invalid API key" for an unknown key; with
    ``--require-api-key-origin``/``--require-api-key-secret`` and ``--get-api-key-link``, 400 "Visit
    <link> to get an API key" for a request without one (libretranslate.com answers so); 403 "Too many
    request limits violations" once the flood guard has banned the address; 429 "Slowdown: <limit>".
    """

    provider = "libretranslate"
    _TARGETS = {"en": "en", "zh": "zh-Hans"}
    API_KEY_LINK = "https://portal.libretranslate.com"

    def __init__(self, dictionary: FakeDictionary | None = None, *, api_key: str | None = None,
                 require_api_key: bool = False) -> None:
        super().__init__(dictionary)
        self.api_key = api_key
        self.require_api_key = require_api_key

    def env(self) -> dict[str, str]:
        env = {"LIBRETRANSLATE_URL": self.url}
        if self.api_key:
            env["LIBRETRANSLATE_API_KEY"] = self.api_key
        return env

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/translate", self._translate)

    def rate_limited(self, retry_after: int | None = 7) -> Fault:
        # flask-limiter's 429, through LibreTranslate's slow_down_error handler ("Slowdown: " + description).
        return Fault(429, {"error": "Slowdown: 30 per 1 minute"},
                     {"Retry-After": str(retry_after)} if retry_after else {})

    def quota_exceeded(self) -> Fault:  # no quota of its own: the per-day limit answers like the per-minute one
        return Fault(429, {"error": "Slowdown: 1000 per 1 day"})

    @staticmethod
    def banned() -> Fault:
        return Fault(403, {"error": "Too many request limits violations"})

    async def _translate(self, request: web.Request) -> web.Response:
        body = await request.json()
        key = body.get("api_key")
        if key and key != self.api_key:
            return web.json_response({"error": "Invalid API key"}, status=403)
        if self.require_api_key and not key:
            return web.json_response({"error": f"Visit {self.API_KEY_LINK} to get an API key"}, status=400)
        target = self._TARGETS.get(body.get("target", ""))
        if target is None or body.get("source") not in ("auto", "en", "zh"):
            bad = body.get("target") if target is None else body.get("source")
            return web.json_response({"error": f"{bad} is not supported"}, status=400)
        query = body.get("q")
        if isinstance(query, list):
            return web.json_response({"translatedText": [self.dictionary.translate(text, target) for text in query]})
        return web.json_response({"translatedText": self.dictionary.translate(str(query), target)})


class FakeMicrosoft(FakeProviderServer):
    """``POST /translate?api-version=3.0&to=`` with Ocp-Apim-Subscription-Key / -Region headers."""

    provider = "microsoft"
    _TARGETS = {"en": "en", "zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant"}

    def __init__(self, dictionary: FakeDictionary | None = None, *, api_key: str = "fake-ms-key",
                 region: str | None = "eastasia") -> None:
        super().__init__(dictionary)
        self.api_key = api_key
        self.region = region

    def env(self) -> dict[str, str]:
        env = {"MICROSOFT_TRANSLATOR_KEY": self.api_key, "MICROSOFT_TRANSLATOR_URL": self.url}
        if self.region:
            env["MICROSOFT_TRANSLATOR_REGION"] = self.region
        return env

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/translate", self._translate)

    def quota_exceeded(self) -> Fault:
        return Fault(403, {"error": {"code": 403001, "message": "The operation is not allowed because the subscription has exceeded its free quota."}})

    async def _translate(self, request: web.Request) -> web.Response:
        if request.headers.get("Ocp-Apim-Subscription-Key") != self.api_key or (
            self.region and request.headers.get("Ocp-Apim-Subscription-Region") != self.region
        ):
            return web.json_response({"error": {"code": 401000, "message": "The request is not authorized because credentials are missing or invalid."}}, status=401)
        if request.query.get("api-version") != "3.0":
            return web.json_response({"error": {"code": 400021, "message": "The API version parameter is missing or invalid."}}, status=400)
        target = self._TARGETS.get(request.query.get("to", ""))
        if target is None:
            return web.json_response({"error": {"code": 400036, "message": "The target language is not valid."}}, status=400)
        items = await request.json()
        return web.json_response([
            {"detectedLanguage": {"language": "en", "score": 1.0},
             "translations": [{"text": self.dictionary.translate(item["Text"], target), "to": request.query["to"]}]}
            for item in items
        ])


class FakeBaidu(FakeProviderServer):
    """``POST /api/trans/vip/translate`` (form, sign = md5(appid+q+salt+key)); errors as HTTP 200.

    Like the standard tier it allows ``qps`` requests per second per app id and answers faster
    callers ``{"error_code":"54003","error_msg":"Invalid Access Limit"}`` (the error list at
    https://fanyi-api.baidu.com/doc/21; standard tier: QPS 1, 1,000 characters per request).
    """

    provider = "baidu"
    _TARGETS = {"en": "en", "zh": "zh-Hans", "cht": "zh-Hant"}

    def __init__(self, dictionary: FakeDictionary | None = None, *, app_id: str = "20240001",
                 secret_key: str = "fake-baidu-secret", qps: float | None = 1.0) -> None:
        super().__init__(dictionary)
        self.app_id = app_id
        self.secret_key = secret_key
        self.qps = qps
        self._last_accepted: float | None = None

    def env(self) -> dict[str, str]:
        return {"BAIDU_APP_ID": self.app_id, "BAIDU_SECRET_KEY": self.secret_key, "BAIDU_API_URL": self.url}

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/trans/vip/translate", self._translate)

    @staticmethod
    def error(code: str, message: str) -> Fault:
        return Fault(200, {"error_code": code, "error_msg": message})

    def quota_exceeded(self) -> Fault:
        return self.error("54004", "Please recharge")

    def rate_limited(self, retry_after: int | None = None) -> Fault:
        return self.error("54003", "Invalid Access Limit")

    async def _translate(self, request: web.Request) -> web.Response:
        form = await request.post()
        query, salt = str(form.get("q", "")), str(form.get("salt", ""))
        now = asyncio.get_running_loop().time()
        if self.qps is not None and self._last_accepted is not None and now - self._last_accepted < 0.9 / self.qps:
            return web.json_response({"error_code": "54003", "error_msg": "Invalid Access Limit"})
        self._last_accepted = now
        if form.get("appid") != self.app_id:
            return web.json_response({"error_code": "52003", "error_msg": "UNAUTHORIZED USER"})
        expected = hashlib.md5(f"{self.app_id}{query}{salt}{self.secret_key}".encode()).hexdigest()
        if form.get("sign") != expected:
            return web.json_response({"error_code": "54001", "error_msg": "Invalid Sign"})
        target = self._TARGETS.get(str(form.get("to", "")))
        if target is None:
            return web.json_response({"error_code": "58001", "error_msg": "INVALID_TO_PARAM"})
        lines = [line for line in query.split("\n") if line.strip()]
        return web.json_response({
            "from": form.get("from"), "to": form.get("to"),
            "trans_result": [{"src": line, "dst": self.dictionary.translate(line, target)} for line in lines],
        })


class FakeMyMemory(FakeProviderServer):
    """``GET /get?q=&langpair=en-US|zh-CN``; length and language warnings come back as HTTP 200.

    ``translatedText`` is HTML-escaped as the real service does (``don&#39;t``). The exhausted daily
    quota is HTTP 429 with the warning as the translation, in ``responseDetails`` and with
    ``responseStatus`` 429 (the shape other clients' tests quote; the warning text as users report it,
    terryyin/translate-python#57 and terryyin/translate-python#84).
    """

    provider = "mymemory"
    _TARGETS = {"en": "en", "en-US": "en", "en-GB": "en", "zh-CN": "zh-Hans", "zh-TW": "zh-Hant"}
    QUOTA_WARNING = (
        "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT AVAILABLE IN  "
        "14 HOURS 05 MINUTES 21 SECONDS VISIT HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGELIMITS.PHP TO TRANSLATE MORE"
    )
    QUOTA_SECONDS = 14 * 3600 + 5 * 60 + 21

    def env(self) -> dict[str, str]:
        return {"MYMEMORY_URL": self.url, "MYMEMORY_EMAIL": "bridge-admin@example.org"}

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/get", self._translate)

    def quota_exceeded(self) -> Fault:
        return Fault(429, {"responseData": {"translatedText": self.QUOTA_WARNING}, "quotaFinished": True,
                           "mtLangSupported": None, "responseDetails": self.QUOTA_WARNING, "responseStatus": 429,
                           "responderId": None, "exception_code": None, "matches": ""})

    def quota_warning_as_translation(self) -> Fault:
        # Seen in the wild as well: HTTP 200, and nothing but the text says the quota is gone.
        return Fault(200, {"responseData": {"translatedText": self.QUOTA_WARNING, "match": 1},
                           "quotaFinished": False, "responseDetails": "", "responseStatus": 200})

    async def _translate(self, request: web.Request) -> web.Response:
        query = request.query.get("q", "")
        if len(query.encode()) > 500:
            return web.json_response({"responseData": {"translatedText": "QUERY LENGTH LIMIT EXCEEDED. MAX ALLOWED QUERY : 500 CHARS"},
                                      "responseDetails": "QUERY LENGTH LIMIT EXCEEDED", "responseStatus": 403})
        _, _, target_code = request.query.get("langpair", "").partition("|")
        target = self._TARGETS.get(target_code)
        if target is None:
            return web.json_response({"responseData": {"translatedText": "INVALID TARGET LANGUAGE"},
                                      "responseDetails": "INVALID TARGET LANGUAGE", "responseStatus": 403})
        translated = html.escape(self.dictionary.translate(query, target)).replace("&#x27;", "&#39;")
        return web.json_response({
            "responseData": {"translatedText": translated, "match": 0.99},
            "quotaFinished": False, "mtLangSupported": None, "responseDetails": "", "responseStatus": 200,
            "matches": [],
        })


class FakeOpenAI(FakeProviderServer):
    """``POST /chat/completions`` with ``Authorization: Bearer``; reads the target from the system prompt."""

    provider = "openai"

    # OpenAI's answer to a temperature a reasoning model does not support (o1, o3, gpt-5…).
    TEMPERATURE_REFUSED = {"error": {
        "message": "Unsupported value: 'temperature' does not support 0 with this model. "
                   "Only the default (1) value is supported.",
        "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value",
    }}

    def __init__(self, dictionary: FakeDictionary | None = None, *, api_key: str = "sk-fake-openai",
                 model: str = "fake-translator-1", default_temperature_only: bool = False) -> None:
        super().__init__(dictionary)
        self.api_key = api_key
        self.model = model
        self.default_temperature_only = default_temperature_only

    def env(self) -> dict[str, str]:
        return {"OPENAI_BASE_URL": self.url + "/v1", "OPENAI_API_KEY": self.api_key, "OPENAI_MODEL": self.model}

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._complete)

    def quota_exceeded(self) -> Fault:
        return Fault(429, {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota",
                                     "code": "insufficient_quota"}})

    async def _complete(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.json_response({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                                "code": "invalid_api_key"}}, status=401)
        body = await request.json()
        if body.get("model") != self.model:
            return web.json_response({"error": {
                "message": f"The model `{body.get('model')}` does not exist or you do not have access to it.",
                "type": "invalid_request_error", "param": None, "code": "model_not_found"}}, status=404)
        if self.default_temperature_only and body.get("temperature", 1) != 1:
            refused = json.loads(json.dumps(self.TEMPERATURE_REFUSED))
            refused["error"]["message"] = refused["error"]["message"].replace(" 0 ", f" {body['temperature']} ")
            return web.json_response(refused, status=400)
        system, user = body["messages"][0]["content"], body["messages"][-1]["content"]
        instruction = system.split("\n", 2)[1]  # "Translate from X into Y."
        if "into Traditional Chinese" in instruction:
            target = "zh-Hant"
        elif "into Simplified Chinese" in instruction or "into Chinese" in instruction:
            target = "zh-Hans"
        else:
            target = "en"
        if "JSON array" in system:
            content = json.dumps([self.dictionary.translate(text, target) for text in json.loads(user)], ensure_ascii=False)
        else:
            content = self.dictionary.translate(user, target)
        return web.json_response({
            "id": "chatcmpl-fake", "object": "chat.completion", "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        })


class FakeTencent(FakeProviderServer):
    """Tencent Machine Translation, ``POST /`` with ``X-TC-Action: TextTranslate`` (API 3.0, version 2018-03-21).

    Checks the TC3-HMAC-SHA256 ``Authorization`` header the way Tencent documents it ("Signature v3":
    canonical request -> string to sign -> HMAC chain from "TC3" + SecretKey over date, service and
    "tc3_request"), the timestamp (within 5 minutes), the 2,000-character text limit and 5 requests per
    second. Errors are HTTP 200 with ``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}``;
    codes from the TMT SDK (tencentcloud/tmt/v20180321/errorcodes.py) and Tencent's common error codes.
    """

    provider = "tencent"
    _SOURCES = {"auto", "en", "zh", "zh-TW"}
    _TARGETS = {"en": "en", "zh": "zh-Hans", "zh-TW": "zh-Hant"}
    MAX_CHARS = 2000

    def __init__(self, dictionary: FakeDictionary | None = None, *, secret_id: str = "AKIDfakeTencentSecretId0001",
                 secret_key: str = "fakeTencentSecretKey0001", region: str = "ap-guangzhou",
                 per_second: float | None = 5.0) -> None:
        super().__init__(dictionary)
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.region = region
        self.per_second = per_second
        self._recent: deque[float] = deque()
        self._request_ids = 0

    def env(self) -> dict[str, str]:
        return {"TENCENT_SECRET_ID": self.secret_id, "TENCENT_SECRET_KEY": self.secret_key,
                "TENCENT_REGION": self.region, "TENCENT_TMT_URL": self.url}

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/", self._translate)

    def error(self, code: str, message: str) -> Fault:
        return Fault(200, self._error_body(code, message))

    def quota_exceeded(self) -> Fault:
        return self.error("FailedOperation.NoFreeAmount",
                          "本月免费额度已用完，如需继续使用您可以在机器翻译控制台升级为付费使用。")

    def suspended(self) -> Fault:
        return self.error("FailedOperation.ServiceIsolate", "账号因为欠费停止服务，请在腾讯云账户充值。")

    def rate_limited(self, retry_after: int | None = None) -> Fault:
        return self.error("LimitExceeded.LimitedAccessFrequency", "超出请求频率。")

    def _error_body(self, code: str, message: str) -> dict[str, Any]:
        self._request_ids += 1
        return {"Response": {"Error": {"Code": code, "Message": message},
                             "RequestId": f"6e0d1c5a-0000-4000-8000-{self._request_ids:012d}"}}

    def _expected_signature(self, request: web.Request, body: bytes, timestamp: int) -> str:
        date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        canonical = (f"POST\n/\n\ncontent-type:{request.headers.get('Content-Type', '')}\n"
                     f"host:{request.headers.get('Host', '')}\n\ncontent-type;host\n{hashlib.sha256(body).hexdigest()}")
        to_sign = (f"TC3-HMAC-SHA256\n{timestamp}\n{date}/tmt/tc3_request\n"
                   f"{hashlib.sha256(canonical.encode()).hexdigest()}")
        key = ("TC3" + self.secret_key).encode()
        for part in (date, "tmt", "tc3_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()

    async def _translate(self, request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get("X-TC-Action") != "TextTranslate" or request.headers.get("X-TC-Version") != "2018-03-21":
            return web.json_response(self._error_body(
                "InvalidAction", "The action requested is invalid for this service."))
        try:
            timestamp = int(request.headers.get("X-TC-Timestamp", ""))
        except ValueError:
            return web.json_response(self._error_body("MissingParameter", "The request is missing a required parameter `X-TC-Timestamp`."))
        authorization = request.headers.get("Authorization", "")
        credential = authorization.partition("Credential=")[2].partition("/")[0]
        if credential != self.secret_id:
            return web.json_response(self._error_body(
                "AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct."))
        if abs(time.time() - timestamp) > 300:
            return web.json_response(self._error_body(
                "AuthFailure.SignatureExpire",
                f"Signature expired. Timestamp: {timestamp}, current server time: {int(time.time())}."))
        signature = authorization.partition("Signature=")[2]
        if not hmac.compare_digest(signature, self._expected_signature(request, body, timestamp)):
            return web.json_response(self._error_body(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct."))
        if self.per_second is not None:
            now = asyncio.get_running_loop().time()
            while self._recent and now - self._recent[0] >= 0.95:  # a second, less a little jitter
                self._recent.popleft()
            if len(self._recent) >= self.per_second:
                return web.json_response(self._error_body("LimitExceeded.LimitedAccessFrequency", "超出请求频率。"))
            self._recent.append(now)
        payload = json.loads(body)
        text, source, target = payload.get("SourceText", ""), payload.get("Source"), self._TARGETS.get(payload.get("Target", ""))
        if source not in self._SOURCES or target is None:
            return web.json_response(self._error_body(
                "UnsupportedOperation.UnsupportedLanguage", "不支持的语言，请参照语言列表。"))
        if len(text) > self.MAX_CHARS:
            return web.json_response(self._error_body("UnsupportedOperation.TextTooLong", "单次请求text超过长度限制。"))
        self._request_ids += 1
        return web.json_response({"Response": {
            "TargetText": self.dictionary.translate(text, target), "Source": "en" if target != "en" else "zh",
            "Target": payload["Target"], "RequestId": f"6e0d1c5a-0000-4000-8000-{self._request_ids:012d}",
        }})


FAKE_SERVERS: dict[str, type[FakeProviderServer]] = {
    cls.provider: cls
    for cls in (FakeGoogle, FakeDeepL, FakeLibreTranslate, FakeMicrosoft, FakeBaidu, FakeTencent, FakeMyMemory,
                FakeOpenAI)
}


def translator_env(*servers: FakeProviderServer, **extra: str) -> dict[str, str]:
    """Environment for TranslationSettings.from_env with TRANSLATOR in the order given."""
    env = {"TRANSLATOR": ",".join(server.provider for server in servers)}
    for server in servers:
        env.update(server.env())
    env.update(extra)
    return env
