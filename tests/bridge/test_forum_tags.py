"""Mapping a forum post's tags onto the partner forum's tags (pure, no Discord)."""

from __future__ import annotations

from bot.bridge.forum_tags import ForumTag, map_tags, match_directly, name_key

QUESTION = ForumTag(1, "Question", emoji_name="❓")
BUG = ForumTag(2, "Bug", emoji_id=900, emoji_name="bug")
SOLVED = ForumTag(3, "Solved", moderated=True)
IDEA = ForumTag(4, "Idea")
TONES = ForumTag(5, "Tones")

# The Chinese forum: tags named in Chinese, some with the same emoji.
WENTI = ForumTag(11, "问题", emoji_name="❓")
CUOWU = ForumTag(12, "错误", emoji_id=900, emoji_name="虫子")
JIEJUE = ForumTag(13, "已解决", moderated=True)
ZHUYI = ForumTag(14, "主意")
SHENGDIAO = ForumTag(15, "聲調")  # Traditional characters
PARTNER = [WENTI, CUOWU, JIEJUE, ZHUYI, SHENGDIAO]

DICTIONARY = {"Idea": "主意", "Solved": "已解决", "Tones": "声调", "声调": "Tones", "主意": "Idea"}


class Translator:
    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, name: str) -> str | None:
        self.asked.append(name)
        return self.table.get(name)


async def test_same_unicode_emoji_maps_without_translating() -> None:
    translate = Translator(DICTIONARY)
    assert await map_tags([QUESTION], PARTNER, to_partner_language=translate) == [WENTI.id]
    assert translate.asked == []


async def test_custom_emoji_matches_by_id_whatever_its_name() -> None:
    assert await map_tags([BUG], PARTNER) == [CUOWU.id]
    other_emoji_same_name = ForumTag(21, "虫子", emoji_id=901, emoji_name="bug")
    assert await map_tags([BUG], [other_emoji_same_name]) == []


async def test_same_name_in_either_forum_maps_ignoring_case_and_blanks() -> None:
    assert await map_tags([ForumTag(7, "  help  ME ")], [ForumTag(8, "Help me")]) == [8]


async def test_translated_name_maps_in_the_partners_language() -> None:
    translate = Translator(DICTIONARY)
    assert await map_tags([IDEA], PARTNER, to_partner_language=translate) == [ZHUYI.id]
    assert translate.asked == ["Idea"]


async def test_translation_into_simplified_matches_a_traditional_tag_name() -> None:
    assert await map_tags([TONES], PARTNER, to_partner_language=Translator(DICTIONARY)) == [SHENGDIAO.id]


async def test_partner_names_translated_back_when_the_forward_translation_misses() -> None:
    forward = Translator({})  # the provider renders "Idea" differently
    back = Translator({"主意": "idea", "问题": "Question"})
    assert await map_tags([IDEA], [WENTI, ZHUYI], to_partner_language=forward, to_source_language=back) == [ZHUYI.id]
    assert forward.asked == ["Idea"] and sorted(back.asked) == ["主意", "问题"]


async def test_unmapped_tags_are_left_off_and_the_rest_keep_their_order() -> None:
    odd = ForumTag(30, "Off-topic")
    tags = await map_tags([odd, IDEA, QUESTION], PARTNER, to_partner_language=Translator(DICTIONARY))
    assert tags == [ZHUYI.id, WENTI.id]


async def test_failed_translations_only_leave_that_tag_off() -> None:
    async def failing(name: str) -> str | None:
        return None

    assert await map_tags([IDEA, QUESTION], PARTNER, to_partner_language=failing, to_source_language=failing) == [WENTI.id]


async def test_moderated_partner_tags_are_left_off_when_the_bot_cannot_moderate() -> None:
    translate = Translator(DICTIONARY)
    assert await map_tags([SOLVED], PARTNER, to_partner_language=translate) == [JIEJUE.id]
    assert await map_tags([SOLVED], PARTNER, to_partner_language=translate, can_moderate=False) == []


async def test_two_tags_mapping_to_one_partner_tag_count_once_and_at_most_five_are_kept() -> None:
    partner = [ForumTag(100 + n, f"t{n}") for n in range(8)]
    applied = [ForumTag(200 + n, f"T{n}") for n in range(8)]
    assert await map_tags(applied, partner) == [100, 101, 102, 103, 104]
    assert await map_tags([QUESTION, ForumTag(9, "问题")], PARTNER) == [WENTI.id]


async def test_no_partner_tags_asks_no_translation() -> None:
    translate = Translator(DICTIONARY)
    assert await map_tags([IDEA, QUESTION], [], to_partner_language=translate, to_source_language=translate) == []
    assert translate.asked == []


def test_emoji_match_prefers_the_tag_of_the_same_name_among_several() -> None:
    first, second = ForumTag(40, "Other", emoji_name="❓"), ForumTag(41, "question", emoji_name="❓")
    assert match_directly(QUESTION, [first, second]) is second
    assert match_directly(ForumTag(42, "Unrelated", emoji_name="❓"), [first, second]) is first


def test_name_key_ignores_script_case_and_spacing() -> None:
    assert name_key("聲調") == name_key("声调") and name_key(" Big  IDEA") == "big idea"


async def test_a_forum_that_requires_a_tag_gets_its_first_usable_tag_when_nothing_maps() -> None:
    # Discord refuses an untagged post in such a forum (40067): the copy would be lost.
    assert await map_tags([], PARTNER, requires_tag=True) == [WENTI.id]
    assert await map_tags([TONES], [JIEJUE, ZHUYI], requires_tag=True, can_moderate=False) == [ZHUYI.id]
    assert await map_tags([TONES], [JIEJUE, ZHUYI], requires_tag=True, can_moderate=True) == [JIEJUE.id]


async def test_a_required_tag_changes_nothing_when_a_tag_maps_or_none_is_usable() -> None:
    assert await map_tags([QUESTION], PARTNER, requires_tag=True) == [WENTI.id]
    assert await map_tags([], PARTNER) == []
    assert await map_tags([], [JIEJUE], requires_tag=True, can_moderate=False) == []
