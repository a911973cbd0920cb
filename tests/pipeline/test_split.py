import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pipeline.split import split_message

WHITESPACE = re.compile(r"\s+")
FENCE = re.compile(r"```(?:[a-z]+(?=\n))?")


def squeeze(text: str) -> str:
    return WHITESPACE.sub("", FENCE.sub("", text))


def test_short_text_is_one_chunk() -> None:
    assert split_message("hello") == ["hello"]


def test_empty_text_gives_no_chunks() -> None:
    assert split_message("") == []
    assert split_message("   \n ") == []


def test_splits_at_paragraphs_first() -> None:
    first, second = "a" * 30 + " b.", "c" * 30
    assert split_message(f"{first}\n\n{second}", limit=40) == [first, second]


def test_splits_at_sentences_when_a_paragraph_is_too_long() -> None:
    text = "One short sentence here. Another short sentence here. A third one."
    assert split_message(text, limit=40) == [
        "One short sentence here.",
        "Another short sentence here.",
        "A third one.",
    ]


def test_splits_chinese_at_full_width_sentence_ends() -> None:
    text = "今天天气很好。" * 6 + "我们去公园吧！" * 6
    chunks = split_message(text, limit=45)
    assert all(len(chunk) <= 45 for chunk in chunks)
    assert all(chunk.endswith(("。", "！")) for chunk in chunks)
    assert "".join(chunks) == text


def test_an_oversize_word_is_cut_hard() -> None:
    assert split_message("x" * 100, limit=40) == ["x" * 40, "x" * 40, "x" * 20]


def test_never_cuts_inside_a_code_block_that_fits() -> None:
    block = "```py\n" + "\n".join(f"x = {i}" for i in range(5)) + "\n```"
    text = "intro words here\n" + block + "\nafter"
    chunks = split_message(text, limit=len(block) + 5)
    assert block in chunks


def test_an_oversize_code_block_is_closed_and_reopened_with_its_language() -> None:
    body = "\n".join(f"print({i})" for i in range(60))
    text = f"look:\n```python\n{body}\n```\ndone"
    chunks = split_message(text, limit=100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    code_chunks = [chunk for chunk in chunks if "print(" in chunk]
    assert len(code_chunks) > 1
    for chunk in code_chunks:
        assert chunk.count("```") % 2 == 0
        assert chunk.lstrip("look:\n").startswith("```python\n")
    assert squeeze("\n".join(chunks)) == squeeze(text)


def test_limit_below_minimum_is_rejected() -> None:
    with pytest.raises(ValueError):
        split_message("text", limit=5)


WORD = st.text(alphabet=st.sampled_from(list("abcdef你好。！？.!?")), min_size=1, max_size=30)
SEPARATOR = st.sampled_from([" ", " ", " ", "\n", "\n\n", ". ", "。"])
CODE = st.builds(
    lambda lang, lines: f"```{lang}\n" + "\n".join(lines) + "\n```",
    st.sampled_from(["", "py", "js"]),
    st.lists(st.text(alphabet="abc =(){}", max_size=40), max_size=20),
)
# Each piece followed by a separator; tuples, not flatmap, which costs hypothesis ~40 ms per message.
PIECE = st.tuples(st.one_of(WORD, WORD, WORD, CODE), SEPARATOR).map("".join)
MESSAGE = st.lists(PIECE, max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(MESSAGE, st.integers(min_value=32, max_value=300))
def test_chunks_fit_and_lose_nothing(text: str, limit: int) -> None:
    chunks = split_message(text, limit=limit)
    assert all(0 < len(chunk) <= limit for chunk in chunks)
    assert all(chunk.strip() for chunk in chunks)
    assert squeeze("\n".join(chunks)) == squeeze(text)


@settings(max_examples=300, deadline=None)
@given(MESSAGE, st.integers(min_value=32, max_value=300))
def test_every_chunk_has_balanced_code_fences(text: str, limit: int) -> None:
    for chunk in split_message(text, limit=limit):
        assert chunk.count("```") % 2 == 0, chunk


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, max_size=60).map(" ".join), st.integers(min_value=32, max_value=200))
def test_text_without_code_is_reproduced_exactly_modulo_whitespace_at_cuts(text: str, limit: int) -> None:
    chunks = split_message(text, limit=limit)
    assert WHITESPACE.sub("", "".join(chunks)) == WHITESPACE.sub("", text)
