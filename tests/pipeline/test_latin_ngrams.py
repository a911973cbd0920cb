import json
import math
from pathlib import Path

import pytest

from bot.pipeline.latin_ngrams import LANGUAGES, build_model, latin_model


def write_profiles(directory: Path, trigrams_by_language: dict[str, dict[str, int]]) -> None:
    for language in LANGUAGES:
        freq = trigrams_by_language.get(language, {"zzz": 1})
        profile = {"name": language, "n_words": [1000, 1000, 1000], "freq": {"a": 5, "ab": 3, **freq}}
        (directory / language).write_text(json.dumps(profile), encoding="utf-8")


def test_costs_are_quantised_log_probabilities_per_language(tmp_path: Path) -> None:
    write_profiles(tmp_path, {"en": {" th": 100, "the": 50, "he ": 10}, "nl": {" de": 100, "de ": 80, "THE": 5}})
    model = build_model(tmp_path)

    totals, known = model.costs("the")
    assert known == 3  # " th", "the", "he "
    english = totals[LANGUAGES.index("en")]
    assert english == sum(round(-math.log(count / 1000) * 4) for count in (100, 50, 10))
    dutch = totals[LANGUAGES.index("nl")]
    # Dutch knows "the" (profiles are folded to lower case); the other two cost its unseen price.
    rarest_dutch = round(-math.log(5 / 1000) * 4)
    assert dutch == round(-math.log(5 / 1000) * 4) + 2 * (rarest_dutch + 4)
    assert model.english_margin("the") > 0
    assert model.english_margin("de de") < 0


def test_text_without_known_trigrams_has_no_margin(tmp_path: Path) -> None:
    write_profiles(tmp_path, {"en": {" th": 100}})
    model = build_model(tmp_path)
    assert model.english_margin("qqq 123 ...") is None
    assert model.costs("") == ([0] * len(LANGUAGES), 0)


def test_long_text_stops_at_the_trigram_cap_without_overflowing(tmp_path: Path) -> None:
    write_profiles(tmp_path, {"en": {" th": 1, "the": 1, "he ": 1}})
    model = build_model(tmp_path)
    totals, known = model.costs("the " * 5000)
    assert known < 250
    assert all(0 < total < 2**24 for total in totals)


@pytest.mark.parametrize(
    "text",
    [
        "I was wondering whether you would like to come over for dinner tonight",
        "the weather is really nice today and we are going to the beach",
    ],
)
def test_installed_profiles_prefer_english_for_english(text: str) -> None:
    model = latin_model()
    assert model is not None
    margin = model.english_margin(text)
    assert margin is not None and margin > 0


@pytest.mark.parametrize(
    "text",
    [
        "Kristallografie is de wetenschap die de ordening van atomen bestudeert",
        "Non ho ancora studiato come provare o esprimere rabbia",
        "Eu gosto de ver filmes com os meus amigos",
    ],
)
def test_installed_profiles_prefer_another_language_for_other_languages(text: str) -> None:
    model = latin_model()
    assert model is not None
    margin = model.english_margin(text)
    assert margin is not None and margin < 0
