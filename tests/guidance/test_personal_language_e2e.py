"""Private guidance notes follow the language a person chose with /language, over everything else."""

from __future__ import annotations

from tests.guidance.conftest import Harness


async def test_a_note_is_in_the_language_the_person_chose(harness: Harness) -> None:
    async with harness.running("cogs.people"):
        chosen = await harness.slash(harness.alice, "language", language="zh-TW")
        assert "繁體中文" in chosen.response_text
        await harness.double.post(harness.alice, harness.general, "Have you heard of Falun Gong?")
        [note] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
    assert "從不刪除" in note.content and "Qiao never deletes" not in note.content


async def test_the_why_button_answers_in_the_chosen_language(harness: Harness) -> None:
    async with harness.running("cogs.people", fallback_reply_seconds=5):
        await harness.slash(harness.alice, "language", language="zh-CN")
        await harness.double.post(harness.closed, harness.general, "我们聊聊坦克人吧")
        [reply] = await harness.double.wait_for(lambda: [v for v in harness.bot_messages(harness.general) if v.components])
        button = reply.components[0]["components"][0]
        click = await harness.double.click_button(harness.alice, reply.message, button["custom_id"], locale="en-US")
        await click.wait_response()
    assert click.ephemeral and "从不删除" in click.response_text
