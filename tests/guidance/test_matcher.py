import pytest

from bot.guidance.catalogue import Bilingual, Catalogue, Entry, IMPORTED_ENTRY_ID, NearRule
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


@pytest.mark.parametrize("message", [
    "Tiananmen Square 1989, never forget",
    "我们聊聊天安门的事",
    "我们聊聊天安門的事情吧",
    "What happened at Tiananmen Square?",
    "the tanks in Tiananmen Square",
    "Tiananmen, June 4th. We remember.",
    "tian'anmen square massacre",
    "1989年的天安门",
    "天安门那年发生的一切",
    "天安门广场的真相",
    "天安门广场上的坦克",
    "天安门当年到底发生了什么",
])
def test_tiananmen_with_a_qualifier_nearby_is_the_massacre(entry_ids, message):
    assert "tiananmen-massacre" in entry_ids(message)


@pytest.mark.parametrize("message", [
    "I visited Tiananmen Square",
    "天安门广场很大",
    "Tiananmen Square is huge, we walked for hours",
    "我和同事去天安门",
    "我去天安门办事",
    "天安门没事吧？",
    "天安门的故事很长",
    "去天安门看升旗那年我才十岁",
    "天安门附近有什么好吃的",
    "What happened yesterday? We went to Tiananmen Square",
    "We took line 1 to Tiananmen East and then went to fill up the tank",
    "长安街上车很多",
    "乌鲁木齐的天气怎么样",
    "Urumqi is far from Beijing",
    "维园今天人很多",
    "Victoria Park is lovely in spring",
])
def test_a_landmark_alone_or_far_from_a_qualifier_never_flags(entry_ids, message):
    assert entry_ids(message) == []


def test_near_rules_of_other_landmarks(entry_ids):
    assert entry_ids("长安街上的坦克") == ["tank-man"]
    assert entry_ids("维园悼念") == ["tiananmen-vigils"]
    assert entry_ids("remembering the Urumqi fire") == ["white-paper-protests"]


def test_near_match_spans_point_at_name_and_context_in_message_order(matcher):
    message = "1989年的天安門"
    [match] = matcher.find(message)
    assert match.entry_id == "tiananmen-massacre"
    assert match.excerpts(message) == ("1989", "天安門")


def _near_entry(**near) -> Entry:
    return Entry(
        id="landmark", category="custom", severity="low",
        title=Bilingual("Landmark", "地标"), explanation=Bilingual("Because.", "因为。"),
        sources=(), near=(NearRule(**near),),
    )


def test_near_distance_counts_han_characters_and_latin_words():
    matcher = GuidanceMatcher([_near_entry(names=("square",), context=("事", "1989"), within=2)])
    assert matcher.find("square 的事")  # one token between
    assert matcher.find("square 一二事")  # two
    assert not matcher.find("square 一二三事")  # three
    assert matcher.find("1989 big red square")
    assert not matcher.find("1989 a big red square")


def test_near_exceptions_cancel_only_the_context_they_contain():
    matcher = GuidanceMatcher([_near_entry(names=("天安门",), context=("事",), within=3, not_when=("办事",))])
    assert not matcher.find("天安门办事")
    assert matcher.find("天安门办事的事")  # a second 事 outside 办事 still counts


def test_near_rule_and_its_exceptions_come_with_a_guild_entry(catalogue):
    entry = Entry.from_dict({
        "id": "our-bridge", "category": "custom", "title": {"en": "Bridge", "zh": "桥"},
        "explanation": {"en": "Why.", "zh": "原因。"},
        "near": [{"names": ["bridge"], "context": ["banner"], "within": 3}],
    }, require_source=False)
    matcher = GuidanceMatcher(catalogue.effective_entries(custom_entries=[entry]))
    assert [m.entry_id for m in matcher.find("a banner on the bridge")] == ["our-bridge"]
    assert matcher.find("the bridge is old") == []


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
