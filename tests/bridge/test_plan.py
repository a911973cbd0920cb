"""Who gets which copy in which language (pure planning, no Discord)."""

from bot.bridge.models import Bridge, BridgeChannel
from bot.bridge.plan import plan_copies
from bot.pipeline.detect import ENGLISH, NOTHING_TO_TRANSLATE, OTHER, SIMPLIFIED_CHINESE, TRADITIONAL_CHINESE

EN, ZH, TW, MIXED = 1, 2, 3, 4


def linked(*channels: BridgeChannel) -> Bridge:
    return Bridge(7, 99, "linked", channels)


en = BridgeChannel(EN, 7, 99, "en")
zh = BridgeChannel(ZH, 7, 99, "zh")
tw = BridgeChannel(TW, 7, 99, "zh", script="traditional")


def summary(plans):
    return [(p.channel.channel_id, p.translate_to, p.convert_script, p.under_original) for p in plans]


def test_english_in_english_channel_goes_to_chinese_channel_translated() -> None:
    assert summary(plan_copies(linked(en, zh), EN, ENGLISH)) == [(ZH, "zh-Hans", None, False)]


def test_chinese_in_chinese_channel_goes_to_english_channel_translated() -> None:
    plans = plan_copies(linked(en, zh), ZH, SIMPLIFIED_CHINESE)
    assert summary(plans) == [(EN, "en", None, False)]
    assert plans[0].source_language == "zh-Hans"


def test_message_already_in_target_language_is_relayed_as_is_plus_translation_under_it() -> None:
    # Chinese posted in the English channel: the Chinese side gets it untouched, and English
    # readers get a translation under it in their own channel.
    assert summary(plan_copies(linked(en, zh), EN, SIMPLIFIED_CHINESE)) == [
        (ZH, None, None, False),
        (EN, "en", None, True),
    ]


def test_traditional_channel_gets_translations_in_traditional_and_script_conversion() -> None:
    assert summary(plan_copies(linked(en, zh, tw), EN, ENGLISH)) == [
        (ZH, "zh-Hans", None, False),
        (TW, "zh-Hant", None, False),
    ]
    assert summary(plan_copies(linked(en, zh, tw), ZH, SIMPLIFIED_CHINESE)) == [
        (EN, "en", None, False),
        (TW, None, "zh-Hant", False),
    ]
    assert summary(plan_copies(linked(en, zh, tw), TW, TRADITIONAL_CHINESE)) == [
        (EN, "en", None, False),
        (ZH, None, "zh-Hans", False),
    ]


def test_text_without_words_crosses_untouched() -> None:
    assert summary(plan_copies(linked(en, zh), EN, NOTHING_TO_TRANSLATE)) == [(ZH, None, None, False)]


def test_other_languages_are_translated_from_auto() -> None:
    plans = plan_copies(linked(en, zh), EN, OTHER)
    assert summary(plans) == [(ZH, "zh-Hans", None, False)]
    assert plans[0].source_language == "auto"


def test_mixed_channel_translates_each_way_and_ignores_the_rest() -> None:
    mixed = BridgeChannel(MIXED, 8, 99, "mixed")
    bridge = Bridge(8, 99, "mixed", (mixed,))
    assert summary(plan_copies(bridge, MIXED, ENGLISH)) == [(MIXED, "zh-Hans", None, True)]
    assert summary(plan_copies(bridge, MIXED, TRADITIONAL_CHINESE)) == [(MIXED, "en", None, True)]
    assert plan_copies(bridge, MIXED, NOTHING_TO_TRANSLATE) == []
    assert plan_copies(bridge, MIXED, OTHER) == []


def test_mixed_channel_in_traditional_writes_traditional() -> None:
    mixed = BridgeChannel(MIXED, 8, 99, "mixed", script="traditional")
    assert summary(plan_copies(Bridge(8, 99, "mixed", (mixed,)), MIXED, ENGLISH)) == [(MIXED, "zh-Hant", None, True)]


def test_channel_outside_the_bridge_gets_nothing() -> None:
    assert plan_copies(linked(en, zh), 12345, ENGLISH) == []
