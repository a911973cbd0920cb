"""How Qiao speaks up: DM with a reaction, the closed-DM fallback, reply mode, off, cooldown,
mute. Qiao never deletes anyone's message; the only deletion is its own fallback reply."""

from __future__ import annotations

from tests.guidance.conftest import Harness


def fallback_replies(harness: Harness) -> list:
    return [v for v in harness.bot_messages(harness.general) if v.components]


async def test_closed_dms_get_a_reply_whose_button_explains_privately_and_which_is_removed_later(harness: Harness) -> None:
    async with harness.running(fallback_reply_seconds=0.5):
        original = await harness.double.post(harness.closed, harness.general, "我们聊聊坦克人吧")
        [reply] = await harness.double.wait_for(lambda: fallback_replies(harness))
        assert f"<@{harness.closed.user.id}>" in reply.content
        assert reply.reply_to == original.id
        assert "坦克" not in reply.content  # the pointer itself explains nothing in public
        button = reply.components[0]["components"][0]
        assert "Why?" in button["label"] and "为什么" in button["label"]

        # Whoever presses it gets the explanation in their own language, only for them.
        click = await harness.double.click_button(harness.alice, reply.message, button["custom_id"], locale="en-US")
        await click.wait_response()
        assert click.ephemeral and "Tank Man" in click.response_text
        assert "Qiao never deletes anything" in click.response_text
        click_zh = await harness.double.click_button(harness.closed, reply.message, button["custom_id"], locale="zh-TW")
        await click_zh.wait_response()
        assert click_zh.ephemeral and "坦克人" in click_zh.response_text and "從不刪除" in click_zh.response_text

        await harness.double.wait_for(lambda: not fallback_replies(harness), timeout=5)
    assert [v.id for v in harness.double.view(harness.general)] == [original.id]
    assert harness.double.view(harness.general)[0].reactions == {"💡": 1}
    assert [r.path.rsplit("/", 1)[-1] for r in harness.deletions()] == [str(reply.id)]


async def test_stopping_the_bot_removes_a_pending_fallback_reply_at_once(harness: Harness) -> None:
    async with harness.running(fallback_reply_seconds=600):
        original = await harness.double.post(harness.closed, harness.general, "May 35th")
        await harness.double.wait_for(lambda: fallback_replies(harness))
        await harness.settle(0.2)  # the bot has the reply's id back from Discord
    assert fallback_replies(harness) == []
    assert [v.id for v in harness.double.view(harness.general)] == [original.id]


async def test_reply_mode_answers_in_the_channel_without_a_dm(harness: Harness) -> None:
    async with harness.running():
        await harness.slash(harness.moderator, "guidance mode", mode="reply")
        original = await harness.double.post(harness.alice, harness.general, "Have you heard of Falun Gong?")
        [reply] = await harness.double.wait_for(lambda: harness.bot_messages(harness.general))
    assert reply.reply_to == original.id and "“Falun Gong”" in reply.content
    assert "Qiao never deletes anything" in reply.content
    assert reply.notified_user_ids == set()
    assert harness.double.dm_view(harness.alice) == []


async def test_off_mode_says_nothing(harness: Harness) -> None:
    async with harness.running():
        await harness.slash(harness.moderator, "guidance mode", mode="off")
        await harness.double.post(harness.alice, harness.general, "Have you heard of Falun Gong?")
        await harness.settle()
    assert harness.double.dm_view(harness.alice) == []
    assert harness.bot_messages(harness.general) == []
    assert harness.double.view(harness.general)[0].reactions == {}


async def test_one_note_per_person_per_entry_within_the_cooldown(harness: Harness) -> None:
    async with harness.running():
        await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.double.wait_for(lambda: len(harness.double.dm_view(harness.alice)) == 1)
        await harness.double.post(harness.alice, harness.general, "Falun Dafa again")
        await harness.double.post(harness.wang, harness.general, "法轮功")  # someone else: told too
        await harness.double.wait_for(lambda: harness.double.dm_view(harness.wang))
        await harness.double.post(harness.alice, harness.general, "and the Tank Man")  # another entry
        await harness.double.wait_for(lambda: len(harness.double.dm_view(harness.alice)) == 2)
        await harness.settle()
    notes = [v.content for v in harness.double.dm_view(harness.alice)]
    assert len(notes) == 2 and "Falun" in notes[0] and "Tank Man" in notes[1]


async def test_the_cooldown_survives_a_restart(harness: Harness) -> None:
    async with harness.running():
        await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
    async with harness.running():
        await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.settle()
    assert len(harness.double.dm_view(harness.alice)) == 1


async def test_muted_people_get_no_notes_until_they_unmute(harness: Harness) -> None:
    async with harness.running():
        muted = await harness.slash(harness.alice, "guidance mute")
        assert muted.ephemeral and "no longer" in muted.response_text
        await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.settle()
        assert harness.double.dm_view(harness.alice) == []
        assert harness.double.view(harness.general)[-1].reactions == {}
        await harness.slash(harness.alice, "guidance unmute")
        await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
    assert harness.deletions() == []
