"""Reacting with a flag sends the reactor the message's translation privately."""

from __future__ import annotations

from tests.bridge.conftest import ZH_SAMPLE, Harness
from tests.flags.conftest import EXTENSIONS
from tests.people.conftest import answer, running


def jump_url(harness: Harness, message) -> str:
    return f"https://discord.com/channels/{harness.guild.id}/{message.channel_id}/{message.id}"


def bot_posts(harness: Harness, channel) -> list:
    return [view for view in harness.double.view(channel) if view.is_bot and not view.by_webhook]


async def test_a_flag_sends_the_translation_by_dm_and_is_removed(harness: Harness) -> None:
    async with running(harness, EXTENSIONS):
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        await harness.double.react(harness.wang, message, "🇹🇼")
        [dm] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.wang))
        await harness.double.wait_for(lambda: not harness.double.view(harness.general)[0].reactions)
    assert "〔譯〕Where is the cat" in dm.content and jump_url(harness, message) in dm.content and "翻譯" in dm.content
    assert bot_posts(harness, harness.general) == []
    assert harness.double.dm_view(harness.alice) == []


async def test_english_and_simplified_flags(harness: Harness) -> None:
    harness.double.set_bot_permissions(harness.guild, deny=["manage_messages"])
    async with running(harness, EXTENSIONS):
        chinese = await harness.double.post(harness.wang, harness.general, ZH_SAMPLE)
        await harness.double.react(harness.alice, chinese, "🇬🇧")
        [english] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
        english_message = await harness.double.post(harness.alice, harness.general, "Good night")
        await harness.double.react(harness.wang, english_message, "🇨🇳")
        [simplified] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.wang))
    assert f"[en] {ZH_SAMPLE}" in english.content and "Translation of" in english.content
    assert "〔译〕Good night" in simplified.content and "的翻译" in simplified.content
    # without Manage Messages the flags stay
    assert harness.double.view(harness.general)[0].reactions == {"🇬🇧": 1}


async def test_closed_dms_get_a_reply_that_pings_only_the_reactor_and_goes_away(harness: Harness) -> None:
    closed = harness.double.add_member(harness.guild, "closed", display_name="Closed", dms_open=False)
    async with running(harness, EXTENSIONS) as bot:
        bot.get_cog("FlagReactions").fallback_reply_seconds = 0.5
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat @everyone")
        await harness.double.react(closed, message, "🇨🇳")
        [reply] = await harness.double.wait_for(lambda: bot_posts(harness, harness.general))
        assert reply.notified_user_ids == {closed.user.id} and not reply.pinged_everyone and not reply.pinged_roles
        assert reply.reply_to == message.id and "〔译〕Where is the cat" in reply.content
        await harness.double.wait_for(lambda: not bot_posts(harness, harness.general), timeout=5)


async def test_stopping_the_bot_removes_a_pending_reply_at_once(harness: Harness) -> None:
    closed = harness.double.add_member(harness.guild, "closed", display_name="Closed", dms_open=False)
    async with running(harness, EXTENSIONS):
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        await harness.double.react(closed, message, "🇨🇳")
        await harness.double.wait_for(lambda: bot_posts(harness, harness.general))
    assert bot_posts(harness, harness.general) == []


async def test_an_opted_out_author_is_not_translated_and_nothing_reaches_a_provider(harness: Harness) -> None:
    async with running(harness, EXTENSIONS) as bot:
        await answer(harness, harness.alice, "bridge optout", harness.general)
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        before = harness.translator.request_count
        await harness.double.react(harness.wang, message, "🇨🇳")
        [dm] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.wang))
    assert dm.content == bot.i18n.t("flags.opted_out", "zh-CN", link=jump_url(harness, message))
    assert harness.translator.request_count == before


async def test_the_reactors_own_language_frames_the_answer(harness: Harness) -> None:
    async with running(harness, EXTENSIONS):
        await answer(harness, harness.wang, "language", harness.general, language="en-US")
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        await harness.double.react(harness.wang, message, "🇭🇰")
        [dm] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.wang))
    assert "Translation of" in dm.content and "〔譯〕Where is the cat" in dm.content


async def test_a_person_is_limited_and_told_once(harness: Harness) -> None:
    async with running(harness, EXTENSIONS) as bot:
        messages = [await harness.double.post(harness.alice, harness.general, f"Message number {i} here") for i in range(8)]
        for message in messages:
            await harness.double.react(harness.wang, message, "🇨🇳")
        await harness.double.wait_for(lambda: len(harness.double.dm_view(harness.wang)) >= 7)
        await harness.double.wait_for(lambda: harness.translator.request_count >= 6)
        dms = [view.content for view in harness.double.dm_view(harness.wang)]
    assert len(dms) == 7 and sum("〔译〕" in dm for dm in dms) == 6
    assert sum("一分钟内已请求 6 次" in dm for dm in dms) == 1


async def test_the_modules_switch_turns_flags_off(harness: Harness) -> None:
    async with running(harness, ("cogs.admin", *EXTENSIONS)):
        off = await answer(harness, harness.moderator, "modules disable", harness.general, name="flags")
        assert "off" in off
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        before = harness.translator.request_count
        await harness.double.react(harness.wang, message, "🇨🇳")
        await harness.double.react(harness.wang, message, "👍")
        await harness.double.post(harness.alice, harness.general, "Where is the dog")
        await harness.double.react(harness.wang, harness.double.messages_in(harness.general)[-1], "🇨🇳")
        await harness.double.react(harness.alice, message, "🇨🇳")
    assert harness.double.dm_view(harness.wang) == [] and harness.double.dm_view(harness.alice) == []
    assert harness.translator.request_count == before


async def test_other_emoji_and_bots_reactions_are_ignored(harness: Harness) -> None:
    robot = harness.double.add_member(harness.guild, "robot", display_name="Robot", bot=True)
    async with running(harness, EXTENSIONS):
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        await harness.double.react(harness.wang, message, "👍")
        await harness.double.react(robot, message, "🇨🇳")
        await harness.double.react(harness.wang, message, "🇯🇵")
        await harness.double.react(harness.alice, message, "🇺🇸")  # her own English message: already English
        [dm] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
    assert harness.double.dm_view(harness.wang) == [] and "already in that language" in dm.content
