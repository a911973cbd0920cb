"""What counts as cat tax, and how the public bits look: Discord-free rules for the cat-tax cog."""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath

MEGABYTE = 1024 * 1024
# Discord tells us a file's size but never a video's duration, so "short video" means "small
# file": 50 MB is about a minute of phone video.
MAX_VIDEO_BYTES = 50 * MEGABYTE
MAX_PHOTO_BYTES = 25 * MEGABYTE

THREAD_TITLE_LIMIT = 100  # Discord's limit on a thread name
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)  # the only auto-archive values Discord accepts (minutes)
DEFAULT_ARCHIVE_MINUTES = 1440
DEFAULT_EMOJI = "🐱"

PHOTO_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".heif", ".avif", ".bmp", ".tif", ".tiff"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".webm", ".m4v", ".mkv", ".avi"})


class TextOnlyAction(str, Enum):
    NUDGE = "nudge"
    REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    filename: str
    content_type: str | None
    size: int
    url: str


class PostKind(Enum):
    TAX = "tax"  # at least one photo or short video
    TEXT_ONLY = "text_only"  # words, links, stickers: no file at all
    NOT_A_PHOTO = "not_a_photo"  # files, but none of them a photo or video (a PDF, a zip…)
    TOO_LARGE = "too_large"  # a photo or video, but every one of them over the size limit


@dataclass(frozen=True, slots=True)
class PostVerdict:
    kind: PostKind
    media: tuple[AttachmentInfo, ...] = ()

    @property
    def is_tax(self) -> bool:
        return self.kind is PostKind.TAX


def media_type(attachment: AttachmentInfo) -> str | None:
    """"photo", "video" or None, from the content type Discord reports or else the file name."""
    content_type = (attachment.content_type or "").split(";")[0].strip().lower()
    if content_type.startswith("image/"):
        return "photo"
    if content_type.startswith("video/"):
        return "video"
    if content_type:
        return None
    extension = PurePosixPath(attachment.filename.lower()).suffix
    if extension in PHOTO_EXTENSIONS:
        return "photo"
    if extension in VIDEO_EXTENSIONS:
        return "video"
    return None


def size_limit(kind: str) -> int:
    return MAX_VIDEO_BYTES if kind == "video" else MAX_PHOTO_BYTES


def classify_post(attachments: Iterable[AttachmentInfo]) -> PostVerdict:
    attachments = list(attachments)
    if not attachments:
        return PostVerdict(PostKind.TEXT_ONLY)
    media = [(attachment, media_type(attachment)) for attachment in attachments]
    media = [(attachment, kind) for attachment, kind in media if kind is not None]
    if not media:
        return PostVerdict(PostKind.NOT_A_PHOTO)
    accepted = tuple(attachment for attachment, kind in media if attachment.size <= size_limit(kind))
    if not accepted:
        return PostVerdict(PostKind.TOO_LARGE)
    return PostVerdict(PostKind.TAX, accepted)


# ---- names and titles ------------------------------------------------------------------------

_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


def utf16_length(text: str) -> int:
    """Discord counts string limits in UTF-16 code units, as JavaScript does."""
    return len(text.encode("utf-16-le")) // 2


def clean_name(name: str) -> str:
    cleaned = _SPACES.sub(" ", _CONTROL_OR_BREAK.sub(" ", name)).strip()
    return cleaned or "?"


def _joins_to_previous(character: str) -> bool:
    """Marks that only make sense after the character before them (accents, ZWJ, skin tones…)."""
    return (
        unicodedata.combining(character) != 0
        or unicodedata.category(character) in ("Mn", "Me", "Cf")
        or "\U0001f3fb" <= character <= "\U0001f3ff"
        or character in "\ufe0e\ufe0f\u20e3"
    )


def _is_regional_indicator(character: str) -> bool:
    return "\U0001f1e6" <= character <= "\U0001f1ff"


def _clusters(text: str) -> list[str]:
    """Approximate user-perceived characters: an emoji ZWJ sequence, a flag, a letter and its accents."""
    clusters: list[str] = []
    for character in text:
        continues = clusters and (
            _joins_to_previous(character)
            or clusters[-1].endswith("\u200d")
            or (_is_regional_indicator(character) and len(clusters[-1]) == 1 and _is_regional_indicator(clusters[-1]))
        )
        if continues:
            clusters[-1] += character
        else:
            clusters.append(character)
    return clusters


def cut_name(name: str, length: int) -> str:
    """At most `length` code points of `name`, cut between characters so no emoji, flag or accent is split."""
    kept: list[str] = []
    used = 0
    for cluster in _clusters(name):
        if used + len(cluster) > length:
            break
        kept.append(cluster)
        used += len(cluster)
    return "".join(kept).rstrip()


def fit_title(render: Callable[[str], str], name: str, limit: int = THREAD_TITLE_LIMIT) -> str:
    """`render(name)`, with the name shortened (ending in "…") until the whole title fits `limit`."""
    name = clean_name(name)
    title = render(name)
    if utf16_length(title) <= limit:
        return title
    low, high = 0, len(name) - 1
    best = render("…")
    while low <= high:
        middle = (low + high) // 2
        candidate = render(cut_name(name, middle) + "…")
        if utf16_length(candidate) <= limit:
            best = candidate
            low = middle + 1
        else:
            high = middle - 1
    if utf16_length(best) > limit:  # the template itself is too long: cut the text, not the name
        keep = limit - 1
        while utf16_length(cut_name(best, keep) + "…") > limit:
            keep -= 1
        best = cut_name(best, keep) + "…"
    return best


# ---- emoji -------------------------------------------------------------------------------------

