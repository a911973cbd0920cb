"""Cat tax (猫税): newcomers' pet photos become welcome threads. Discord-free rules and storage."""

from bot.cattax.rules import (
    ARCHIVE_DURATIONS,
    DEFAULT_EMOJI,
    AttachmentInfo,
    NudgeCooldown,
    ParsedEmoji,
    PostKind,
    PostVerdict,
    TextOnlyAction,
    classify_post,
    fit_title,
    parse_emoji,
)
from bot.cattax.store import CatTaxConfig, CatTaxStore, LeaderboardEntry, Payment

__all__ = [
    "ARCHIVE_DURATIONS", "DEFAULT_EMOJI", "AttachmentInfo", "CatTaxConfig", "CatTaxStore", "LeaderboardEntry",
    "NudgeCooldown", "ParsedEmoji", "Payment", "PostKind", "PostVerdict", "TextOnlyAction", "classify_post",
    "fit_title", "parse_emoji",
]
