"""The Pinyin menu answers in the language the reader chose with /language, not their client's."""

from __future__ import annotations

from tests.learning.test_pinyin_menu_e2e import answer_of


async def test_the_pinyin_menu_follows_the_chosen_language(harness) -> None:
    async with harness.running() as bot:
        await bot.personal_languages.choose(harness.alice.id, "zh-TW")
        message = await harness.double.post(harness.wang, harness.general, "謝謝你，我的朋友！")
        handle = await harness.double.invoke_message_command(harness.alice, "Pinyin", message, locale="en-US")
        text = await answer_of(handle)
    assert text.splitlines()[0] == "逐詞拼音（附英文釋義和 HSK 等級）："
