"""Cutting a long text into pieces a service accepts, and joining the translated pieces again."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

# Prefer cutting after sentence ends, then after any whitespace, then between characters.
_SENTENCE_END = re.compile(r"[.!?。！？；;…]+\s*")
_WHITESPACE = re.compile(r"\s+")


def utf8_size(char: str) -> int:
    return len(char.encode())


def url_encoded_size(char: str) -> int:
    """Length of ``char`` in a URL query at most (``%E4%BD%A0`` for one Chinese character: 9)."""
    return len(quote(char, safe=""))


def char_count(char: str) -> int:
    return 1


def split_text(text: str, limit: int, size: Callable[[str], int] = utf8_size) -> list[str]:
    """Cut ``text`` into pieces whose summed per-character ``size`` is at most ``limit``.

    The pieces concatenate back to ``text``. Each cut goes after the last sentence end that fits,
    else after the last whitespace, else between characters (an unbroken run of Chinese).
    """
    if limit < max((size(char) for char in text), default=0):
        raise ValueError(f"limit {limit} is smaller than one character")
    pieces: list[str] = []
    rest = text
    while True:
        fits = _chars_within(rest, limit, size)
        if fits == len(rest):
            break
        window = rest[:fits]
        cut = _last_break(window, _SENTENCE_END) or _last_break(window, _WHITESPACE) or fits
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def join_pieces(pieces: list[str], target: str) -> str:
    """Join translations of consecutive pieces of one text."""
    if len(pieces) == 1:
        return pieces[0]
    # English pieces need a space between them; Chinese ones do not.
    return ("" if target != "en" else " ").join(piece.strip() for piece in pieces)


def _chars_within(text: str, limit: int, size: Callable[[str], int]) -> int:
    total = 0
    for index, char in enumerate(text):
        total += size(char)
        if total > limit:
            return index
    return len(text)


def _last_break(window: str, pattern: re.Pattern[str]) -> int:
    last = 0
    for match in pattern.finditer(window):
        last = match.end()
    return last
