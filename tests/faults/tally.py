"""What a fault scenario did to the relay, counted the way a reader of the channel would see it.

Originals carry a number (`m<N>`); the copies (single posts and lines of combined posts, in the
order Discord shows them) are read back and counted: lost (never arrived), doubled (arrived more
than once) and out of order (arrived after a higher number). The double's request log gives the
request rates: webhook executes per webhook in any window of Discord's per-webhook limit (5 per
2 s), and requests of any kind in any one-second window (Discord's global limit is 50 per second).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NUMBER = re.compile(r"\bm(\d+)\b")
WEBHOOK_EXECUTE = "/webhooks/{webhook_id}/{token}"


def numbers_in_copies(double, channel) -> list[int]:
    return [int(found) for view in double.view(channel) if view.by_webhook for found in NUMBER.findall(view.content)]


def peak_in_window(times: Sequence[float], seconds: float) -> int:
    """The most events in any window [t, t + seconds)."""
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, start + seconds) - index for index, start in enumerate(ordered)), default=0)


@dataclass(frozen=True)
class Tally:
    scenario: str
    sent: int
    arrived: int
    lost: int
    doubled: int
    out_of_order: int
    webhook_peak: int  # webhook executes to one webhook in any per-webhook window
    webhook_window: float
    requests_peak: int  # requests of any kind in any one-second window (scaled)
    second: float
    rate_limited: int  # answers 429 to the bot
    failed_answers: int  # answers 5xx or dropped sockets

    @property
    def clean(self) -> bool:
        return self.lost == 0 and self.doubled == 0 and self.out_of_order == 0

    def line(self) -> str:
        return (f"{self.scenario}: sent {self.sent}, arrived {self.arrived}, lost {self.lost}, doubled {self.doubled}, "
                f"out of order {self.out_of_order}; peak webhook executes {self.webhook_peak} per "
                f"{self.webhook_window:g} s (Discord: 5), peak requests {self.requests_peak} per {self.second:g} s "
                f"(Discord: 50); 429 answers {self.rate_limited}, 5xx/dropped {self.failed_answers}")


def tally(scenario: str, expected: Iterable[int], arrived: Sequence[int], requests, *, time_scale: float = 1.0,
          since: float = 0.0) -> Tally:
    expected = list(expected)
    seen: set[int] = set()
    doubled = out_of_order = 0
    highest = -1
    for number in arrived:
        if number in seen:
            doubled += 1
            continue
        seen.add(number)
        if number < highest:
            out_of_order += 1
        highest = max(highest, number)
    lost = len(set(expected) - seen)
    relevant = [request for request in requests if request.at >= since]
    per_webhook: dict[str, list[float]] = defaultdict(list)
    for request in relevant:
        if request.method == "POST" and request.route == WEBHOOK_EXECUTE:
            per_webhook[request.path.split("/")[2]].append(request.at)
    window, second = 2.0 * time_scale, 1.0 * time_scale
    return Tally(
        scenario, len(expected), len(arrived), lost, doubled, out_of_order,
        max((peak_in_window(times, window) for times in per_webhook.values()), default=0), window,
        peak_in_window([request.at for request in relevant], second), second,
        sum(1 for request in relevant if request.status == 429),
        sum(1 for request in relevant if request.status >= 499),
    )
