from bot.topics.models import Topic, channel_topic_line

GROCERIES = Topic(
    1, 1, "groceries", "🛒", "Groceries & Prices", "买菜与物价", "買菜與物價",
    "Compare prices.", "聊聊物价。", "聊聊物價。", channel_id=10,
)


def test_display_name_puts_the_readers_language_first():
    assert GROCERIES.display_name("en-US") == "🛒 Groceries & Prices · 买菜与物价"
    assert GROCERIES.display_name("zh-CN") == "🛒 买菜与物价 · Groceries & Prices"
    assert GROCERIES.display_name("zh-TW") == "🛒 買菜與物價 · Groceries & Prices"
    assert GROCERIES.display_name("fr") == "🛒 Groceries & Prices · 买菜与物价"


def test_channel_topic_is_bilingual_and_fits_discord():
    assert GROCERIES.channel_topic() == "🛒 Groceries & Prices · 买菜与物价 — Compare prices. · 聊聊物价。"
    assert len(channel_topic_line("x", "a", "b", "y" * 2000, "")) == 1024
    assert channel_topic_line("🐱", "Pets", "宠物", "", "") == "🐱 Pets · 宠物"
