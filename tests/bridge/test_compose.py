"""The text of a copy: webhook names, mentions, reply lines, attachments, labels."""

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.bridge.compose import (
    attachment_lines,
    compose,
    excerpt,
    neutralise_mass_mentions,
    reply_line,
    subtext,
    webhook_username,
    without_relay_lines,
)
from bot.bridge.models import Attachment, Sticker
from bot.pipeline.patterns import CODE_BLOCK, INLINE_CODE


def test_webhook_username_hides_forbidden_words_case_insensitively() -> None:
    name = webhook_username("Discord fan Clyde")
    assert "discord" not in name.lower() and "clyde" not in name.lower()
    assert name.replace("\u200b", "") == "Discord fan Clyde"


@given(st.text())
def test_webhook_username_is_always_acceptable(raw: str) -> None:
    name = webhook_username(raw)
    assert 1 <= len(name) <= 80
    assert "discord" not in name.lower() and "clyde" not in name.lower()
    assert name.strip() == name


def test_mass_mentions_cannot_ping() -> None:
    text = neutralise_mass_mentions("hi @everyone and @here, mail me@here.com")
    assert "@everyone" not in text and "@here," not in text
    assert "@\u200beveryone" in text


def test_mass_mentions_inside_code_are_copied_as_written() -> None:
    text = "run `@everyone` or ``@here`` then\n```\necho @here @everyone\n```\nand tell @everyone"
    assert neutralise_mass_mentions(text) == (
        "run `@everyone` or ``@here`` then\n```\necho @here @everyone\n```\nand tell @\u200beveryone"
    )


def test_backticks_that_open_no_code_do_not_shield_a_mass_mention() -> None:
    # An escaped backtick is a plain character, and a fence never closed is no code block.
    assert neutralise_mass_mentions("\\`@everyone\\`") == "\\`@\u200beveryone\\`"
    assert neutralise_mass_mentions("```\n@here") == "```\n@\u200bhere"


@given(st.text(alphabet="`\\@ab\n everyonhr"))
def test_outside_code_no_mass_mention_survives(raw: str) -> None:
    neutral = neutralise_mass_mentions(raw)
    assert neutral.replace("\u200b", "") == raw.replace("\u200b", "")
    outside = re.sub(rf"\\[\s\S]|{CODE_BLOCK}|{INLINE_CODE}", lambda m: m.group() if m.group().startswith("\\") else "", neutral)
    assert not re.search(r"@(everyone|here)\b", outside)


def test_reply_line_names_author_quotes_and_links() -> None:
    line = reply_line("Mei_li", "first line\nsecond line", "https://discord.com/channels/1/2/3")
    assert line == "> ↩ **Mei\\_li**: first line second line https://discord.com/channels/1/2/3"


def test_excerpt_is_short_and_flattens_code() -> None:
    text = excerpt("```py\nprint(1)\n``` " + "word " * 100)
    assert len(text) <= 90 and text.endswith("…") and "```" not in text


def test_attachments_and_stickers_become_lines() -> None:
    lines = attachment_lines(
        [Attachment("https://cdn/a.png", "a.png"), Attachment("https://cdn/SPOILER_b.png", "SPOILER_b.png", True)],
        [Sticker(5, "wave", "https://media/stickers/5.png"), Sticker(6, "lottie")],
    )
    assert lines == ["https://cdn/a.png", "||https://cdn/SPOILER_b.png ||", "https://media/stickers/5.png", "[lottie]"]


def test_compose_puts_header_first_and_footer_last() -> None:
    [text] = compose("你好", header="> ↩ **A**: hi x", attachments=["https://cdn/a.png"], footer=subtext("🌐 mt"))
    assert text == "> ↩ **A**: hi x\n你好\nhttps://cdn/a.png\n-# 🌐 mt"


def test_compose_of_nothing_is_no_message() -> None:
    assert compose("") == []
    assert subtext("", "") == ""


def test_a_copy_quoted_in_a_reply_loses_the_lines_the_relay_added() -> None:
    markers = ["🌐 machine translation · 机器翻译", "⚠️ translation unavailable", "↪ forwarded · 转发", "的翻译"]
    copy = "> ↩ **Ally**: 你住在哪里 https://discord.com/channels/1/2/3\n我住在上海\n-# 🌐 machine translation · 机器翻译"
    assert without_relay_lines(copy, markers) == "我住在上海"
    late = "我住在上海\n-# ↪ forwarded · 转发 · 🌐 machine translation · 机器翻译\n-# ⏱ late"
    assert without_relay_lines(late, [*markers, "⏱ late"]) == "我住在上海"


def test_a_subtext_line_the_author_wrote_is_kept_in_the_quote() -> None:
    copy = "see below\n-# my own small print\n-# 🌐 machine translation · 机器翻译"
    assert without_relay_lines(copy, ["🌐 machine translation · 机器翻译"]) == "see below\n-# my own small print"
