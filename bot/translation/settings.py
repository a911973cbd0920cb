"""Translation settings read from the environment, validated once at startup."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from bot.errors import ConfigError


class Secret:
    """A credential that prints as ``'***'`` in repr, str, f-strings and logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


PROVIDER_NAMES: Final[tuple[str, ...]] = (
    "google", "deepl", "libretranslate", "microsoft", "baidu", "tencent", "mymemory", "openai",
)

DEFAULT_OPENAI_URL = "https://api.openai.com/v1"

# (name, description, default) for every variable, for .env.example and `doctor`.
TRANSLATION_ENV_VARS: Final[tuple[tuple[str, str, str], ...]] = (
    ("TRANSLATOR", "Ordered, comma-separated providers to try: " + ", ".join(PROVIDER_NAMES), "google"),
    ("TRANSLATION_TIMEOUT", "Seconds one request to a provider may take before the next provider is tried (more for long texts with openai)", "8"),
    ("TRANSLATION_CACHE_SIZE", "Translations kept in memory (0 disables the in-memory cache)", "5000"),
    ("GOOGLE_TRANSLATE_URL", "Base URL of Google's free translate page", "https://translate.google.com"),
    ("DEEPL_API_KEY", "DeepL API key (free keys end in ':fx')", ""),
    ("DEEPL_API_URL", "DeepL API base URL (default: api-free.deepl.com for ':fx' keys, else api.deepl.com)", ""),
    ("LIBRETRANSLATE_URL", "Base URL of your LibreTranslate server, e.g. http://localhost:5000", ""),
    ("LIBRETRANSLATE_API_KEY", "LibreTranslate API key, if your server requires one", ""),
    ("MICROSOFT_TRANSLATOR_KEY", "Microsoft Translator (Azure AI Translator) subscription key", ""),
    ("MICROSOFT_TRANSLATOR_REGION", "Azure region of the Translator resource (needed unless it is global)", ""),
    ("MICROSOFT_TRANSLATOR_URL", "Microsoft Translator base URL", "https://api.cognitive.microsofttranslator.com"),
    ("BAIDU_APP_ID", "Baidu Translate APP ID", ""),
    ("BAIDU_SECRET_KEY", "Baidu Translate secret key", ""),
    ("BAIDU_API_URL", "Baidu Translate base URL", "https://fanyi-api.baidu.com"),
    ("TENCENT_SECRET_ID", "Tencent Cloud API SecretId (CAM console, API keys) for Machine Translation", ""),
    ("TENCENT_SECRET_KEY", "Tencent Cloud API SecretKey belonging to TENCENT_SECRET_ID", ""),
    ("TENCENT_REGION", "Tencent Cloud region for Machine Translation, e.g. ap-guangzhou, ap-shanghai, ap-singapore", "ap-guangzhou"),
    ("TENCENT_TMT_URL", "Tencent Machine Translation API base URL", "https://tmt.tencentcloudapi.com"),
    ("MYMEMORY_EMAIL", "Contact e-mail sent to MyMemory (raises the free daily quota)", ""),
    ("MYMEMORY_URL", "MyMemory base URL", "https://api.mymemory.translated.net"),
    ("OPENAI_BASE_URL", "Base URL of an OpenAI-compatible API (a local server works)", DEFAULT_OPENAI_URL),
    ("OPENAI_API_KEY", "API key for OPENAI_BASE_URL (optional for a local server)", ""),
    ("OPENAI_MODEL", "Chat model used for translation", "gpt-4o-mini"),
)
_DEFAULTS = {name: default for name, _, default in TRANSLATION_ENV_VARS}