CUSTOM_EMOJI = re.compile(r"^<(?P<animated>a?):(?P<name>[A-Za-z0-9_]{2,32}):(?P<id>\d{15,21})>$")

_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),  # pictographs, emoticons, transport, supplemental symbols, flags
    (0x2600, 0x27BF),  # miscellaneous symbols and dingbats
    (0x2300, 0x23FF),  # technical (⌚, ⏰)
    (0x2B00, 0x2BFF),  # arrows and stars (⭐, ⬆)
    (0x2190, 0x21FF),  # arrows (↔)
    (0x25A0, 0x25FF),  # geometric shapes (▶, ◻)
    (0x2900, 0x297F),  # supplemental arrows (⤴)
    (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299),
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049),
    (0x2122, 0x2122), (0x2139, 0x2139), (0x24C2, 0x24C2),
    (0xE0020, 0xE007F),  # tag characters (subdivision flags such as Scotland)
)
_EMOJI_JOINERS = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}
_KEYCAP_BASES = set("0123456789#*")
MAX_EMOJI_CODE_POINTS = 16


@dataclass(frozen=True, slots=True)
class ParsedEmoji:
    text: str  # what Discord and the database get: "🐱" or "<:name:id>"
    custom_id: int | None = None

    @property
    def is_custom(self) -> bool:
        return self.custom_id is not None


def _is_emoji_code_point(code: int) -> bool:
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


def looks_like_unicode_emoji(text: str) -> bool:
    if not text or len(text) > MAX_EMOJI_CODE_POINTS:
        return False
    has_pictograph = False
    for index, character in enumerate(text):
        code = ord(character)
        if _is_emoji_code_point(code):
            has_pictograph = True
        elif code in _EMOJI_JOINERS:
            continue
        elif character in _KEYCAP_BASES and text[index + 1 : index + 3].lstrip("\ufe0f").startswith("\u20e3"):
            has_pictograph = True
        else:
            return False
    return has_pictograph


def parse_emoji(raw: str) -> ParsedEmoji | None:
    """A unicode emoji or a `<:name:id>` custom emoji; None for anything else.

    Whether a custom emoji belongs to the server is for the caller to check.
    """
    text = raw.strip()
    match = CUSTOM_EMOJI.match(text)
    if match:
        return ParsedEmoji(text, int(match["id"]))
    if looks_like_unicode_emoji(text):
        return ParsedEmoji(text)
    return None


# ---- nudges ------------------------------------------------------------------------------------


# Moderators may change both in /cattax options, within these bounds: a nudge must stay long
# enough to be read, and must not linger; the cooldown keeps a chatting person from a nudge per
# message without silencing them for the day.
DEFAULT_NUDGE_COOLDOWN_MINUTES = 2
NUDGE_COOLDOWN_MINUTES = (1, 60)
DEFAULT_NUDGE_LIFETIME_SECONDS = 90
NUDGE_LIFETIME_SECONDS = (15, 600)


def nudge_timing_problem(cooldown_minutes: int | None, lifetime_seconds: int | None) -> tuple[str, dict[str, int]] | None:
    """None when the chosen nudge timing is allowed, else (the error message key, its fields)."""
    for value, (low, high), key in (
        (cooldown_minutes, NUDGE_COOLDOWN_MINUTES, "cattax.error.nudge_cooldown_range"),
        (lifetime_seconds, NUDGE_LIFETIME_SECONDS, "cattax.error.nudge_lifetime_range"),
    ):
        if value is not None and not low <= value <= high:
            return key, {"value": value, "min": low, "max": high}
    return None


class NudgeCooldown:
    """One nudge per person per channel per cooldown: someone chatting in the channel is told once."""

    def __init__(
        self, seconds: float = DEFAULT_NUDGE_COOLDOWN_MINUTES * 60, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[tuple[int, int], float] = {}

    def ready(self, channel_id: int, author_id: int, seconds: float | None = None) -> bool:
        """True (and starts the cooldown) when this person may be nudged now; `seconds` is the
        server's own cooldown, when it chose one."""
        seconds = self.seconds if seconds is None else seconds
        now = self._clock()
        if len(self._last) > 10_000:
            longest = max(self.seconds, NUDGE_COOLDOWN_MINUTES[1] * 60)
            self._last = {key: at for key, at in self._last.items() if now - at < longest}
        last = self._last.get((channel_id, author_id))
        if last is not None and now - last < seconds:
            return False
        self._last[(channel_id, author_id)] = now
        return True


def emoji_problem(raw: str, server_emoji_ids: Iterable[int]) -> tuple[ParsedEmoji | None, str | None]:
    """(the emoji, None) when Qiao can react with it here, else (None, the error message key)."""
    parsed = parse_emoji(raw)
    if parsed is None:
        return None, "cattax.error.emoji_invalid"
    if parsed.is_custom and parsed.custom_id not in set(server_emoji_ids):
        return None, "cattax.error.emoji_other_server"
    return parsed, None


# ---- permissions -------------------------------------------------------------------------------

# discord.Permissions attribute names, in the order a moderator should read them.
ALWAYS_NEEDED = (
    "view_channel",
    "send_messages",
    "read_message_history",
    "add_reactions",
    "create_public_threads",
    "send_messages_in_threads",
)


def needed_permissions(*, grants_role: bool, removes_posts: bool) -> tuple[str, ...]:
    """What Qiao needs in the cat-tax channel for the chosen settings."""
    needed = list(ALWAYS_NEEDED)
    if grants_role:
        needed.append("manage_roles")
    if removes_posts:
        needed.append("manage_messages")
    return tuple(needed)


def missing_permissions(granted: Callable[[str], bool], needed: Iterable[str]) -> list[str]:
    return [name for name in needed if not granted(name)]
