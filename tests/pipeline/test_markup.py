import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pipeline.markup import protect

PLACEHOLDER_ARTEFACT = re.compile(r"[⟦⟧]|[\[［【〖{｛]\s*[0-9０-９]+\s*[\]］】〗}｝]")


def upper(segments: list[str]) -> list[str]:
    return [segment.upper() for segment in segments]


def test_plain_prose_is_one_segment_and_round_trips() -> None:
    protected = protect("hello there, friend")
    assert protected.prose_segments == ["hello there, friend"]
    assert protected.reassemble(["你好，朋友"]) == "你好，朋友"


def test_structure_is_never_sent_to_the_translator() -> None:
    text = "> quoted\n-# subtext\n# Heading\n- item one\n1. item two\n```py\nprint('x')\n```\nafter"
    protected = protect(text)
    assert protected.prose_segments == ["quoted", "subtext", "Heading", "item one", "item two", "after"]
    assert protected.reassemble(upper(protected.prose_segments)) == (
        "> QUOTED\n-# SUBTEXT\n# HEADING\n- ITEM ONE\n1. ITEM TWO\n```py\nprint('x')\n```\nAFTER"
    )


@pytest.mark.parametrize(
    "token",
    [
        "<@123456789012345678>",
        "<@!123456789012345678>",
        "<@&42>",
        "<#99>",
        "@everyone",
        "@here",
        "<:pepe:123>",
        "<a:dance:456>",
        "<t:1700000000:R>",
        "https://example.com/a_b?c=1",
        "<https://example.com>",
        "`inline code`",
        "👍",
        "👍🏽",
        "👨‍👩‍👧",
        "🇨🇳",
        "1️⃣",
        "🏳️‍🌈",
    ],
)
def test_inline_tokens_survive_translation_in_place(token: str) -> None:
    protected = protect(f"look {token} here")
    assert token not in "".join(protected.prose_segments)
    assert protected.reassemble(upper(protected.prose_segments)) == f"LOOK {token} HERE"


def test_markdown_markers_stay_in_place() -> None:
    protected = protect("this is **very** important, ~~not~~ __really__ ||secret|| *ok*")
    assert protected.reassemble(upper(protected.prose_segments)) == (
        "THIS IS **VERY** IMPORTANT, ~~NOT~~ __REALLY__ ||SECRET|| *OK*"
    )


def test_tokens_at_the_ends_of_a_line_are_not_sent() -> None:
    protected = protect("<@1> **thanks!** 👍")
    assert protected.prose_segments == ["thanks!"]
    assert protected.reassemble(["谢谢！"]) == "<@1> **谢谢！** 👍"


def test_lines_without_prose_are_kept_whole() -> None:
    protected = protect("<@1> <@2> 👍\n666")
    assert protected.prose_segments == []
    assert protected.reassemble([]) == "<@1> <@2> 👍\n666"


def test_segment_whitespace_and_newlines_are_kept() -> None:
    protected = protect("  hello  \n\n  world\n")
    assert protected.prose_segments == ["hello", "world"]
    assert protected.reassemble([" 你好 ", "世界\n"]) == "  你好  \n\n  世界\n"


def test_zero_width_characters_are_stripped_from_prose_but_not_from_emoji() -> None:
    protected = protect("he\u200bllo\u2060 world\ufeff 👨‍👩‍👧 ok")
    assert protected.prose_segments == ["hello world ⟦1⟧ ok"]
    assert protected.reassemble(protected.prose_segments) == "hello world 👨‍👩‍👧 ok"


def test_snake_case_words_keep_their_underscores_in_prose() -> None:
    assert protect("rename my_var now").prose_segments == ["rename my_var now"]


def test_glossary_latin_terms_are_case_insensitive_whole_words() -> None:
    protected = protect("The Server and the servers on this server", glossary={"server": "服务器"})
    assert protected.reassemble(protected.prose_segments) == "The 服务器 and the servers on this 服务器"


def test_glossary_term_mapped_to_itself_is_kept_as_written() -> None:
    protected = protect("ask qiao about it", glossary={"Qiao": "Qiao"})
    assert protected.reassemble(["问 ⟦1⟧ 吧"]) == "问 qiao 吧"


def test_glossary_han_terms_match_exactly_inside_text() -> None:
    protected = protect("我喜欢桥这个机器人", glossary={"桥": "Qiao"})
    assert protected.prose_segments == ["我喜欢⟦1⟧这个机器人"]
    assert protected.reassemble(["I like ⟦1⟧ the bot"]) == "I like Qiao the bot"


def test_glossary_latin_terms_may_touch_chinese_but_not_latin_letters() -> None:
    protected = protect("今天的饭yyds，yydsss 不算", glossary={"yyds": "yyds"})
    assert protected.prose_segments == ["今天的饭⟦1⟧，yydsss 不算"]
    assert protected.reassemble(["Today's food ⟦1⟧, yydsss does not count"]) == "Today's food yyds, yydsss does not count"


def test_glossary_does_not_reach_into_urls() -> None:
    protected = protect("see https://server.example/x now", glossary={"server": "服务器"})
    assert protected.reassemble(protected.prose_segments) == "see https://server.example/x now"


def test_users_own_placeholder_lookalikes_are_protected() -> None:
    protected = protect("see note [1] and ⟦2⟧ here")
    assert protected.reassemble(upper(protected.prose_segments)) == "SEE NOTE [1] AND ⟦2⟧ HERE"


