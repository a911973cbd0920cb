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
import html
import json
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import opencc
from aiohttp import web

_s2twp = opencc.OpenCC("s2twp")
_t2s = opencc.OpenCC("t2s")

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
            simplified = _t2s.convert(chinese)
            self.en_to_zh.setdefault(english, simplified)
            self.zh_to_en.setdefault(simplified, english)

    def translate(self, text: str, target: str) -> str:
        """``target``: "en", "zh-Hans" or "zh-Hant" (the fake converts provider codes first)."""
        if target == "en":
            return self.zh_to_en.get(_t2s.convert(text), f"[en] {text}")
        simplified = self.en_to_zh.get(text, f"〔译〕{text}")
        return _s2twp.convert(simplified) if target == "zh-Hant" else simplified


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

    # --- lifecycle ---
    async def start(self) -> Self:
        app = web.Application(middlewares=[self._middleware])
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
            request.method, request.path, dict(request.query), dict(request.headers), await request.read()
        ))
        fault = self._faults.popleft() if self._faults else self._always
        delay = self.delay + (fault.delay if fault else 0.0)
        if delay:
            await asyncio.sleep(delay)
        if fault is not None:
            return fault.response()
        return await handler(request)


class FakeGoogle(FakeProviderServer):
    """``GET /m?sl=&tl=&q=`` -> HTML with ``<div class="result-container">``."""

    provider = "google"
    _TARGETS = {"en": "en", "zh-CN": "zh-Hans", "zh-TW": "zh-Hant"}

    def env(self) -> dict[str, str]:
        return {"GOOGLE_TRANSLATE_URL": self.url}

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/m", self._translate)

    def quota_exceeded(self) -> Fault:  # Google's "unusual traffic" page
        return Fault(429, "<html><body>Our systems have detected unusual traffic</body></html>", content_type="text/html")

    async def _translate(self, request: web.Request) -> web.Response:
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
    """``POST /translate`` JSON {q, source, target, format, api_key}; knows only ``zh`` (no Traditional)."""

    provider = "libretranslate"
    _TARGETS = {"en": "en", "zh": "zh-Hans"}

    def __init__(self, dictionary: FakeDictionary | None = None, *, api_key: str | None = None) -> None:
        super().__init__(dictionary)
        self.api_key = api_key

    def env(self) -> dict[str, str]:
        env = {"LIBRETRANSLATE_URL": self.url}
        if self.api_key:
            env["LIBRETRANSLATE_API_KEY"] = self.api_key
        return env

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/translate", self._translate)

    def quota_exceeded(self) -> Fault:
        return Fault(429, {"error": "Too many request limits violations"})

    async def _translate(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.api_key and body.get("api_key") != self.api_key:
            return web.json_response({"error": "Invalid API key"}, status=403)
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
    """``POST /api/trans/vip/translate`` (form, sign = md5(appid+q+salt+key)); errors as HTTP 200."""

    provider = "baidu"
    _TARGETS = {"en": "en", "zh": "zh-Hans", "cht": "zh-Hant"}

    def __init__(self, dictionary: FakeDictionary | None = None, *, app_id: str = "20240001",
                 secret_key: str = "fake-baidu-secret") -> None:
        super().__init__(dictionary)
        self.app_id = app_id
        self.secret_key = secret_key

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
    """``GET /get?q=&langpair=en-US|zh-CN``; quota and length warnings come back as HTTP 200."""

    provider = "mymemory"
    _TARGETS = {"en": "en", "en-US": "en", "en-GB": "en", "zh-CN": "zh-Hans", "zh-TW": "zh-Hant"}
    QUOTA_WARNING = (
        "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT AVAILABLE IN  "
        "10 HOURS 20 MINUTES 11 SECONDS VISIT HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGELIMITS.PHP TO TRANSLATE MORE"
    )

    def env(self) -> dict[str, str]:
        return {"MYMEMORY_URL": self.url, "MYMEMORY_EMAIL": "bridge-admin@example.org"}

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/get", self._translate)

    def quota_exceeded(self) -> Fault:
        # The worst case seen in the wild: nothing but the text says the quota is gone.
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
        return web.json_response({
            "responseData": {"translatedText": self.dictionary.translate(query, target), "match": 0.99},
            "quotaFinished": False, "mtLangSupported": None, "responseDetails": "", "responseStatus": 200,
            "matches": [],
        })


class FakeOpenAI(FakeProviderServer):
    """``POST /chat/completions`` with ``Authorization: Bearer``; reads the target from the system prompt."""

    provider = "openai"

    def __init__(self, dictionary: FakeDictionary | None = None, *, api_key: str = "sk-fake-openai",
                 model: str = "fake-translator-1") -> None:
        super().__init__(dictionary)
        self.api_key = api_key
        self.model = model

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
            return web.json_response({"error": {"message": "The model does not exist", "code": "model_not_found"}}, status=404)
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


FAKE_SERVERS: dict[str, type[FakeProviderServer]] = {
    cls.provider: cls
    for cls in (FakeGoogle, FakeDeepL, FakeLibreTranslate, FakeMicrosoft, FakeBaidu, FakeMyMemory, FakeOpenAI)
}


def translator_env(*servers: FakeProviderServer, **extra: str) -> dict[str, str]:
    """Environment for TranslationSettings.from_env with TRANSLATOR in the order given."""
    env = {"TRANSLATOR": ",".join(server.provider for server in servers)}
    for server in servers:
        env.update(server.env())
    env.update(extra)
    return env
