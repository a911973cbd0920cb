"""The text of a Pinyin answer: word lines, slang lines, the reader's language, Discord's length limit."""

from bot.i18n import I18n
from bot.learning.answers import MESSAGE_LIMIT, PinyinAnswer, reader_language, word_line
from bot.learning.reading import WordReading
from bot.learning.slang import shared_matcher

I18N = I18n.load()


def test_a_word_line_has_pinyin_gloss_and_level_only_when_known() -> None:
    assert word_line(WordReading("银行", "yínháng", "bank", 3)) == "**银行** yínháng — bank · HSK 3"
    assert word_line(WordReading("躺平", "tǎngpíng", "", None)) == "**躺平** tǎngpíng"
    assert word_line(WordReading("尊重", "zūnzhòng", "to respect", 7)) == "**尊重** zūnzhòng — to respect · HSK 7-9"


def test_the_readers_language_follows_their_discord_locale() -> None:
    assert reader_language("zh-TW") == reader_language("zh-HK") == "zh-Hant"
    assert reader_language("zh-CN") == "zh-Hans"
    assert reader_language("en-GB") == reader_language("fr") == reader_language(None) == "en"


def test_repeated_words_are_listed_once_and_slang_follows_in_the_readers_language() -> None:
    words = [WordReading("好", "hǎo", "good", 1), WordReading("好", "hǎo", "good", 1)]
    text = PinyinAnswer(I18N, "zh-CN").words(words, shared_matcher().find("好好 no cap"))
    assert text.splitlines() == [
        "逐词拼音（附英文释义和 HSK 等级）：", "**好** hǎo — good · HSK 1", "这条消息里的网络用语：", "💬 no cap = 不骗你，说真的",
    ]


def test_a_long_message_stays_within_discords_limit_and_says_how_many_words_are_left_out() -> None:
    words = [WordReading(f"词{index}", "cí", "word; term; expression; phrase", 4) for index in range(400)]
    text = PinyinAnswer(I18N, "en-US").words(words, shared_matcher().find("yyds"))
    assert len(text) <= MESSAGE_LIMIT
    lines = text.splitlines()
    shown = sum(line.startswith("**词") for line in lines)
    assert 0 < shown < 400
    assert f"More words not shown: {400 - shown}" in lines
    assert lines[-1].startswith("💬 yyds = ")  # the slang meaning is never cut off
