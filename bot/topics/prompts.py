"""A topic's prompt bank: the shipped prompts for starter rooms plus what moderators added."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from bot.topics.models import BankPrompt
from bot.topics_data import Prompt


def starter_key(prompt: Prompt) -> str:
    # Keyed by text, not position, so reordering topics.json does not reset what was used.
    return "starter:" + hashlib.sha1(prompt.en.encode()).hexdigest()[:16]


def custom_key(prompt_id: int) -> str:
    return f"custom:{prompt_id}"


def unused_in_round(bank: Sequence[BankPrompt], used_keys: set[str]) -> list[BankPrompt]:
    """What may still be drawn this round; empty means the round is over."""
    return [item for item in bank if item.key not in used_keys]
