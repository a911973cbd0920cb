import json
from collections import Counter

import pytest

from bot.guidance.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    SEVERITIES,
    Bilingual,
    Catalogue,
    CatalogueError,
    Entry,
    to_taiwan_traditional,
)
from bot.guidance.matcher import normalise

RAW = json.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_every_entry_explains_itself_in_both_languages_with_a_source(catalogue):
    for entry in catalogue.entries:
        assert entry.explanation.en and entry.explanation.zh, entry.id
        assert entry.title.en and entry.title.zh, entry.id
        assert entry.sources and all(url.startswith("https://") for url in entry.sources), entry.id
        assert entry.severity in SEVERITIES


def test_every_entry_belongs_to_a_described_category(catalogue):
    for category in catalogue.categories.values():
        assert category.name.en and category.name.zh and category.description.zh
    assert {entry.category for entry in catalogue.entries} == set(catalogue.categories)


def test_entry_ids_are_unique():
    ids = Counter(raw["id"] for raw in RAW["entries"])
    assert [entry_id for entry_id, count in ids.items() if count > 1] == []


def test_catalogue_has_between_forty_and_sixty_entries(catalogue):
    assert 40 <= len(catalogue.entries) <= 60


def test_every_standalone_term_is_found_by_the_matcher(matcher, catalogue):
    for entry in catalogue.entries:
        for term in entry.terms:
            ids = [m.entry_id for m in matcher.find(f" {term} ")]
            assert entry.id in ids or any(normalise(term) in normalise(e) for e in entry.not_when), (
                entry.id, term)


def test_traditional_terms_fold_to_a_simplified_term_of_the_same_entry(catalogue):
    for entry in catalogue.entries:
        simplified = {
            normalise(term)
            for kind, terms in entry.terms_by_kind.items() if kind != "zh_hant"
            for term in terms
        }
        for term in entry.terms_by_kind.get("zh_hant", ()):
            assert normalise(term) in simplified, (entry.id, term)


def test_traditional_explanation_is_derived_for_taiwan_locale():
    text = Bilingual("Posts are hidden.", "帖子会被隐藏。")
    assert text.for_locale("zh-TW") == "貼文會被隱藏。"  # Taiwan's word for a post
    assert text.for_locale("zh-CN") == "帖子会被隐藏。"
    assert text.for_locale("en-US") == "Posts are hidden."
    assert text.for_locale("fr") == "Posts are hidden."


def _raw_entry(**changes):
    entry = {
        "id": "sample", "category": "leaders", "severity": "low",
        "title": {"en": "Sample", "zh": "样例"}, "terms": {"zh_hans": ["样例词"]},
        "explanation": {"en": "Why.", "zh": "原因。"}, "sources": ["https://example.org/"],
    }
    entry.update(changes)
    return entry


@pytest.mark.parametrize("changes, problem", [
    ({"terms": {"en": ["xi"]}}, "fewer than three"),
    ({"terms": {"zh_hans": ["习"]}}, "single Chinese character"),
    ({"explanation": {"en": "Why."}}, "explanation.zh"),
    ({"sources": []}, "source"),
    ({"sources": ["not a url"]}, "http"),
    ({"severity": "extreme"}, "severity"),
    ({"terms": {"klingon": ["qapla"]}}, "unknown term kind"),
    ({"near": [{"names": ["天安门"]}]}, "near[0].context"),
    ({"near": [{"names": [], "context": ["事"]}]}, "at least one name and one context word"),
    ({"near": [{"names": ["天安门"], "context": ["事"], "within": 99}]}, "within must be a whole number"),
    ({"near": [{"names": ["天安门"], "context": ["事"], "within": "5"}]}, "within must be a whole number"),
    ({"near": [{"names": ["天安门"], "context": ["事"], "nearby": 3}]}, "unknown key(s) nearby"),
    ({"near": {"names": ["天安门"]}}, "near must be a list"),
])
def test_schema_problems_are_reported(changes, problem):
    with pytest.raises(CatalogueError) as error:
        Entry.from_dict(_raw_entry(**changes))
    assert problem in str(error.value)


def test_catalogue_rejects_unknown_category_and_duplicate_ids():
    data = {"categories": {}, "entries": [_raw_entry(), _raw_entry()]}
    with pytest.raises(CatalogueError) as error:
        Catalogue.from_dict(data)
    assert "unknown category" in str(error.value)
    assert "used twice" in str(error.value)


def test_guild_entries_may_omit_a_source():
    assert Entry.from_dict(_raw_entry(sources=[]), require_source=False).sources == ()



def test_traditional_texts_use_taiwan_words(catalogue):
    assert to_taiwan_traditional("普通用户发帖支持台独，帖子会被删除，账号也可能受罚；泄露文件被屏蔽。") == (
        "普通使用者發文支持臺獨，貼文會被刪除，帳號也可能受罰；洩露文件被屏蔽。")
    mainland = ("帖子", "賬號", "賬戶", "支援", "檔案")
    for entry in catalogue.entries:
        text = entry.explanation.for_locale("zh-TW") + entry.title.for_locale("zh-TW")
        assert not [word for word in mainland if word in text], (entry.id, text)


def test_an_entry_may_consist_of_near_rules_alone():
    entry = Entry.from_dict(_raw_entry(terms={}, near=[
        {"names": ["天安门"], "context": ["事", "事件"], "within": 2, "not_when": ["办事"]},
        {"names": ["tiananmen"], "context": ["1989"]},
    ]))
    assert entry.terms == ()
    assert [(rule.names, rule.context, rule.within, rule.not_when) for rule in entry.near] == [
        (("天安门",), ("事", "事件"), 2, ("办事",)),
        (("tiananmen",), ("1989",), 5, ()),
    ]
    assert entry.all_terms() == ("天安门", "事", "事件", "tiananmen", "1989")
    with pytest.raises(CatalogueError) as error:
        Entry.from_dict(_raw_entry(terms={}))
    assert "needs terms, an all_of rule or a near rule" in str(error.value)
