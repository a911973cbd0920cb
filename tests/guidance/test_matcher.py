import pytest

from bot.guidance.catalogue import Bilingual, Catalogue, Entry, IMPORTED_ENTRY_ID
from bot.guidance.matcher import (
    GuidanceMatcher,
    GuildGuidanceConfig,
    MatcherCache,
    normalise,
    normalise_with_offsets,
)


@pytest.mark.parametrize("message, entry_id", [
    ("你知道六四吗", "june-fourth"),
    ("They never talk about the Tiananmen Square massacre", "tiananmen-massacre"),
    ("達賴喇嘛來了", "dalai-lama"),
    ("光復香港 時代革命", "hong-kong-slogans"),
    ("法輪功", "falun-gong"),
    ("he studied falungong", "falun-gong"),
])
def test_finds_chinese_english_and_traditional_terms(entry_ids, message, entry_id):
    assert entry_id in entry_ids(message)


@pytest.mark.parametrize("message", [
    "习 近 平", "习-近-平", "习.近.平", "习*近*平", "习_近_平", "习·近·平", "习\u200b近\u200b平", "ＸＩ ＪＩＮＰＩＮＧ",
    "Xi-Jinping", "xi.jinping",
])
def test_finds_names_written_apart_or_full_width(entry_ids, message):
    assert entry_ids(message) == ["xi-jinping"]


@pytest.mark.parametrize("message", [
    "see you on May 35th", "五月三十五日快乐", "5月35日", "八的平方", "VIIV", "8964", "6/4/1989", "6-4-1989",
    "June 4th, 1989",
])
def test_finds_june_fourth_date_codes(entry_ids, message):
    assert set(entry_ids(message)) & {"june-fourth", "june-fourth-codes"}


@pytest.mark.parametrize("message", ["Xí Jìnpíng", "xijinping", "liusi", "Dálài Lǎma"])
def test_finds_pinyin_with_or_without_tones(entry_ids, message):
    assert entry_ids(message)


@pytest.mark.parametrize("message", [
    "我在日本的一家公司工作",
    "警察给我打了电话",
    "I went to Tiananmen Square on vacation",
    "我们去了天安门",
    "早饭吃了两个包子",
    "我喜欢维尼",
    "xi",
    "Xi said hello",
    "Tibetan food is great",
    "I'd love to visit Tibet",
    "我一九六四年出生",
    "这事六四开吧",
    "他的台湾国语很好听",
    "May 3rd works for me",
    "the remaining 35 may arrive later",
    "我的房间只有8平方米",
    "AI时代革命性的产品",
    "我用A4纸打印",
    "这是平台独家内容",
    "收藏独特的邮票",
    "学习大大提高了效率",
    "我学习包子的做法",
    "他主张展开调查",
    "四周庭院很安静",
    "实验室泄漏了氨气",
    "大陆四大银行",
])
def test_leaves_ordinary_sentences_alone(entry_ids, message):
    assert entry_ids(message) == []


def test_latin_terms_match_whole_words_only(entry_ids):
    assert entry_ids("myvpnclient") == []
    assert entry_ids("is my VPN on?") == ["vpn-tools"]


def test_multi_part_rule_needs_every_part(entry_ids):
    assert entry_ids("Winnie the Pooh is cute") == []
    assert entry_ids("Winnie the Pooh looks like Xi") == ["xi-winnie-the-pooh"]
    assert entry_ids("小熊维尼和习近平") == ["xi-jinping", "xi-winnie-the-pooh"]


def test_one_match_per_entry_with_original_span(matcher):
    message = "六四, 六四, and 8964"
    [match] = matcher.find(message)
    assert match.entry_id == "june-fourth"
    assert match.excerpts(message) == ("六四",)


def test_span_points_into_original_text_across_folding(matcher):
    message = "Look: 習 近 平!"
    [match] = matcher.find(message)
    assert match.excerpts(message) == ("習 近 平",)


def test_normalise_with_offsets_agrees_with_normalise():
    for text in ["Ｘｉ　Ｊｉｎｐｉｎｇ", "習.近.平 and ＶＰＮ", "  e\u0301 ß  ", "光復香港 時代革命"]:
        normalised, origins = normalise_with_offsets(text)
        assert normalised == normalise(text)
        assert len(origins) == len(normalised)


def _custom_entry() -> Entry:
    return Entry(
        id="server-rule", category="custom", severity="low",
        title=Bilingual("Our rule", "本服规则"), explanation=Bilingual("Because.", "因为。"),
        sources=(), terms_by_kind={"en": ("pineapple pizza",)},
    )


def test_effective_catalogue_drops_disabled_categories_and_adds_guild_terms(catalogue):
    matcher = GuidanceMatcher(catalogue.effective_entries(
        disabled_categories={"circumvention"},
        custom_entries=[_custom_entry()],
        imported_terms=["锄禾日当午", "自由门 + 无界"],
    ))
    assert [m.entry_id for m in matcher.find("I use a VPN")] == []
    assert [m.entry_id for m in matcher.find("pineapple pizza!")] == ["server-rule"]
    assert [m.entry_id for m in matcher.find("锄禾日当午")] == [IMPORTED_ENTRY_ID]
    assert [m.terms for m in matcher.find("无界和自由门")] == [("自由门", "无界")]


def test_cache_builds_once_per_config_version(catalogue):
    cache = MatcherCache(catalogue)
    default = cache.matcher_for(1, GuildGuidanceConfig())
    assert cache.matcher_for(2, GuildGuidanceConfig()) is default

    config = GuildGuidanceConfig(version=3, imported_terms=("锄禾日当午",))
    first = cache.matcher_for(1, config)
    assert cache.matcher_for(1, config) is first
    changed = GuildGuidanceConfig(version=4, imported_terms=("锄禾日当午", "汗滴禾下土"))
    assert cache.matcher_for(1, changed) is not first
    assert [m.entry_id for m in cache.matcher_for(1, changed).find("汗滴禾下土")] == [IMPORTED_ENTRY_ID]


def test_empty_catalogue_matches_nothing():
    assert GuidanceMatcher([]).find("六四") == []


def test_catalogue_loads_from_default_path():
    assert Catalogue.load().entries
