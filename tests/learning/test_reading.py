"""Word-by-word readings: segmentation, tone marks, neutral tones, polyphonic characters, glosses, HSK."""

import pytest

from bot.learning.reading import Reader, has_chinese, tone_marked


@pytest.fixture(scope="module")
def reader() -> Reader:
    reader = Reader()
    reader.ensure_loaded()
    return reader


def by_word(reader: Reader, text: str) -> dict[str, tuple[str, str, str]]:
    return {word.text: (word.pinyin, word.gloss, word.hsk_label) for word in reader.read(text)}


def test_nothing_heavy_is_loaded_before_the_first_reading() -> None:
    reader = Reader()
    assert not reader.loaded
    assert reader.read("银行")[0].pinyin == "yínháng"
    assert reader.loaded


def test_a_sentence_is_segmented_into_words_and_punctuation_and_latin_are_skipped(reader: Reader) -> None:
    words = [word.text for word in reader.read("我们去银行办事，他长大了。OK 👍")]
    assert words == ["我们", "去", "银行", "办事", "他", "长大", "了"]


@pytest.mark.parametrize(("text", "word", "pinyin"), [
    ("我去银行", "银行", "yínháng"),  # 行 háng
    ("他在街上行走", "行走", "xíngzǒu"),  # 行 xíng
    ("孩子长大了", "长大", "zhǎngdà"),  # 长 zhǎng
    ("长城很长", "长城", "Chángchéng"),  # 长 cháng (a name: the Great Wall)
    ("我喜欢音乐", "音乐", "yīnyuè"),  # 乐 yuè
    ("祝你快乐", "快乐", "kuàilè"),  # 乐 lè
])
def test_polyphonic_characters_read_right_in_common_words(reader: Reader, text: str, word: str, pinyin: str) -> None:
    assert by_word(reader, text)[word][0] == pinyin


@pytest.mark.parametrize(("text", "word", "pinyin"), [
    ("谢谢你", "谢谢", "xièxie"),
    ("我的朋友", "朋友", "péngyou"),
    ("这是什么", "什么", "shénme"),
    ("买东西", "东西", "dōngxi"),
    ("我们走了", "了", "le"),
])
def test_neutral_tones_have_no_mark(reader: Reader, text: str, word: str, pinyin: str) -> None:
    assert by_word(reader, text)[word][0] == pinyin


@pytest.mark.parametrize(("text", "word", "pinyin"), [
    ("他跑得很快", "得", "de"),  # a complement follows: the particle
    ("他长得很高", "得", "de"),
    ("慢慢地走", "地", "de"),  # after an adverbial
    ("这个地方", "地方", "dìfāng"),  # the noun stays
])
def test_structural_particles_read_de_in_context(reader: Reader, text: str, word: str, pinyin: str) -> None:
    assert by_word(reader, text)[word][0] == pinyin


def test_erhua_joins_the_syllable_before_and_keeps_a_gloss(reader: Reader) -> None:
    assert by_word(reader, "等一会儿")["一会儿"][:2] == ("yīhuìr", "a moment; a while; in a moment")
    assert by_word(reader, "你在哪儿")["哪儿"][0] == "nǎr"
    little = by_word(reader, "多吃一点儿")["一点儿"]
    assert little[0] == "yīdiǎnr" and little[1] and "variant" not in little[1]
    assert by_word(reader, "我的女儿")["女儿"][0] == "nǚ'ér"  # a real 儿 syllable stays


def test_a_syllable_starting_with_a_vowel_is_set_off_with_an_apostrophe_and_names_are_capitalised(reader: Reader) -> None:
    assert by_word(reader, "西安很好玩")["西安"][0] == "Xī'ān"


def test_glosses_come_from_the_sense_of_the_reading_shown(reader: Reader) -> None:
    words = by_word(reader, "我去银行，他在街上行走")
    assert words["银行"][1] == "bank"
    assert words["行走"][1] == "to walk"
    # 不是 "is not": CC-CEDICT only has búshi "fault", so the parts are glossed.
    negation = by_word(reader, "这不是我的")["不是"]
    assert negation[0] == "búshì" and "fault" not in negation[1] and negation[1].startswith("no")


def test_glosses_are_short_and_free_of_cross_reference_syntax(reader: Reader) -> None:
    for word in reader.read("西安是陕西的省会，你好"):
        assert len(word.gloss) <= 70
        assert "[" not in word.gloss and "|" not in word.gloss


def test_hsk_levels_where_the_syllabus_has_the_word(reader: Reader) -> None:
    words = by_word(reader, "我们去银行，学习音乐")
    assert words["我们"][2] == "1"
    assert words["银行"][2] == "3"
    assert words["音乐"][2] == "3"
    assert by_word(reader, "西安")["西安"][2] == ""


def test_traditional_text_is_read_as_written_with_the_same_readings(reader: Reader) -> None:
    simplified = reader.read("我们去银行办事，他长大了。")
    traditional = reader.read("我們去銀行辦事，他長大了。")
    assert [word.text for word in traditional] == ["我們", "去", "銀行", "辦事", "他", "長大", "了"]
    assert [word.pinyin for word in traditional] == [word.pinyin for word in simplified]
    assert [word.gloss for word in traditional] == [word.gloss for word in simplified]


def test_tone_numbers_become_marks() -> None:
    assert tone_marked("xie4") == "xiè"
    assert tone_marked("lu:4") == "lǜ"
    assert tone_marked("me5") == "me"
    assert tone_marked("Xi1") == "Xī"
    assert tone_marked("OK") == "OK"


def test_has_chinese() -> None:
    assert has_chinese("hello 你好")
    assert has_chinese("銀行")
    assert not has_chinese("hello, world 123")
