"""Injected REST faults, shaped the way Discord and the proxies in front of it produce them.

- 429s with Discord's body (`{"message": "You are being rate limited.", "retry_after": 1.0,
  "global": false, "code": 0}`), `Retry-After`, `X-RateLimit-Scope` (user, global, shared),
  `X-RateLimit-Global` for a global limit, and `Via` (discord.py treats a 429 without it as a
  Cloudflare ban); the per-route headers (`X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket`)
  unless the limit is global.
- 5xx from a proxy: Cloudflare's and nginx's HTML error pages (text/html), envoy's plain-text
  "upstream connect error or disconnect/reset before headers. reset reason: overflow" (the body
  of Discord's real 503s), or Discord's own JSON `{"message": "500: Internal Server Error", "code": 0}`.
- A socket dropped mid-request: before the request is carried out, or after (the message exists
  but no answer comes back).
- Slow answers (`delay`), and answers held until the test releases them (`hold`).

Each fault lasts for a number of matching requests (`times`) or for a while (`for_seconds`), or
both (whichever ends first); `None` for both means until `clear()`. Patterns match the route
template ("/channels/{channel_id}/messages") or the concrete path, fnmatch-style, without /api/v10.
"""

from __future__ import annotations

import asyncio
import fnmatch
import math
import time
from dataclasses import dataclass, field
from typing import Any

STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
               520: "Unknown Error", 522: "Connection Timed Out", 524: "A Timeout Occurred"}
SCOPES = ("user", "global", "shared")
PROXIES = ("cloudflare", "nginx", "envoy", "discord")


def rate_limit_body(retry_after: float, *, is_global: bool) -> dict[str, Any]:
    return {"message": "You are being rate limited.", "retry_after": round(retry_after, 3), "global": is_global, "code": 0}


def rate_limit_headers(retry_after: float, scope: str, bucket: str) -> dict[str, str]:
    headers = {"Retry-After": str(max(1, math.ceil(retry_after))), "X-RateLimit-Scope": scope}
    if scope == "global":
        headers["X-RateLimit-Global"] = "true"
    else:
        headers.update({
            "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}", "X-RateLimit-Bucket": bucket,
        })
    return headers


def proxy_error(status: int, proxy: str) -> tuple[str, str]:
    """(content type, body) of a 5xx as `proxy` sends it."""
    text = f"{status} {STATUS_TEXT.get(status, 'Server Error')}"
    if proxy in ("cloudflare", "nginx"):
        signature = "cloudflare" if proxy == "cloudflare" else "nginx"
        page = (f"<html>\r\n<head><title>{text}</title></head>\r\n<body>\r\n<center><h1>{text}</h1></center>\r\n"
                f"<hr><center>{signature}</center>\r\n</body>\r\n</html>\r\n")
        return "text/html", page
    if proxy == "envoy":
        return "text/plain", "upstream connect error or disconnect/reset before headers. reset reason: overflow"
    return "application/json", '{"message": "%s: %s", "code": 0}' % (status, STATUS_TEXT.get(status, "Server Error"))


