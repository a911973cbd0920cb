"""Time protect() + reassemble() per message.

Usage: python -m bench.markup [FILE]

FILE is JSON lines with a "text" field (default: ../shared/data/detect/messages.jsonl). Each
message is timed as written and again wrapped in Discord markup (a mention, bold, an emoji, a
URL and a glossary term), with an identity "translator".
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from bot.pipeline.markup import protect

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "detect" / "messages.jsonl"
GLOSSARY = {"Qiao": "Qiao", "server": "服务器"}


def time_round_trips(texts: list[str]) -> list[float]:
    micros: list[float] = []
    clock = time.perf_counter_ns
    for text in texts:
        start = clock()
        protected = protect(text, glossary=GLOSSARY)
        protected.reassemble(protected.prose_segments)
        micros.append((clock() - start) / 1000)
    return micros


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_DATA)
    path: Path = parser.parse_args(argv).file.resolve()
    if not path.exists():
        print(f"no data at {path}", file=sys.stderr)
        return 2
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    decorated = [f"<@123> **{text}** 👍 see https://example.com on the Qiao server" for text in texts]
    print(f"data: {path} ({len(texts)} messages)")
    print(f"{'protect + reassemble':<34}{'median µs':>12}{'p99 µs':>12}")
    for name, batch in (("as written", texts), ("wrapped in markup", decorated)):
        micros = time_round_trips(batch)
        print(f"{name:<34}{statistics.median(micros):>12.1f}{statistics.quantiles(micros, n=100)[98]:>12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
