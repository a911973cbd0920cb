"""The bridge end to end: the real bot against the Discord double, with a fake translator."""

from __future__ import annotations

import asyncio

from tests.bridge.conftest import ZH_SAMPLE, Harness
from tests.translation.fake_servers import FakeDictionary


async def test_english_post_appears_in_chinese_channel_under_author_name_and_avatar(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "Good morning everyone")
        [copy] = await harness.copies(harness.chinese)
        assert copy.author == "Ally"
        assert "abc123" in copy.avatar_url
        assert copy.content.startswith("〔译〕Good morning everyone")
        assert "-# 🌐 machine translation · 机器翻译" in copy.content
        assert not [v for v in harness.double.view(harness.english) if v.by_webhook]


async def test_chinese_post_appears_in_english_channel_translated(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.wang, harness.chinese, ZH_SAMPLE)
        [copy] = await harness.copies(harness.english)
        assert copy.author == "王伟"
        assert copy.content.startswith(f"[en] {ZH_SAMPLE}")


async def test_message_already_in_target_language_is_relayed_as_is_without_a_provider_call(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        before = harness.translator.request_count
        await harness.double.post(harness.alice, harness.english, "👍👍 https://example.com/x")
        [copy] = await harness.copies(harness.chinese)
        assert copy.content == "👍👍 https://example.com/x"
        assert harness.translator.request_count == before


async def test_mixed_channel_shows_translation_right_under_the_message(harness: Harness) -> None:
    async with harness.running():
        handle = await harness.double.invoke_slash(harness.moderator, "bridge mixed", channel=harness.general,
                                                   options={"channel": harness.general})
        await handle.wait_response()
        original = await harness.double.post(harness.alice, harness.general, "Hello friends")
        [copy] = await harness.copies(harness.general)
        assert copy.id > original.id
        assert copy.content.startswith("〔译〕Hello friends")
        assert f"/{harness.general.id}/{original.id}" in copy.content
        assert "-# ↪" in copy.content


async def test_edit_and_delete_of_the_original_are_mirrored(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        original = await harness.double.post(harness.alice, harness.english, "First version")
        await harness.copies(harness.chinese)
        await harness.double.edit(original, "Second version")
        await harness.double.wait_for(lambda: "Second version" in harness.double.view(harness.chinese)[-1].content)
        await harness.double.delete(original)
        await harness.double.wait_for(lambda: not [v for v in harness.double.view(harness.chinese) if v.by_webhook])


async def test_an_edit_back_to_the_first_text_while_the_first_edit_is_queued_is_mirrored(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        original = await harness.double.post(harness.alice, harness.english, "First version")
        [copy] = await harness.copies(harness.chinese)
        await harness.double.edit(original, "Second version")
        await harness.double.edit(original, "First version")
        # Two quick edits, the second back to the text the copy map still holds: neither may be
        # dropped nor overtake the other, so the copy ends on the first text again.
        await harness.double.wait_for(
            lambda: (view := harness.double.view(harness.chinese)[-1]).edited and "First version" in view.content,
            timeout=10,
        )
        [final] = [view for view in harness.double.view(harness.chinese) if view.by_webhook]
        assert final.id == copy.id and "Second version" not in final.content


async def test_edits_deletes_and_replies_work_after_a_restart(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        first = await harness.double.post(harness.alice, harness.english, "Before restart")
        [first_copy] = await harness.copies(harness.chinese)
    async with harness.running():
        await harness.double.edit(first, "Edited after restart")
        await harness.double.wait_for(lambda: "Edited after restart" in harness.double.view(harness.chinese)[0].content)
        await harness.double.post(harness.wang, harness.chinese, "我同意", reply_to=harness.double.messages_in(harness.chinese)[0])
        [reply_copy] = await harness.copies(harness.english)
        # The English side sees whom it answers, linked to the original there (not the Chinese copy).
        assert reply_copy.content.startswith("> ↩ **Ally**")
        assert f"/{harness.english.id}/{first.id}" in reply_copy.content.splitlines()[0]
        await harness.double.delete(first)
        await harness.double.wait_for(lambda: first_copy.id not in [v.id for v in harness.double.view(harness.chinese)])


async def test_reply_links_to_the_copy_of_the_replied_message_on_the_other_side(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        question = await harness.double.post(harness.alice, harness.english, "Where do you live")
        [question_copy] = await harness.copies(harness.chinese)
        await harness.double.post(harness.alice, harness.english, "I mean which city", reply_to=question)
        copies = await harness.copies(harness.chinese, 2)
        header = copies[1].content.splitlines()[0]
        assert header.startswith("> ↩ **Ally**: ")
        assert f"/{harness.chinese.id}/{question_copy.id}" in header


async def test_provider_outage_relays_the_original_with_a_notice_then_fills_in(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        harness.translator.fail_always(harness.translator.rate_limited(retry_after=1))
        await harness.double.post(harness.alice, harness.english, "Is anyone there")
        [copy] = await harness.copies(harness.chinese)
        assert copy.content.startswith("Is anyone there")
        assert "translation unavailable" in copy.content
        harness.translator.recover()
        await harness.double.wait_for(
            lambda: "〔译〕Is anyone there" in harness.double.view(harness.chinese)[-1].content, timeout=15
        )
        assert "translation unavailable" not in harness.double.view(harness.chinese)[-1].content


async def test_message_of_exactly_2000_characters_and_longer_ones_are_split_and_all_deleted(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        long_text = ("word " * 400)[:2000]
        original = await harness.double.post(harness.alice, harness.english, long_text)
        copies = await harness.copies(harness.chinese, 2)
        assert all(len(copy.content) <= 2000 for copy in copies)
        assert "".join(c.content for c in copies).count("word") == long_text.count("word")
        await harness.double.delete(original)
        await harness.double.wait_for(lambda: not [v for v in harness.double.view(harness.chinese) if v.by_webhook])


async def test_attachments_only_are_relayed_without_a_translation_call(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        before = harness.translator.request_count
        await harness.double.post(harness.alice, harness.english, "", attachments=[("cat.png", b"\x89PNG", "image/png")])
        [copy] = await harness.copies(harness.chinese)
        assert "cat.png" in copy.content and copy.content.startswith("http")
        assert harness.translator.request_count == before


async def test_mentions_and_everyone_cross_without_notifying_anybody(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        role = harness.double.create_role(harness.guild, "pingme", mentionable=True)
        await harness.double.post(harness.alice, harness.english, "@everyone @here look at this",
                                  mentions=[harness.wang, harness.moderator, role])
        [copy] = await harness.copies(harness.chinese)
        assert copy.notified_user_ids == set() and copy.pinged_roles == [] and not copy.pinged_everyone
        assert f"<@{harness.wang.user.id}>" in copy.content
        for request in harness.webhook_posts():
            assert request.json["allowed_mentions"] == {"parse": []} or request.json["allowed_mentions"].get("parse") == []


async def test_mass_mentions_inside_code_arrive_as_written_and_outside_code_are_defused(harness: Harness) -> None:
    code = "```\necho @here @everyone\n```"
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, f"Please run `@everyone ping` first\n{code}\nthen tell @everyone")
        [copy] = await harness.copies(harness.chinese)
        assert "`@everyone ping`" in copy.content and code in copy.content
        assert "tell @\u200beveryone" in copy.content and not copy.pinged_everyone
        [post] = harness.webhook_posts()
        assert post.json["allowed_mentions"].get("parse") == [] and not post.json["allowed_mentions"].get("roles")


async def test_own_webhook_posts_are_not_relayed_again(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "No echo please")
        await harness.copies(harness.chinese)
        await asyncio.sleep(0.3)
        assert len(harness.webhook_posts()) == 1
        assert not [v for v in harness.double.view(harness.english) if v.by_webhook]


async def test_other_bots_are_ignored(harness: Harness) -> None:
    robot = harness.double.add_member(harness.guild, "robot", bot=True)
    async with harness.running():
        await harness.link()
        await harness.double.post(robot, harness.english, "beep boop I am a bot")
        await harness.double.post(harness.alice, harness.english, "I am a person")
        copies = await harness.copies(harness.chinese)
        await asyncio.sleep(0.2)
        assert [c.content.splitlines()[0] for c in harness.double.view(harness.chinese) if c.by_webhook] == ["〔译〕I am a person"]
        assert len(copies) == 1


async def test_copies_keep_the_original_order_when_translations_finish_out_of_order(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        delays = [30, 0, 20, 5, 0, 10]
        for number, delay in enumerate(delays):
            await harness.double.post(harness.alice, harness.english, f"message {number} slow{delay}")
        copies = await harness.copies(harness.chinese, len(delays))
        assert [int(c.content.split()[1]) for c in copies] == list(range(len(delays)))


async def test_missing_manage_webhooks_tells_moderators_once(harness: Harness) -> None:
    async with harness.running() as bot:
        await harness.link()
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        harness.double.set_bot_permissions(harness.chinese, deny=["manage_webhooks"])
        await harness.double.post(harness.alice, harness.english, "first try")
        await harness.double.post(harness.alice, harness.english, "second try")
        notices = await harness.double.wait_for(
            lambda: [v for v in harness.double.view(harness.general) if "Manage Webhooks" in v.content]
        )
        await asyncio.sleep(0.3)
        assert len([v for v in harness.double.view(harness.general) if "Manage Webhooks" in v.content]) == 1
        assert "管理 Webhook" in notices[0].content


async def test_deleted_channel_is_unlinked_and_moderators_are_told(harness: Harness) -> None:
    async with harness.running() as bot:
        await harness.link()
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        harness.double.world.delete_channel(harness.chinese)
        await harness.double.wait_for(lambda: not bot.bridge_relay.is_bridged(harness.chinese.id))
        await harness.double.wait_for(lambda: [v for v in harness.double.view(harness.general) if "deleted" in v.content])
        assert not bot.bridge_relay.is_bridged(harness.english.id)


async def test_deleted_webhook_is_recreated_and_the_copy_still_arrives(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "one")
        await harness.copies(harness.chinese)
        for webhook in harness.double.webhooks_in(harness.chinese):
            del harness.double.world.webhooks[webhook.id]
        await harness.double.post(harness.alice, harness.english, "two")
        await harness.copies(harness.chinese, 2)


async def test_a_reply_to_a_copy_quotes_its_words_without_the_label_and_never_translates_the_label(harness: Harness) -> None:
    harness.translator.dictionary = FakeDictionary([("Where do you live", "你住在哪里")])
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "Where do you live")
        [question_copy] = await harness.copies(harness.chinese)
        assert "machine translation" in question_copy.content
        sent_before = len(harness.translator.requests)
        copy_message = harness.double.messages_in(harness.chinese)[0]
        await harness.double.post(harness.wang, harness.chinese, "我住在上海", reply_to=copy_message)
        english = await harness.copies(harness.english, 1)
        header = [view for view in english if view.content.startswith("> ↩")][0].content.splitlines()[0]
        assert header.startswith("> ↩ **Ally**: Where do you live "), header
        assert "machine translation" not in header and "机器翻译" not in header
        sent = [item["Text"] for request in harness.translator.requests[sent_before:] for item in request.json()]
        assert sent and not any("machine translation" in text or "机器翻译" in text for text in sent), sent


async def test_a_reply_to_a_copy_with_a_slang_note_quotes_neither_the_note_nor_the_label(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "No cap, she ate")
        [copy] = await harness.copies(harness.chinese)
        assert "💬" in copy.content and "machine translation" in copy.content
        await harness.double.post(harness.wang, harness.chinese, "真的吗", reply_to=harness.double.messages_in(harness.chinese)[0])
        [reply_copy] = await harness.copies(harness.english)
        header = reply_copy.content.splitlines()[0]
        assert header.startswith("> ↩ **Ally**: ") and "💬" not in header and "machine translation" not in header, header
