from hypothesis import given, settings
from hypothesis import strategies as st

from bot.guidance.matcher import normalise, normalise_with_offsets

chat_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("习近平六四達賴喇嘛 .-_*·\u200bＸｉ"),
    ),
    max_size=40,
)


@given(chat_text)
@settings(max_examples=300, deadline=None)
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


@given(chat_text)
@settings(max_examples=300, deadline=None)
def test_offsets_point_into_the_original(text):
    normalised, origins = normalise_with_offsets(text)
    assert len(origins) == len(normalised)
    assert all(0 <= i < len(text) for i in origins)
    assert origins == sorted(origins)


@given(chat_text)
@settings(max_examples=300, deadline=None)
def test_matcher_spans_stay_inside_the_message(matcher, text):
    for match in matcher.find(text):
        for start, end in match.spans:
            assert 0 <= start < end <= len(text)
