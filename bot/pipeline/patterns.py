"""Regular expressions for the parts of a Discord message that are not prose.

Shared by language detection (which ignores them) and markup protection (which keeps them
exactly as written).
"""

from __future__ import annotations

import re

CODE_BLOCK = r"```[\s\S]*?```"
INLINE_CODE = r"``[^`](?:[\s\S]*?[^`])?``(?!`)|`[^`]+`"
# A bare URL ends before trailing punctuation that belongs to the sentence around it.
URL = r"<https?://[^\s>]+>|https?://[^\s<>]*[^\s<>.,:;!?'\")\]}*_~|]"
DISCORD_ENTITY = (
    r"<@[!&]?\d+>"  # user and role mentions
    r"|<#\d+>"  # channel mentions
    r"|</[\w -]+:\d+>"  # slash-command mentions
    r"|<a?:\w+:\d+>"  # custom emoji
    r"|<t:-?\d+(?::[tTdDfFR])?>"  # timestamps
    r"|<id:\w+>"  # guild navigation (customize, browse, guide)
)
MASS_MENTION = r"@(?:everyone|here)\b"

# Emoji: keycaps, flags (regional-indicator pairs and tag sequences) and pictographs with
# optional variation selector, skin-tone modifier and ZWJ-joined continuations.
_PICTOGRAPH = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf"
    "\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf"
    "\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001f1e5\U0001f200-\U0001faff"
)
_EMOJI_UNIT = (
    rf"[{_PICTOGRAPH}]\ufe0f?[\U0001f3fb-\U0001f3ff]?"
    r"(?:[\U000e0020-\U000e007e]+\U000e007f)?"
)
EMOJI = (
    r"[0-9#*]\ufe0f?\u20e3"
    r"|[\U0001f1e6-\U0001f1ff]{1,2}"
    rf"|{_EMOJI_UNIT}(?:\u200d{_EMOJI_UNIT})*"
)

NON_PROSE_TOKEN = re.compile(
    "|".join((CODE_BLOCK, INLINE_CODE, URL, DISCORD_ENTITY, MASS_MENTION))
)
EMOJI_TOKEN = re.compile(EMOJI)