@dataclass(frozen=True)
class TranslationSettings:
    chain: tuple[str, ...] = ("google",)
    timeout: float = 8.0
    cache_size: int = 5000
    google_url: str = _DEFAULTS["GOOGLE_TRANSLATE_URL"]
    deepl_api_key: Secret | None = field(default=None, repr=False)
    deepl_api_url: str = "https://api-free.deepl.com"
    libretranslate_url: str | None = None
    libretranslate_api_key: Secret | None = field(default=None, repr=False)
    microsoft_key: Secret | None = field(default=None, repr=False)
    microsoft_region: str | None = None
    microsoft_url: str = _DEFAULTS["MICROSOFT_TRANSLATOR_URL"]
    baidu_app_id: str | None = None
    baidu_secret_key: Secret | None = field(default=None, repr=False)
    baidu_api_url: str = _DEFAULTS["BAIDU_API_URL"]
    tencent_secret_id: Secret | None = field(default=None, repr=False)
    tencent_secret_key: Secret | None = field(default=None, repr=False)
    tencent_region: str = _DEFAULTS["TENCENT_REGION"]
    tencent_url: str = _DEFAULTS["TENCENT_TMT_URL"]
    mymemory_email: str | None = field(default=None, repr=False)
    mymemory_url: str = _DEFAULTS["MYMEMORY_URL"]
    openai_base_url: str = DEFAULT_OPENAI_URL
    openai_api_key: Secret | None = field(default=None, repr=False)
    openai_model: str = _DEFAULTS["OPENAI_MODEL"]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TranslationSettings:
        problems: list[str] = []

        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        def secret(name: str) -> Secret | None:
            value = get(name)
            return Secret(value) if value else None

        def url(name: str, default: str | None = None) -> str | None:
            value = get(name) or default
            if value is None:
                return None
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                problems.append(f"{name} must be an http(s) URL such as https://example.com, not {value!r}.")
            return value.rstrip("/")

        chain = tuple(name.strip().lower() for name in (get("TRANSLATOR") or "google").split(",") if name.strip())
        if not chain:
            problems.append("TRANSLATOR lists no provider; use e.g. TRANSLATOR=google.")
        for name in chain:
            if name not in PROVIDER_NAMES:
                problems.append(f"TRANSLATOR names unknown provider {name!r}; choose from {', '.join(PROVIDER_NAMES)}.")
        duplicates = sorted({name for name in chain if chain.count(name) > 1})
        if duplicates:
            problems.append(f"TRANSLATOR lists {', '.join(duplicates)} more than once; list each provider once.")

        timeout = _number("TRANSLATION_TIMEOUT", get("TRANSLATION_TIMEOUT") or "8", float, problems)
        if timeout is not None and not (0 < timeout <= 120):
            problems.append(f"TRANSLATION_TIMEOUT must be between 0 and 120 seconds, not {timeout:g}.")
        cache_size = _number("TRANSLATION_CACHE_SIZE", get("TRANSLATION_CACHE_SIZE") or "5000", int, problems)
        if cache_size is not None and cache_size < 0:
            problems.append("TRANSLATION_CACHE_SIZE must be 0 or more.")

        deepl_key = secret("DEEPL_API_KEY")
        deepl_default = (
            "https://api-free.deepl.com" if deepl_key is None or deepl_key.reveal().endswith(":fx") else "https://api.deepl.com"
        )
        openai_url = url("OPENAI_BASE_URL", DEFAULT_OPENAI_URL)
        settings = cls(
            chain=chain,
            timeout=timeout or 8.0,
            cache_size=cache_size if cache_size is not None else 5000,
            google_url=url("GOOGLE_TRANSLATE_URL", _DEFAULTS["GOOGLE_TRANSLATE_URL"]),
            deepl_api_key=deepl_key,
            deepl_api_url=url("DEEPL_API_URL", deepl_default),
            libretranslate_url=url("LIBRETRANSLATE_URL"),
            libretranslate_api_key=secret("LIBRETRANSLATE_API_KEY"),
            microsoft_key=secret("MICROSOFT_TRANSLATOR_KEY"),
            microsoft_region=get("MICROSOFT_TRANSLATOR_REGION") or None,
            microsoft_url=url("MICROSOFT_TRANSLATOR_URL", _DEFAULTS["MICROSOFT_TRANSLATOR_URL"]),
            baidu_app_id=get("BAIDU_APP_ID") or None,
            baidu_secret_key=secret("BAIDU_SECRET_KEY"),
            baidu_api_url=url("BAIDU_API_URL", _DEFAULTS["BAIDU_API_URL"]),
            tencent_secret_id=secret("TENCENT_SECRET_ID"),
            tencent_secret_key=secret("TENCENT_SECRET_KEY"),
            tencent_region=get("TENCENT_REGION") or _DEFAULTS["TENCENT_REGION"],
            tencent_url=url("TENCENT_TMT_URL", _DEFAULTS["TENCENT_TMT_URL"]),
            mymemory_email=get("MYMEMORY_EMAIL") or None,
            mymemory_url=url("MYMEMORY_URL", _DEFAULTS["MYMEMORY_URL"]),
            openai_base_url=openai_url,
            openai_api_key=secret("OPENAI_API_KEY"),
            openai_model=get("OPENAI_MODEL") or _DEFAULTS["OPENAI_MODEL"],
        )
        problems.extend(settings._missing_credentials())
        if problems:
            raise ConfigError(problems)
        return settings

    def _missing_credentials(self) -> list[str]:
        needs = {
            "deepl": [("DEEPL_API_KEY", self.deepl_api_key)],
            "libretranslate": [("LIBRETRANSLATE_URL", self.libretranslate_url)],
            "microsoft": [("MICROSOFT_TRANSLATOR_KEY", self.microsoft_key)],
            "baidu": [("BAIDU_APP_ID", self.baidu_app_id), ("BAIDU_SECRET_KEY", self.baidu_secret_key)],
            "tencent": [("TENCENT_SECRET_ID", self.tencent_secret_id), ("TENCENT_SECRET_KEY", self.tencent_secret_key)],
        }
        if urlsplit(self.openai_base_url).hostname == "api.openai.com":
            needs["openai"] = [("OPENAI_API_KEY", self.openai_api_key)]
        return [
            f"TRANSLATOR includes {provider} but {variable} is not set; set it or remove {provider} from TRANSLATOR."
            for provider in self.chain
            for variable, value in needs.get(provider, [])
            if not value
        ]

    def secret_values(self) -> list[str]:
        """Every credential in clear, so messages can be scrubbed before they are shown or logged."""
        values = [self.deepl_api_key, self.libretranslate_api_key, self.microsoft_key, self.baidu_secret_key,
                  self.tencent_secret_id, self.tencent_secret_key, self.openai_api_key]
        return [value.reveal() for value in values if value is not None and value.reveal()]


def _number(name: str, raw: str, kind: type[int] | type[float], problems: list[str]) -> float | int | None:
    try:
        value = kind(raw)
    except ValueError:
        problems.append(f"{name} must be a {'whole ' if kind is int else ''}number, not {raw!r}.")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{name} must be a finite number, not {raw!r}.")
        return None
    return value
