"""Accuracy and speed of Qiao's language detection against langdetect alone (seeded).

Usage: python -m bench.detect [FILE ...]

Each FILE is JSON lines with at least {"text", "gold"} (gold: en / zh / other); optional
"source" and "short" add rows. Defaults to ../shared/data/detect/messages.jsonl beside the
project plus the real SMS chat in bench/data/chat/ (development and held-out splits; see
bench/data/chat/README.md). Each file gets its own accuracy table; latency is measured over all
files together, Qiao and langdetect in the same run. Resident memory is measured in fresh
processes: Python alone, after importing detection and detecting a message, and langdetect's
detector loaded.
A "none" answer (nothing to translate) counts as correct for a message without any letter
(e.g. "1963", which the data labels en, zh and other alike); the count of such lines is shown.
Japanese lines are the "other" lines with kana or Han characters; Korean ones have Hangul.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.pipeline.detect import detect_language, warm_up

_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (
    _ROOT / ".." / "shared" / "data" / "detect" / "messages.jsonl",
    _ROOT / "bench" / "data" / "chat" / "sms-dev.jsonl",
    _ROOT / "bench" / "data" / "chat" / "sms-heldout.jsonl",
)

_LETTER = re.compile(r"[^\W\d_]")
_KANA = re.compile("[\u3040-\u30fa\u30fc-\u30ff]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def qiao(text: str) -> str:
    return detect_language(text).language


def make_langdetect() -> Callable[[str], str]:
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)

    def langdetect(text: str) -> str:
        detector = factory.create()
        detector.append(text)
        try:
            code = detector.detect()
        except LangDetectException:
            return "none"
        if code == "en":
            return "en"
        return "zh" if code.startswith("zh") else "other"

    return langdetect


def run(detector: Callable[[str], str], texts: list[str]) -> tuple[list[str], list[float]]:
    answers: list[str] = []
    micros: list[float] = []
    clock = time.perf_counter_ns
    for text in texts:
        start = clock()
        answer = detector(text)
        micros.append((clock() - start) / 1000)
        answers.append(answer)
    return answers, micros


def is_correct(answer: str, gold: str, text: str) -> bool:
    return answer == gold or (answer == "none" and not _LETTER.search(text))


def row_filters(rows: list[dict]) -> list[tuple[str, Callable[[dict], bool]]]:
    filters: list[tuple[str, Callable[[dict], bool]]] = []
    for gold in ("en", "zh", "other"):
        filters.append((f"{gold} (all)", lambda r, g=gold: r["gold"] == g))
        for source in sorted({r.get("source") for r in rows if r["gold"] == gold} - {None}):
            filters.append(
                (f"{gold} / {source}", lambda r, g=gold, s=source: r["gold"] == g and r.get("source") == s)
            )
        if any("short" in r for r in rows):
            filters.append((f"{gold} short", lambda r, g=gold: r["gold"] == g and r.get("short")))
    filters.append(("other: Latin script", lambda r: r["gold"] == "other" and bool(re.search("[A-Za-z]", r["text"])) and not _HAN.search(r["text"])))
    return filters


_RSS_PROBES = {
    "python alone": "pass",
    "import bot.pipeline.detect + warm_up + detect": (
        "from bot.pipeline.detect import detect_language, warm_up\n"
        "warm_up()\n"
        "for text in ('Dunno leh.. Mayb not goin la..', 'Ik ben de man', '我们明天见', '我們明天見'):\n"
        "    detect_language(text)"
    ),
    "langdetect's detector loaded": (
        "from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory\n"
        "factory = DetectorFactory()\n"
        "factory.load_profile(PROFILES_DIRECTORY)\n"
        "detector = factory.create()\n"
        "detector.append('hello there')\n"
        "detector.detect()"
    ),
}


def resident_memory_mb(code: str) -> float:
    """Peak resident memory (VmHWM) of a fresh interpreter after running ``code``."""
    probe = code + "\nprint([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(output[-1]) / 1024


def print_accuracy(path: Path, rows: list[dict], qiao_answers: list[str], ld_answers: list[str]) -> None:
    texts = [r["text"] for r in rows]
    letterless = sum(1 for t in texts if not _LETTER.search(t))
    print(f"\ndata: {path} ({len(rows)} messages, {letterless} without any letter)")
    print(f"{'rows':<28}{'n':>7}{'Qiao %':>10}{'langdetect %':>15}")
    for name, keep in row_filters(rows):
        indices = [i for i, r in enumerate(rows) if keep(r)]
        if not indices:
            continue

        def accuracy(answers: list[str]) -> float:
            hits = sum(is_correct(answers[i], rows[i]["gold"], texts[i]) for i in indices)
            return 100 * hits / len(indices)

        print(f"{name:<28}{len(indices):>7}{accuracy(qiao_answers):>10.2f}{accuracy(ld_answers):>15.2f}")

    chinese_rows = [
        ("Japanese (other, kana or Han)", lambda t: _KANA.search(t) or _HAN.search(t)),
        ("Korean (other, Hangul)", _HANGUL.search),
    ]
    for name, matches in chinese_rows:
        indices = [i for i, r in enumerate(rows) if r["gold"] == "other" and matches(texts[i])]
        if not indices:
            continue
        qiao_zh = sum(qiao_answers[i] == "zh" for i in indices)
        ld_zh = sum(ld_answers[i] == "zh" for i in indices)
        print(f"{name + ' called zh':<28}{len(indices):>7}{100 * qiao_zh / len(indices):>10.2f}"
              f"{100 * ld_zh / len(indices):>15.2f}")
        if name.startswith("Japanese"):
            missed = [texts[i] for i in indices if qiao_answers[i] == "zh"]
            print(f"  Qiao calls these Japanese lines Chinese: {missed}")
    wrong = [(rows[i]["gold"], qiao_answers[i], texts[i]) for i in range(len(rows))
             if not is_correct(qiao_answers[i], rows[i]["gold"], texts[i])]
    if len(wrong) <= 12:
        for gold, answer, text in wrong:
            print(f"  Qiao: {answer} (gold {gold}): {text[:100]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_DATA))
    args = parser.parse_args(argv)
    datasets: list[tuple[Path, list[dict]]] = []
    for file in args.files:
        path = file.resolve()
        if not path.exists():
            print(f"no data at {path}", file=sys.stderr)
            return 2
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        datasets.append((path, rows))
    texts = [r["text"] for _, rows in datasets for r in rows]

    warm_up()
    langdetect = make_langdetect()
    qiao_answers, qiao_micros = run(qiao, texts)
    ld_answers, ld_micros = run(langdetect, texts)

    start = 0
    for path, rows in datasets:
        end = start + len(rows)
        print_accuracy(path, rows, qiao_answers[start:end], ld_answers[start:end])
        start = end

    print(f"\nlatency per message, all {len(texts)} messages in one run (µs)")
    print(f"{'detector':<28}{'median':>10}{'p99':>10}")
    medians = {}
    for name, micros in (("Qiao", qiao_micros), ("langdetect (seeded)", ld_micros)):
        p99 = statistics.quantiles(micros, n=100)[98]
        medians[name] = statistics.median(micros)
        print(f"{name:<28}{medians[name]:>10.1f}{p99:>10.1f}")
    qiao_p99 = statistics.quantiles(qiao_micros, n=100)[98]
    print(f"langdetect median / Qiao median: {medians['langdetect (seeded)'] / medians['Qiao']:.0f}x; "
          f"Qiao p99 / langdetect median: {qiao_p99 / medians['langdetect (seeded)']:.3f}")

    print("\nresident memory, fresh process (peak RSS, MB)")
    for name, code in _RSS_PROBES.items():
        print(f"{name:<50}{resident_memory_mb(code):>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
