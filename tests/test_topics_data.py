"""Tests for the shipped bilingual topic-room data (locale/data/topics.json)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import opencc
import pytest

from bot.topics_data import (
    DEFAULT_TOPICS_PATH,
    Prompt,
    StarterTopic,
    TopicsDataError,
    load_starter_topics,
    normalize_lang,
    parse_starter_topics,
)

CHANNEL_SAFE = re.compile(r"^[a-z0-9-]{1,90}$")
TOPIC_TEXT_FIELDS = (
    "slug",
    "emoji",
    "name_en",
    "name_zh_hans",
    "name_zh_hant",
    "description_en",
    "description_zh_hans",
    "description_zh_hant",
)
EXPECTED_SLUGS = {
    "groceries",
    "rent-housing",
    "healthcare",
    "schools-parenting",
    "family",
    "work-careers",
    "food-cooking",
    "travel",
    "fashion-beauty",
    "pets",
    "music-fandoms",
    "language-exchange",
}
HAN = re.compile(r"[\u4e00-\u9fff]")

S2TW = opencc.OpenCC("s2tw")
T2S = opencc.OpenCC("t2s")


@pytest.fixture(scope="module")
def topics() -> list[StarterTopic]:
    return load_starter_topics()


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(DEFAULT_TOPICS_PATH.read_text(encoding="utf-8"))


def _all_trilingual(topics: list[StarterTopic]):
    """(where, en, zh_hans, zh_hant) for every name, description and prompt."""
    for t in topics:
        yield f"{t.slug}.name", t.name_en, t.name_zh_hans, t.name_zh_hant
        yield f"{t.slug}.description", t.description_en, t.description_zh_hans, t.description_zh_hant
        for i, p in enumerate(t.prompts):
            yield f"{t.slug}.prompts[{i}]", p.en, p.zh_hans, p.zh_hant


# --- the shipped file -------------------------------------------------------


def test_default_path_is_repo_locale_data():
    assert DEFAULT_TOPICS_PATH.parts[-3:] == ("locale", "data", "topics.json")
    assert DEFAULT_TOPICS_PATH.is_file()


def test_file_loads(topics):
    assert all(isinstance(t, StarterTopic) for t in topics)
    assert all(isinstance(p, Prompt) for t in topics for p in t.prompts)
    assert load_starter_topics(DEFAULT_TOPICS_PATH) == topics
    assert load_starter_topics(str(DEFAULT_TOPICS_PATH)) == topics


def test_covers_the_starter_topics(topics):
    assert {t.slug for t in topics} == EXPECTED_SLUGS


def test_every_topic_field_non_empty(topics):
    for t in topics:
        for name in TOPIC_TEXT_FIELDS:
            value = getattr(t, name)
            assert isinstance(value, str) and value.strip(), f"{t.slug}.{name} is empty"
            assert value == value.strip(), f"{t.slug}.{name} has stray whitespace"
        for i, p in enumerate(t.prompts):
            for lang in ("en", "zh_hans", "zh_hant"):
                value = getattr(p, lang)
                assert value.strip() and value == value.strip(), f"{t.slug}.prompts[{i}].{lang}"


def test_enough_prompts(topics):
    for t in topics:
        assert len(t.prompts) >= 12, f"{t.slug} has only {len(t.prompts)} prompts"
    assert sum(len(t.prompts) for t in topics) >= 144


def test_slugs_unique_and_channel_safe(topics):
    slugs = [t.slug for t in topics]
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert CHANNEL_SAFE.fullmatch(slug), slug
        assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug, slug


def test_names_unique_per_language(topics):
    for attr in ("name_en", "name_zh_hans", "name_zh_hant"):
        names = [getattr(t, attr) for t in topics]
        assert len(names) == len(set(names)), attr


def test_no_duplicate_prompts(topics):
    for lang in ("en", "zh_hans", "zh_hant"):
        seen: dict[str, str] = {}
        for t in topics:
            for p in t.prompts:
                key = re.sub(r"\W+", " ", getattr(p, lang)).strip().casefold()
                assert key not in seen, f"duplicate {lang} prompt in {t.slug} and {seen[key]}: {key!r}"
                seen[key] = t.slug


def test_english_is_english_and_chinese_is_chinese(topics):
    for where, en, hans, hant in _all_trilingual(topics):
        assert not HAN.search(en), f"{where}: Chinese characters in English text"
        assert HAN.search(hans), f"{where}: no Chinese in zh_hans"
        assert HAN.search(hant), f"{where}: no Chinese in zh_hant"


def test_prompts_end_like_prompts(topics):
    for t in topics:
        for p in t.prompts:
            assert p.en[-1] in "?.!", p.en
            assert p.zh_hans[-1] in "？。！）", p.zh_hans
            assert p.zh_hant[-1] in "？。！）", p.zh_hant


def test_zh_hant_mostly_differs_from_zh_hans(topics):
    items = list(_all_trilingual(topics))
    same = [where for where, _, hans, hant in items if hans == hant]
    # A very short line can be script-neutral (e.g. 你能吃多辣？), but not many.
    assert len(same) <= len(items) // 20, same


def test_zh_hant_has_no_simplified_characters(topics):
    # Traditional (Taiwan standard) text is a fixed point of Simplified -> Traditional.
    # (Plain s2t would "fix" 吃 -> 喫 and 群 -> 羣, OpenCC's own standard forms.)
    for where, _, _, hant in _all_trilingual(topics):
        assert S2TW.convert(hant) == hant, f"{where}: simplified characters in {hant!r}"


def test_zh_hans_has_no_traditional_characters(topics):
    for where, _, hans, _ in _all_trilingual(topics):
        assert T2S.convert(hans) == hans, f"{where}: traditional characters in {hans!r}"


def test_zh_hant_is_the_same_text_as_zh_hans(topics):
    # Loose sanity that the two scripts say the same thing: lengths stay close
    # (Taiwan-usage rewording is allowed, a missing clause is not).
    for where, _, hans, hant in _all_trilingual(topics):
        assert abs(len(hans) - len(hant)) <= max(8, len(hans) // 2), where


def test_zh_hant_uses_corner_quotes(topics):
    for where, _, _, hant in _all_trilingual(topics):
        assert "“" not in hant and "”" not in hant, f"{where}: use 「」 in Traditional text"


# --- accessors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("en-AU", "en"),
        ("zh", "zh_hans"),
        ("zh-CN", "zh_hans"),
        ("zh_hans", "zh_hans"),
        ("zh-Hans", "zh_hans"),
        ("zh-TW", "zh_hant"),
        ("zh_hant", "zh_hant"),
        ("zh-HK", "zh_hant"),
        ("zh-Hant-TW", "zh_hant"),
    ],
)
def test_normalize_lang(lang, expected):
    assert normalize_lang(lang) == expected


def test_normalize_lang_rejects_unknown():
    with pytest.raises(ValueError, match="unsupported language"):
        normalize_lang("fr")


def test_localized_accessors(topics):
    t = next(t for t in topics if t.slug == "groceries")
    assert t.name("en") == t.name_en
    assert t.name("zh-CN") == t.name_zh_hans
    assert t.description("zh-TW") == t.description_zh_hant
    p = t.prompts[0]
    assert p.text("zh-TW") == p.zh_hant
    assert p.bilingual() == f"{p.en} · {p.zh_hans}"
    assert p.bilingual("zh_hant", sep=" / ") == f"{p.en} / {p.zh_hant}"
    with pytest.raises(ValueError):
        p.bilingual("en")


# --- malformed files ----------------------------------------------------------


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "topics.json"
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_raises_clear_error(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(TopicsDataError, match="file not found") as info:
        load_starter_topics(missing)
    assert str(missing) in str(info.value)


def test_invalid_json_raises_clear_error(tmp_path):
    path = _write(tmp_path, '{"version": 1, "topics": [')
    with pytest.raises(TopicsDataError, match=r"invalid JSON at line 1"):
        load_starter_topics(path)


def test_not_utf8_raises_clear_error(tmp_path):
    path = tmp_path / "topics.json"
    path.write_bytes(b'{"version": 1, "topics": ["\xff"]}')
    with pytest.raises(TopicsDataError, match="cannot read file"):
        load_starter_topics(path)


def test_error_is_a_value_error():
    assert issubclass(TopicsDataError, ValueError)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.clear(), r"version: unsupported version None"),
        (lambda d: d.update(version=2), r"version: unsupported version 2"),
        (lambda d: d.update(topics=[]), r"topics: must be a non-empty list"),
        (lambda d: d.update(topics={}), r"topics: must be a non-empty list"),
        (lambda d: d["topics"].__setitem__(0, "groceries"), r"topics\[0\]: must be an object"),
        (lambda d: d["topics"][0].pop("slug"), r"topics\[0\]: missing key 'slug'"),
        (lambda d: d["topics"][0].update(slug="Rent & Housing"), r"topics\[0\]\.slug: .* not channel-safe"),
        (lambda d: d["topics"][0].update(slug="x" * 91), r"not channel-safe"),
        (lambda d: d["topics"][1].update(slug=d["topics"][0]["slug"]), r"topics\[1\]\.slug: duplicate slug"),
        (lambda d: d["topics"][0].update(emoji=""), r"topics\[0\]\.emoji: must be a non-empty string"),
        (lambda d: d["topics"][0].pop("name"), r"topics\[0\]: missing key 'name'"),
        (lambda d: d["topics"][0].update(name="Groceries"), r"topics\[0\]\.name: must be an object"),
        (lambda d: d["topics"][0]["name"].pop("zh_hant"), r"topics\[0\]\.name: missing key 'zh_hant'"),
        (
            lambda d: d["topics"][0]["description"].update(zh_hans="   "),
            r"topics\[0\]\.description\.zh_hans: must be a non-empty string",
        ),
        (lambda d: d["topics"][0].update(prompts=[]), r"topics\[0\]\.prompts: must be a non-empty list"),
        (
            lambda d: d["topics"][0]["prompts"].__setitem__(3, "What is rent?"),
            r"topics\[0\]\.prompts\[3\]: must be an object",
        ),
        (
            lambda d: d["topics"][0]["prompts"][3].update(zh_hant=None),
            r"topics\[0\]\.prompts\[3\]\.zh_hant: must be a non-empty string",
        ),
    ],
)
def test_malformed_data_raises_clear_error(tmp_path, raw, mutate, message):
    data = copy.deepcopy(raw)
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(TopicsDataError, match=message) as info:
        load_starter_topics(path)
    assert str(info.value).startswith(f"{path}: ")


def test_top_level_must_be_object(tmp_path):
    with pytest.raises(TopicsDataError, match="top level must be an object"):
        load_starter_topics(_write(tmp_path, "[]"))


def test_parse_without_file(raw):
    topics = parse_starter_topics(copy.deepcopy(raw))
    assert [t.slug for t in topics] == [t["slug"] for t in raw["topics"]]
    with pytest.raises(TopicsDataError, match=r"^<topics data>: "):
        parse_starter_topics(None)
