from bot.topics import naming
from bot.topics.models import Topic


def _topic(topic_id: int, slug: str, en: str, hans: str, hant: str) -> Topic:
    return Topic(topic_id, 1, slug, "🛒", en, hans, hant, "", "", "", channel_id=topic_id * 10)


GROCERIES = _topic(1, "groceries", "Groceries & Prices", "买菜与物价", "買菜與物價")
RENT = _topic(2, "rent", "Rent & Housing", "房租与住房", "房租與住房")
TOPICS = [GROCERIES, RENT]


def test_slugify_keeps_ascii_words_and_hyphens():
    assert naming.slugify("Mothers-in-law & Daughters!") == "mothers-in-law-daughters"
    assert naming.slugify("Café Talk") == "cafe-talk"
    assert naming.slugify("美食") == ""


def test_unique_slug_numbers_duplicates():
    assert naming.unique_slug("food", ["food", "food-2"]) == "food-3"
    assert naming.unique_slug("", []) == "topic"


def test_channel_name_is_bilingual():
    assert naming.channel_name("groceries", "买菜与物价") == "groceries-买菜与物价"


def test_find_exact_accepts_english_simplified_traditional_and_slug():
    assert naming.find_exact(TOPICS, "groceries & prices") is GROCERIES
    assert naming.find_exact(TOPICS, "买菜与物价") is GROCERIES
    assert naming.find_exact(TOPICS, "買菜與物價") is GROCERIES
    assert naming.find_exact(TOPICS, "RENT") is RENT
    assert naming.find_exact(TOPICS, "#groceries-买菜与物价") is GROCERIES


def test_find_exact_takes_an_unambiguous_part_of_a_name():
    assert naming.find_exact(TOPICS, "房租") is RENT
    assert naming.find_exact(TOPICS, "&") is None
    assert naming.find_exact(TOPICS, "pets") is None


def test_search_puts_prefix_matches_first_and_matches_traditional():
    assert naming.search(TOPICS, "r") == [RENT, GROCERIES]
    assert naming.search(TOPICS, "住房") == [RENT]
    assert naming.search(TOPICS, "物價") == [GROCERIES]
    assert naming.search(TOPICS, "") == TOPICS
