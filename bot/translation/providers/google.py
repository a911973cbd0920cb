"""Google Translate's free mobile page (no key): ``GET {base}/m?sl=&tl=&q=`` returning HTML.

It is an unofficial endpoint with no contract, kept as the zero-configuration default; put a
keyed provider first in TRANSLATOR for a server that depends on the bridge. As maintained clients
do, it is asked like a browser (a browser's User-Agent), with at most ~2 KB of URL-encoded text
per GET (a long text goes in pieces, joined again) and a few requests in flight at once.
"""

from __future__ import annotations

from html.parser import HTMLParser

from bot.translation.languages import SourceLang, TargetLang
from bot.translation.providers.base import HttpProvider, ProviderInfo, malformed, translate_in_pieces
from bot.translation.providers.limits import RequestLimits
from bot.translation.providers.splitting import split_text, url_encoded_size

_CODES = {"auto": "auto", "en": "en", "zh": "zh-CN", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}
# URL-encoded bytes of text per request: a Chinese character takes 9 (%E4%BD%A0), so a
# 2,000-character Chinese message would be an 18 KB URL, which Google refuses (400/413/414).
MAX_ENCODED_QUERY = 2000
_RESULT_CLASSES = frozenset({"result-container", "t0"})
# The free page answers plain HTTP clients with a "sorry"/consent page or an older layout; ask as a browser does.
BROWSER_HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    ),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}


class GoogleProvider(HttpProvider):
    name = "google"
    info = ProviderInfo("Google Translate (free endpoint)", "GOOGLE_TRANSLATE_URL")
    limits = RequestLimits(in_flight=3)

    def __init__(self, session, *, timeout: float, base_url: str, limits: RequestLimits | None = None) -> None:
        super().__init__(session, timeout=timeout, limits=limits)
        self._url = base_url.rstrip("/") + "/m"

    async def translate(self, texts: list[str], source: SourceLang, target: TargetLang) -> list[str]:
        # The page translates one text per request; a long text goes in pieces.
        return await translate_in_pieces(
            texts, lambda text: split_text(text, MAX_ENCODED_QUERY, url_encoded_size),
            lambda piece: self._translate_one(piece, source, target), target,
        )

    async def _translate_one(self, text: str, source: SourceLang, target: TargetLang) -> str:
        reply = await self._request(
            "GET", self._url, params={"sl": _CODES[source], "tl": _CODES[target], "q": text}, headers=BROWSER_HEADERS
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
