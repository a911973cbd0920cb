"""Google Translate's free mobile page (no key): ``GET {base}/m?sl=&tl=&q=`` returning HTML.

It is an unofficial endpoint with no contract, kept as the zero-configuration default; put a
keyed provider first in TRANSLATOR for a server that depends on the bridge.
"""

from __future__ import annotations

from html.parser import HTMLParser

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import (
    FailureKind,
    HttpProvider,
    ProviderError,
    ProviderInfo,
    gather_all,
    malformed,
)

_CODES = {"auto": "auto", "en": "en", "zh": "zh-CN", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}
_MAX_CHARS = 5000
_RESULT_CLASSES = frozenset({"result-container", "t0"})


class GoogleProvider(HttpProvider):
    name = "google"
    info = ProviderInfo("Google Translate (free endpoint)", "GOOGLE_TRANSLATE_URL")

    def __init__(self, session, *, timeout: float, base_url: str) -> None:
        super().__init__(session, timeout=timeout)
        self._url = base_url.rstrip("/") + "/m"

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        # The page translates one text per request.
        return await gather_all(self._translate_one(text, source, target) for text in texts)

    async def _translate_one(self, text: str, source: SourceLang, target: TargetLang) -> str:
        if len(text) >= _MAX_CHARS:
            raise ProviderError(FailureKind.REJECTED, f"text of {len(text)} characters exceeds the {_MAX_CHARS} limit")
        reply = await self._request(
            "GET", self._url, params={"sl": _CODES[source], "tl": _CODES[target], "q": text}
        )
        result = extract_result(reply.text)
        if result is None:
            raise malformed(reply, "a result-container element")
        return result


def extract_result(html: str) -> str | None:
    parser = _ResultParser()
    parser.feed(html)
    parser.close()
    return parser.result


class _ResultParser(HTMLParser):
    """Collects the text of the first ``div.result-container`` (older pages: ``div.t0``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._depth = 0  # >0 while inside the result div (counts nested divs)
        self._parts: list[str] = []
        self.result: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.result is not None:
            return
        if self._depth:
            if tag == "div":
                self._depth += 1
            elif tag == "br":
                self._parts.append("\n")
            return
        if tag == "div":
            classes = set((dict(attrs).get("class") or "").split())
            if classes & _RESULT_CLASSES:
                self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "div":
            self._depth -= 1
            if not self._depth:
                self.result = "".join(self._parts)

    def handle_data(self, data: str) -> None:
        if self._depth and self.result is None:
            self._parts.append(data)
