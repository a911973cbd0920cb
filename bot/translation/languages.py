"""Language codes the bot speaks and Simplified/Traditional script handling.

Targets are always explicit: ``en``, ``zh-Hans`` or ``zh-Hant``. A source may also be ``auto``
(let the provider detect) or ``zh`` (Chinese, script unknown).

Traditional output uses OpenCC ``s2twp`` (Simplified -> Traditional as written in Taiwan, with
phrase conversion such as 软件 -> 軟體): Discord's only Traditional locale is zh-TW, and ``s2t``
would give character-by-character output that Taiwanese readers find odd.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from bot.chinese_scripts import to_simplified, to_traditional

TargetLang = Literal["en", "zh-Hans", "zh-Hant"]
SourceLang = Literal["auto", "en", "zh", "zh-Hans", "zh-Hant"]

TARGET_LANGS: Final[frozenset[str]] = frozenset(get_args(TargetLang))
SOURCE_LANGS: Final[frozenset[str]] = frozenset(get_args(SourceLang))
CHINESE: Final[frozenset[str]] = frozenset({"zh", "zh-Hans", "zh-Hant"})


def looks_simplified_only(text: str) -> bool:
    """True when the text has Simplified-only characters and no Traditional-only ones.

    Used to catch a provider that was asked for Traditional but answered in Simplified, without
    running ``s2t`` over real Traditional text (that rewrites e.g. 吃 -> 喫 and 床 -> 牀).
    """
    return to_simplified(text) == text and to_traditional(text) != text


def ensure_script(text: str, target: str, *, provider_wrote_traditional: bool) -> str:
    """Bring a translation into the script the target asks for."""
    if target == "zh-Hans":
        return to_simplified(text)
    if target == "zh-Hant":
        if not provider_wrote_traditional or looks_simplified_only(text):
            return to_traditional(text)
    return text


def check_languages(source: str, target: str) -> None:
    """Raise ValueError for codes outside the contract (a programming error, not a provider one)."""
    if source not in SOURCE_LANGS:
        raise ValueError(f"unknown source language {source!r}; expected one of {sorted(SOURCE_LANGS)}")
    if target not in TARGET_LANGS:
        raise ValueError(f"unknown target language {target!r}; expected one of {sorted(TARGET_LANGS)}")
