"""The shipped catalogue must stay quiet on ordinary chat (at most 0.5 %)."""

import json
from pathlib import Path

import pytest

MESSAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "detect" / "messages.jsonl"


@pytest.mark.skipif(not MESSAGES.exists(), reason=f"shared chat data not found at {MESSAGES}")
def test_flags_at_most_half_a_percent_of_ordinary_chat(matcher):
    with MESSAGES.open(encoding="utf-8") as file:
        texts = [json.loads(line)["text"] for line in file]
    flagged = [text for text in texts if matcher.find(text)]
    assert len(flagged) <= 0.005 * len(texts), flagged[:20]
