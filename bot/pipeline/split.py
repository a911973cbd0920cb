"""Split a long message into Discord-sized chunks at the most natural boundary available."""

from __future__ import annotations

import re

DISCORD_MESSAGE_LIMIT = 2000

# An unclosed block runs to the end of the text, as far as cutting is concerned.
_CODE_BLOCK = re.compile(r"```(?P<header>[^\s`]*\n)?[\s\S]*?(?:```|\Z)")
_CLOSING_FENCE = "\n```"
# Cut after these, from the most to the least natural.
_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraph
    re.compile(r"\n\s*"),  # line
    re.compile(r"(?<=[.!?…])[\"')\]]*\s+|(?<=[。！？…])[”」』）]*\s*"),  # sentence
    re.compile(r"\s+"),  # word
)
_MIN_LIMIT = 32


def split_message(text: str, limit: int = DISCORD_MESSAGE_LIMIT) -> list[str]:
    """Chunks of at most ``limit`` characters that together hold all of ``text``.

    Cuts at paragraph, line, sentence (. ! ? 。！？) and then word boundaries, never inside a
    code block unless the block alone is too long: then the block is closed with ``` at the end
    of one chunk and reopened, with its language tag, at the start of the next. Whitespace at a
    cut is dropped; whitespace-only chunks are not returned.
    """
    if limit < _MIN_LIMIT:
        raise ValueError(f"limit must be at least {_MIN_LIMIT}, got {limit}")
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        chunk, rest = _cut(rest, limit)
        if chunk.strip():
            chunks.append(chunk)
    if rest.strip():
        chunks.append(rest)
    return chunks


def _cut(text: str, limit: int) -> tuple[str, str]:
    blocks = [match for match in _CODE_BLOCK.finditer(text) if match.start() < limit]

    def inside_a_block(position: int) -> bool:
        return any(block.start() < position < block.end() for block in blocks)

    window = text[: limit + 1]  # a separator may begin right at the limit
    for boundary in _BOUNDARIES:
        for separator in reversed(list(boundary.finditer(window))):
            if 0 < separator.start() <= limit and not inside_a_block(separator.start()):
                return text[: separator.start()].rstrip(), text[separator.end() :]
    # No boundary outside code: the text starts with an oversize word or code block.
    for block in blocks:
        if block.start() < limit < block.end():
            if block.start() > 0:
                return text[: block.start()].rstrip(), text[block.start() :]
            return _cut_inside_block(text, block, limit)
    return text[:limit], text[limit:]


def _cut_inside_block(text: str, block: re.Match[str], limit: int) -> tuple[str, str]:
    header = block.group("header") or ""
    opening = "```" + header
    budget = limit - len(_CLOSING_FENCE)
    content_start = len(opening)
    newline = text.rfind("\n", content_start + 1, budget + 1)
    cut = newline if newline > content_start else budget
    reopening = opening if header else "```"
    remainder = text[cut + 1 :] if cut == newline else text[cut:]
    return text[:cut] + _CLOSING_FENCE, reopening + remainder