def test_a_placeholder_missing_a_bracket_is_still_restored_in_place() -> None:
    protected = protect("say <@1> now")
    assert protected.reassemble(["现在 ⟦1 说"]) == "现在 <@1> 说"
    assert protected.reassemble(["现在 １⟧ 说"]) == "现在 <@1> 说"


def test_wrong_number_of_segments_is_an_error() -> None:
    with pytest.raises(ValueError):
        protect("hello").reassemble([])


MANGLED_CASES = [
    ("dropped", lambda s: re.sub(r"⟦\d+⟧", "", s)),
    ("spaced", lambda s: s.replace("⟦", "⟦ ").replace("⟧", " ⟧")),
    ("full-width", lambda s: s.translate(str.maketrans("0123456789⟦⟧", "０１２３４５６７８９［］"))),
    ("square brackets", lambda s: s.replace("⟦", "[").replace("⟧", "]")),
    ("lenticular", lambda s: s.replace("⟦", "【").replace("⟧", "】")),
    ("reordered", lambda s: " ".join(reversed(s.split()))),
    ("duplicated", lambda s: s + " " + s),
    ("invented", lambda s: s + " ⟦7⟧ [12] ⟦"),
    ("half-eaten", lambda s: s.replace("⟧", "")),
    ("everything lost", lambda s: "完全不同的翻译"),
]


@pytest.mark.parametrize(("name", "mangle"), MANGLED_CASES, ids=[case[0] for case in MANGLED_CASES])
def test_mangling_translator_never_loses_tokens_or_leaks_placeholders(name, mangle) -> None:
    tokens = ["<@123>", "`x_y`", "https://a.io/p", "<:e:1>", "🇨🇳", "**", "**"]
    text = "hi <@123> run `x_y` at https://a.io/p now <:e:1> ok 🇨🇳 and **bold** end"
    result = protect(text).reassemble([mangle(s) for s in protect(text).prose_segments])
    for token in set(tokens):
        assert result.count(token) >= tokens.count(token), (name, result)
    assert not PLACEHOLDER_ARTEFACT.search(result), (name, result)


# --- property tests -----------------------------------------------------------------------

TOKENS = [
    "<@123>",
    "<@!45>",
    "<@&6>",
    "<#789>",
    "@everyone",
    "<:pepe:1>",
    "<a:wave:22>",
    "<t:1700000000:R>",
    "https://example.com/x_y",
    "<https://example.org>",
    "`code`",
    "```js\nlet a = 1\n```",
    "👍",
    "👍🏿",
    "👩‍💻",
    "🇯🇵",
    "#️⃣",
    "||",
    "**",
    "~~",
]
GLOSSARY = {"bridge": "桥", "Qiao": "Qiao", "频道": "channel"}
GLOSSARY_OUTPUT = {"bridge": "桥", "Qiao": "Qiao", "频道": "channel"}
PROSE = st.text(
    alphabet=st.sampled_from(list("abcdefghij XYZ.,!?你好世界的\n\u200b")),
    max_size=12,
)
PIECE = st.one_of(
    PROSE,
    st.sampled_from(TOKENS).map(lambda t: ("token", t)),
    st.sampled_from(sorted(GLOSSARY)).map(lambda t: ("glossary", t)),
)


def build(pieces: list) -> tuple[str, list[str]]:
    """Join pieces with spaces (so they cannot merge) and list the outputs that must survive."""
    text_parts: list[str] = []
    expected: list[str] = []
    for piece in pieces:
        if isinstance(piece, tuple):
            kind, value = piece
            text_parts.append(f" {value} ")
            expected.append(GLOSSARY_OUTPUT[value] if kind == "glossary" else value)
        else:
            text_parts.append(piece)
    return "".join(text_parts), expected


def mangler(seed: int):
    rng = random.Random(seed)
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")

    def translate(segment: str) -> str:
        words = re.split(r"(\s+|⟦\d+⟧)", segment)
        out: list[str] = []
        for word in words:
            choice = rng.random()
            if re.fullmatch(r"⟦\d+⟧", word):
                if choice < 0.15:
                    continue  # dropped
                if choice < 0.3:
                    word = word.translate(full_width)
                elif choice < 0.4:
                    word = "[ " + word[1:-1] + " ]"
                elif choice < 0.5:
                    word = word + word  # duplicated
                elif choice < 0.6:
                    word = "【" + word[1:-1]  # half-eaten closing bracket
                    word += "】"
            elif choice < 0.3:
                word = word.upper()
            elif choice < 0.4:
                word = "翻译"
            out.append(word)
        if rng.random() < 0.3:
            rng.shuffle(out)
        if rng.random() < 0.2:
            out.append(f" ⟦{rng.randint(0, 99)}⟧ ")
        if rng.random() < 0.1:
            out.append("⟦")
        return "".join(out)

    return translate


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECE, max_size=12), st.integers(0, 2**32))
def test_every_token_survives_any_mangling_and_no_placeholder_leaks(pieces: list, seed: int) -> None:
    text, expected = build(pieces)
    protected = protect(text, glossary=GLOSSARY)
    result = protected.reassemble([mangler(seed)(s) for s in protected.prose_segments])
    for output in set(expected):
        assert result.count(output) >= expected.count(output), (text, result)
    remainder = result
    for output in set(expected):
        remainder = remainder.replace(output, " ")
    assert not PLACEHOLDER_ARTEFACT.search(remainder), (text, result)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECE, max_size=12))
def test_identity_translation_reproduces_the_message(pieces: list) -> None:
    text, _ = build(pieces)
    protected = protect(text)
    assert protected.untranslated == text.replace("\u200b", "")
