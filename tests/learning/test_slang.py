"""The slang catalogue and matcher: what counts as slang, what stays quiet, the notes it writes."""

import json
from pathlib import Path

import pytest

from bot.learning.slang import CatalogueError, SlangMatcher, entry_from_dict, load_entries, notes_for


@pytest.fixture(scope="module")
def matcher() -> SlangMatcher:
    return SlangMatcher.load()


def found(matcher: SlangMatcher, text: str) -> list[str]:
    return [hit.written for hit in matcher.find(text)]


def test_the_shipped_catalogue_covers_both_languages() -> None:
    entries = load_entries()
    chinese = {term for entry in entries if entry.language == "zh" for term in entry.terms}
    english = {term for entry in entries if entry.language == "en" for term in entry.terms}
    assert sum(entry.language == "zh" for entry in entries) >= 80
    assert sum(entry.language == "en" for entry in entries) >= 70
    for term in ("yyds", "xswl", "u1s1", "awsl", "nsdd", "666", "520", "88", "内卷", "躺平", "破防", "绝绝子",
                 "凡尔赛", "打工人", "社死", "吃瓜"):
        assert term in chinese, term
    for term in ("no cap", "slay", "rizz", "it's giving", "lowkey", "based", "mid", "ate", "delulu", "touch grass", "cat tax"):
        assert term in english, term
    for entry in entries:
        assert entry.meaning_en and entry.meaning_zh and entry.source.startswith("https://"), entry.id


@pytest.mark.parametrize(("text", "terms"), [
    ("yyds!", ["yyds"]),
    ("今天的饭YYDS", ["YYDS"]),
    ("xswl 这也太好笑了", ["xswl"]),
    ("我今天躺平了", ["躺平"]),
    ("這個行業真的太內卷了", ["內卷"]),
    ("no cap this is fire", ["no cap", "fire"]),
    ("it’s giving main character energy", ["it’s giving", "main character energy"]),
    ("she ate", ["ate"]),
    ("you ate that 💅", ["ate"]),
    ("that movie was mid", ["mid"]),
    ("so based", ["based"]),
    ("you're the goat", ["goat"]),
    ("88", ["88"]),
    ("明天见88", ["88"]),
    ("ok see you, 88!", ["88"]),
    ("666，太强了", ["666"]),
    ("lowkey tired ngl", ["lowkey", "ngl"]),
    ("cat tax please 🐱", ["cat tax"]),
    ("he's crashing out over a game", ["crashing out over"]),
    ("ignoring texts is a huge red flag", ["red flag"]),
])
def test_slang_is_found(matcher: SlangMatcher, text: str, terms: list[str]) -> None:
    assert found(matcher, text) == terms


@pytest.mark.parametrize("text", [
    "I ate lunch at noon",
    "we ate it yesterday",
    "the kids ate it",
    "who ate that?",
    "this is based on the report",
    "the company is based in London",
    "in the mid 90s",
    "meet me mid-afternoon",
    "the total is 88",
    "我考了88分",
    "我考了88",
    "I have 666 apples",
    "520块钱",
    "call 5201314 now",
    "it's giving me a headache",
    "no cap on spending this month",
    "the goat ate the grass",
    "the soup is too salty",
    "he shook my hand",
    "my bag was snatched",
    "the Victorian era",
    "https://example.com/yyds",
    "`yyds` in code",
    "the census data",  # "sus" inside a word
    "besties",  # whole words only
    "Hurry come on before I crash out!",  # British: fall asleep
    "The red flag indicated the presence of danger.",
])
def test_ordinary_uses_stay_quiet(matcher: SlangMatcher, text: str) -> None:
    assert found(matcher, text) == []


def test_each_entry_is_noted_once_and_longer_terms_win(matcher: SlangMatcher) -> None:
    hits = matcher.find("yyds yyds 太卷了")
    assert [hit.entry.id for hit in hits] == ["yyds", "neijuan"]
    assert hits[1].written == "太卷了"


def test_notes_in_the_readers_language(matcher: SlangMatcher) -> None:
    assert notes_for(matcher.find("yyds"), "en") == ["yyds = 永远的神 (yǒngyuǎn de shén), the GOAT; simply the best"]
    assert notes_for(matcher.find("躺平了"), "en")[0].startswith("躺平 (tǎngpíng) = 'lying flat'")
    assert notes_for(matcher.find("no cap"), "zh-Hans") == ["no cap = 不骗你，说真的"]
    assert notes_for(matcher.find("no cap"), "zh-Hant") == ["no cap = 不騙你，說真的"]
    many = matcher.find("yyds xswl awsl u1s1 nsdd")
    assert len(notes_for(many, "en")) == 3


def test_malformed_entries_are_refused_with_the_reason() -> None:
    good = {"id": "x-y", "language": "en", "terms": ["xyz"], "meaning": {"en": "a", "zh": "b"}, "source": "https://a"}
    assert entry_from_dict(good).terms == ("xyz",)
    problems = {
        "id": ({**good, "id": "Bad Id"}, "lowercase"),
        "language": ({**good, "language": "fr"}, "language"),
        "terms": ({**good, "terms": []}, "term"),
        "meaning": ({**good, "meaning": {"en": "a"}}, "both"),
        "source": ({**good, "source": "somewhere"}, "source"),
        "rule": ({**good, "rule": "sometimes"}, "unknown rule"),
        "regex": ({**good, "only_when": ["("]}, "does not compile"),
        "short": ({**good, "terms": ["w"]}, "context rule"),
    }
    for name, (data, words) in problems.items():
        with pytest.raises(CatalogueError, match=words):
            entry_from_dict(data)


def test_a_term_claimed_by_two_entries_is_refused(tmp_path: Path) -> None:
    entry = {"language": "en", "terms": ["xyz"], "meaning": {"en": "a", "zh": "b"}, "source": "https://a"}
    path = tmp_path / "slang.json"
    path.write_text(json.dumps({"schema": 1, "entries": [{"id": "one", **entry}, {"id": "two", **entry}]}))
    with pytest.raises(CatalogueError, match="both"):
        SlangMatcher.load(path)
    path.write_text(json.dumps({"schema": 1, "entries": [{"id": "one", **entry}, {"id": "one", **entry, "terms": ["abc"]}]}))
    with pytest.raises(CatalogueError, match="twice"):
        load_entries(path)


def test_traditional_forms_match_and_simplified_text_never_needs_them() -> None:
    matcher = SlangMatcher.load()
    assert [hit.entry.id for hit in matcher.find("这次考试真的好内卷")] == [hit.entry.id for hit in matcher.find("這次考試真的好內捲")]
    assert matcher.find("這次考試真的好內捲") and matcher.find("大家都內卷")  # whole phrase and a per-character mix
    assert matcher.find("我就躺著也中枪")  # 著 does not look Traditional to t2s
    # Traditional forms live in a second automaton, consulted only for text that t2s changes or
    # that holds a Traditional form t2s keeps: every form that is only there must be such text,
    # or a message holding it would go unmatched.
    plain = {form for form, _ in matcher._build(traditional=False).items()}
    with_traditional = {form for form, _ in matcher._build(traditional=True).items()}
    assert plain < with_traditional
    assert all(matcher._automaton_for(form) is matcher._with_traditional for form in with_traditional - plain)
