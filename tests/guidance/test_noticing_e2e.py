"""Which messages get a note, end to end: the real bot, the Discord double, a temp database."""

from __future__ import annotations

import pytest

from tests.guidance.conftest import Harness

FOOTER_EN = "Qiao never deletes anything; this is only information."
FOOTER_ZH = "Qiao 从不删除任何内容；这只是信息。"


async def dm_to(harness: Harness, member) -> str:
    [note] = await harness.double.wait_for(lambda: harness.double.dm_view(member))
    return note.content


async def test_chinese_term_gets_a_reaction_and_a_chinese_note_by_dm(harness: Harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.wang, harness.general, "你们知道六四吗？")
        note = await dm_to(harness, harness.wang)
        await harness.double.wait_for(lambda: harness.double.view(harness.general)[0].reactions)
    assert "“六四”" in note and "天安门" in note
    assert "https://en.wikipedia.org/wiki/" in note
    assert FOOTER_ZH in note and f"/{harness.general.id}/{message.id}" in note
    assert harness.double.view(harness.general)[0].reactions == {"💡": 1}
    assert harness.bot_messages(harness.general) == []


async def test_english_term_gets_an_english_note(harness: Harness) -> None:
    async with harness.running():
        await harness.double.post(harness.alice, harness.general, "My teacher told us about the Tiananmen massacre today")
        note = await dm_to(harness, harness.alice)
    assert "“Tiananmen massacre”" in note and FOOTER_EN in note
    assert "Qiao 从不删除" not in note


async def test_traditional_variant_is_noticed_and_explained_in_traditional(harness: Harness) -> None:
    async with harness.running():
        await harness.double.post(harness.wang, harness.general, "我昨天讀了關於天安門事件的書")
        note = await dm_to(harness, harness.wang)
    assert "“天安門事件”" in note
    assert "從不刪除" in note


async def test_spaced_out_name_is_noticed(harness: Harness) -> None:
    async with harness.running():
        await harness.double.post(harness.wang, harness.general, "听说 习 . 近 . 平 又出访了")
        note = await dm_to(harness, harness.wang)
    assert "“习 . 近 . 平”" in note


async def test_date_code_is_noticed(harness: Harness) -> None:
    async with harness.running():
        await harness.double.post(harness.alice, harness.general, "Remember what happened on May 35th")
        note = await dm_to(harness, harness.alice)
    assert "“May 35th”" in note


@pytest.mark.parametrize("sentence", [
    "我下个月要去日本旅游",
    "我们公司明天放假",
    "昨天晚上警察来问路",
    "记得给妈妈打电话",
    "Japan and China are neighbours; call the police if you lose your phone",
])
async def test_ordinary_sentences_are_not_noticed(harness: Harness, sentence: str) -> None:
    async with harness.running():
        await harness.double.post(harness.wang, harness.general, sentence)
        await harness.settle()
    assert harness.double.dm_view(harness.wang) == []
    assert harness.double.view(harness.general)[0].reactions == {}
    assert harness.bot_messages(harness.general) == []


async def test_bots_are_ignored(harness: Harness) -> None:
    other_bot = harness.double.add_member(harness.guild, "otherbot", bot=True)
    async with harness.running():
        await harness.double.post(other_bot, harness.general, "六四")
        await harness.settle()
    assert harness.double.view(harness.general)[0].reactions == {}
    assert harness.double.dm_view(other_bot) == []


async def test_nothing_when_the_module_is_off(harness: Harness) -> None:
    async with harness.running() as bot:
        await bot.guild_config.set_module(harness.guild.id, "guidance", False)
        await harness.double.post(harness.wang, harness.general, "六四")
        await harness.settle()
        handle = await harness.slash(harness.alice, "guidance check", text="六四")
    assert harness.double.dm_view(harness.wang) == []
    assert handle.response_text.startswith("The guidance feature is turned off in this server")
