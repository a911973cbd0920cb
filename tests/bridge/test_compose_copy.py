"""What a copy says around its words: footers (labels, notices, late mark) and combined posts' footers."""

from __future__ import annotations

from bot.bridge.compose import CopyComposer, Labels, compose, without_footer, without_relay_lines
from bot.bridge.models import BridgeChannel, OriginalMessage
from bot.bridge.plan import CopyPlan

LABELS = Labels(
    machine_translation="🌐 machine translation",
    translation_unavailable="⚠️ translation unavailable",
    translation_of={"en": "↪ translation of {link}", "zh-Hans": "↪ {link} 的翻译"},
)
LATE = "-# ⏱ late"
CHANNEL = BridgeChannel(20, 1, 7, "en")
NO_LABEL = BridgeChannel(21, 1, 7, "en", show_label=False)
ORIGINAL = OriginalMessage(100, 10, 7, 5, "Ann", None, "你好")


def composer() -> CopyComposer:
    return CopyComposer(LABELS, LATE, store=None, translator=None)


def test_a_translation_carries_the_label_and_a_late_copy_its_mark_below() -> None:
    plan = CopyPlan(CHANNEL, "en", "zh-Hans")
    assert composer().footer(ORIGINAL, plan, late=False) == "-# 🌐 machine translation"
    assert composer().footer(ORIGINAL, plan, late=True) == "-# 🌐 machine translation\n-# ⏱ late"
    assert composer().footer(ORIGINAL, CopyPlan(NO_LABEL, "en", "zh-Hans"), late=False) == ""


def test_an_untranslated_copy_says_so_and_a_forward_says_it_is_one() -> None:
    forwarded = OriginalMessage(100, 10, 7, 5, "Ann", None, "你好", forwarded=True)
    plan = CopyPlan(CHANNEL, "en", "zh-Hans")
    assert composer().untranslated_footer(ORIGINAL, plan) == "-# ⚠️ translation unavailable"
    assert composer().untranslated_footer(forwarded, plan) == "-# ↪ forwarded · 转发 · ⚠️ translation unavailable"
    assert composer().untranslated_contents(ORIGINAL, plan, header="") == ["你好\n-# ⚠️ translation unavailable"]


def test_a_translation_under_its_original_links_it() -> None:
    plan = CopyPlan(CHANNEL, "en", "zh-Hans", under_original=True)
    footer = composer().footer(ORIGINAL, plan, late=False)
    assert footer == f"-# ↪ translation of {ORIGINAL.jump_url()} · 🌐 machine translation"


def test_a_combined_post_carries_each_footer_line_once() -> None:
    footers = ["-# 🌐 machine translation", "", "-# 🌐 machine translation\n-# ⏱ late"]
    assert composer().combined_footer(footers) == "-# 🌐 machine translation · ⏱ late"


def test_a_combined_post_once_translated_swaps_the_notice_for_the_label() -> None:
    footer = "-# ⚠️ translation unavailable · ⏱ late"
    assert composer().footer_once_translated(footer, show_label=True) == "-# ⏱ late · 🌐 machine translation"
    assert composer().footer_once_translated(footer, show_label=False) == "-# ⏱ late"
    assert composer().footer_once_translated("-# ⏱ late", show_label=True) == "-# ⏱ late"


def test_the_words_of_a_copy_are_its_first_post_without_the_footer() -> None:
    footer = composer().footer(ORIGINAL, CopyPlan(CHANNEL, "en", "zh-Hans"), late=True)
    [post] = compose("Hello", footer=footer)
    assert without_footer(post, footer) == "Hello"
    assert without_footer(footer, footer) == ""
    assert without_relay_lines(post, composer().relay_markers(notes=False)) == "Hello"
