"""An OpenAI-compatible chat model: ``POST {base}/chat/completions``.

Works with api.openai.com and with local servers speaking the same API (llama.cpp, vLLM,
Ollama's /v1). Several texts go in one request as a JSON array and must come back as one.

``temperature: 0`` is asked for (steady translations); models that accept only the default (o1,
o3, gpt-5…) refuse it with 400 ``unsupported_value`` on ``param: temperature``: the request is
sent again without it, and the model is remembered. A model writes a long text slowly, so the
request timeout grows with the text (TRANSLATION_TIMEOUT plus a second per 40 characters).
"""

from __future__ import annotations

import json
import logging

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

log = logging.getLogger(__name__)

# Characters of text a chat model is given per second of timeout, beyond TRANSLATION_TIMEOUT: its
# answer is about as long as the text, written at 30-100 tokens/s (1-4 characters per token).
CHARACTERS_PER_SECOND = 40

_LANGUAGE_NAMES = {
    "auto": "the source language (detect it)",
    "en": "English",
    "zh": "Chinese",
    "zh-Hans": "Simplified Chinese",
    "zh-Hant": "Traditional Chinese as written in Taiwan",
}

SYSTEM_PROMPT = """You translate chat messages in a Discord server shared by English and Mandarin speakers.
Translate from {source} into {target}.
- Translate faithfully and keep the tone: casual stays casual, rude stays rude, jokes stay jokes.
- Internet slang and pinyin abbreviations (yyds, xswl, u1s1, awsl, nb, 666, lol, ngl) must stay meaningful to the reader: render them with a natural equivalent, or keep them and add a short explanation in brackets.
- Leave placeholders, markup, emoji, mentions, URLs and code exactly as they are (for example ⟦0⟧, {{name}}, <@123>, **bold**, `code`).
- Output only the translation: no notes, no quotes, no preamble."""

_BATCH_INSTRUCTION = (
    "The user message is a JSON array of separate texts. Answer with a JSON array of the same length "
    "holding the translation of each text in order, and nothing else."
)


class OpenAIChatProvider(HttpProvider):
    name = "openai"
    info = ProviderInfo("OpenAI-compatible chat model", "OPENAI_BASE_URL", ("OPENAI_API_KEY", "OPENAI_MODEL"))
    status_kinds = {404: FailureKind.CONFIG}  # unknown model or wrong base URL: a configuration error

    def __init__(self, session, *, timeout: float, base_url: str, api_key: str | None, model: str, limits=None) -> None:
        super().__init__(session, timeout=timeout, limits=limits)
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._model = model
        self.default_temperature_only: set[str] = set()  # models that refused a temperature

    def request_timeout(self, characters: int) -> float:
        """Seconds one completion translating ``characters`` of text may take (the answer is about as long)."""
        return self._timeout_seconds + characters / CHARACTERS_PER_SECOND

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        system = SYSTEM_PROMPT.format(source=_LANGUAGE_NAMES[source], target=_LANGUAGE_NAMES[target])
        if len(texts) == 1:
            return [await self._complete(system, texts[0])]
        answer = await self._complete(f"{system}\n{_BATCH_INSTRUCTION}", json.dumps(texts, ensure_ascii=False))
        try:
            translated = json.loads(_strip_code_fence(answer))
        except ValueError as error:
            raise ProviderError(FailureKind.MALFORMED, "answered a batch with something that is not a JSON array") from error
        if not isinstance(translated, list):
            raise ProviderError(FailureKind.MALFORMED, "answered a batch with JSON that is not an array")
        return expect_count([str(item) for item in translated], texts)

    async def _complete(self, system: str, user: str) -> str:
        body: dict[str, object] = {
            "model": self._model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        }
        timeout = self.request_timeout(len(user))
        if self._model not in self.default_temperature_only:
            try:
                reply = await self._request("POST", self._url, json={**body, "temperature": 0},
                                            headers=self._headers, timeout=timeout)
            except TemperatureRefused:
                log.info("model %s accepts only the default temperature; asking it without one from now on", self._model)
                self.default_temperature_only.add(self._model)
                reply = await self._request("POST", self._url, json=body, headers=self._headers, timeout=timeout)
        else:
            reply = await self._request("POST", self._url, json=body, headers=self._headers, timeout=timeout)
        data = reply.json()
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as error:
            raise malformed(reply, "choices[0].message.content") from error
        if not isinstance(content, str):
            raise malformed(reply, "a text message content")
        return content.strip()

    def _raise_for_status(self, reply: HttpReply) -> None:
        try:
            super()._raise_for_status(reply)
        except ProviderError as error:
            # OpenAI uses 429 both for rate limits and for an exhausted balance.
            if reply.status == 429 and "insufficient_quota" in reply.text:
                error.kind = FailureKind.QUOTA
            elif reply.status == 400:
                details = _error_details(reply)
                if details.get("param") == "temperature" or (
                    details.get("code") == "unsupported_value" and "temperature" in str(details.get("message", ""))
                ):
                    raise TemperatureRefused(error.kind, error.message, status=400) from None
            raise


class TemperatureRefused(ProviderError):
    """400 from a model that accepts only its default temperature."""


def _error_details(reply: HttpReply) -> dict:
    try:
        data = reply.json()
    except ProviderError:
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


def _strip_code_fence(answer: str) -> str:
    text = answer.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text.strip()
