"""An OpenAI-compatible chat model: ``POST {base}/chat/completions``.

Works with api.openai.com and with local servers speaking the same API (llama.cpp, vLLM,
Ollama's /v1). Several texts go in one request as a JSON array and must come back as one.
"""

from __future__ import annotations

import json

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
    status_kinds = {404: FailureKind.AUTH}  # unknown model or wrong base URL: a configuration error

    def __init__(self, session, *, timeout: float, base_url: str, api_key: str | None, model: str) -> None:
        super().__init__(session, timeout=timeout)
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._model = model

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
        body = {
            "model": self._model,
            "temperature": 0,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        }
        reply = await self._request("POST", self._url, json=body, headers=self._headers)
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
            raise


def _strip_code_fence(answer: str) -> str:
    text = answer.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text.strip()