@dataclass
class Fault:
    method: str
    pattern: str
    kind: str  # fail, delay, hold, rate_limit, reset
    remaining: int | None
    status: int = 500
    delay: float = 0.0
    retry_after: float = 0.0
    is_global: bool = False
    body: Any = None
    scope: str = "user"
    proxy: str = "discord"
    after_processing: bool = False
    until: float | None = None  # time.monotonic() deadline
    hits: int = 0
    statuses: tuple[int, ...] = field(default_factory=tuple)  # cycled through, for a mixed 5xx storm
    released: asyncio.Event = field(default_factory=asyncio.Event)  # a hold's requests go on once set

    def release(self) -> None:
        """A hold: the requests it holds (and later matching ones) are carried out now."""
        self.released.set()

    def matches(self, method: str, template: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        return fnmatch.fnmatchcase(template, self.pattern) or fnmatch.fnmatchcase(path, self.pattern)

    @property
    def expired(self) -> bool:
        return (self.until is not None and time.monotonic() >= self.until) or (self.remaining is not None and self.remaining <= 0)

    def next_status(self) -> int:
        return self.statuses[(self.hits - 1) % len(self.statuses)] if self.statuses else self.status


class Faults:
    """Injected failures; see the module docstring. Every fault that answered a request is in `triggered`."""

    def __init__(self) -> None:
        self.active: list[Fault] = []
        self.triggered: list[tuple[Fault, str, str]] = []

    def fail(self, route: str, *, status: int | tuple[int, ...] = 500, times: int | None = 1, body: Any = None,
             for_seconds: float | None = None, proxy: str = "discord") -> Fault:
        """The next matching requests answer `status` (a tuple is cycled: a mixed 502/503 storm);
        `proxy` chooses the body: discord (JSON), cloudflare or nginx (HTML), envoy (plain text)."""
        if proxy not in PROXIES:
            raise ValueError(f"proxy must be one of {PROXIES}")
        statuses = tuple(status) if isinstance(status, tuple) else ()
        first = statuses[0] if statuses else int(status)
        return self._add(route, "fail", times, for_seconds, status=first, statuses=statuses, body=body, proxy=proxy)

    def delay(self, route: str, seconds: float, *, times: int | None = None, for_seconds: float | None = None,
              after_processing: bool = False) -> Fault:
        """Matching requests are answered `seconds` late (then normally); `after_processing`: carried
        out at once (its events go out), only the answer comes late."""
        return self._add(route, "delay", times, for_seconds, delay=seconds, after_processing=after_processing)

    def hold(self, route: str, *, times: int | None = 1) -> Fault:
        """Matching requests wait, unanswered, until the returned fault's `release()` (or `clear()`):
        a request that is slow for exactly as long as a test needs, whatever the machine's load."""
        return self._add(route, "hold", times, None)

    def rate_limit(self, route: str, *, retry_after: float = 0.05, times: int | None = 1, is_global: bool = False,
                   scope: str | None = None, for_seconds: float | None = None) -> Fault:
        """Matching requests answer 429 with Discord's body and headers; `scope` user, global or shared."""
        scope = scope or ("global" if is_global else "user")
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}")
        return self._add(route, "rate_limit", times, for_seconds, status=429, retry_after=retry_after,
                         is_global=scope == "global", scope=scope)

    def reset(self, route: str, *, times: int | None = 1, for_seconds: float | None = None,
              after_processing: bool = False) -> Fault:
        """Matching requests lose their connection: before being carried out, or (`after_processing`)
        after, so the change is made but no answer arrives."""
        return self._add(route, "reset", times, for_seconds, after_processing=after_processing)

    def clear(self) -> None:
        for fault in self.active + [fault for fault, _method, _path in self.triggered]:
            fault.release()
        self.active.clear()

    def _add(self, route: str, kind: str, times: int | None, for_seconds: float | None, **kwargs: Any) -> Fault:
        method, _, pattern = route.partition(" ") if " " in route else ("*", "", route)
        until = time.monotonic() + for_seconds if for_seconds is not None else None
        # A storm (for_seconds) without a count lasts for its whole duration.
        remaining = None if for_seconds is not None and times == 1 else times
        fault = Fault(method.upper(), pattern, kind, remaining, until=until, **kwargs)
        self.active.append(fault)
        return fault

    def take(self, method: str, template: str, path: str) -> list[Fault]:
        hits = []
        for fault in list(self.active):
            if fault.expired:
                self.active.remove(fault)
                continue
            if not fault.matches(method, template, path):
                continue
            hits.append(fault)
            fault.hits += 1
            self.triggered.append((fault, method, path))
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.active.remove(fault)
        return hits

    def describe(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        return [{"method": f.method, "pattern": f.pattern, "kind": f.kind, "status": f.status, "remaining": f.remaining,
                 "seconds_left": None if f.until is None else max(f.until - now, 0.0), "hits": f.hits}
                for f in self.active if not f.expired]
