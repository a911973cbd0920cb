"""Linking forums, and the permissions threads and forums need: warned at link time in the
moderator's language; lost later, told to moderators once while the copies wait, and resumed by
themselves when the permission is back."""

from __future__ import annotations

from tests.bridge.conftest import Harness


def forums(harness: Harness):
    english = harness.double.create_channel(harness.guild, "help", type="forum", tags=[("Question", "❓")])
    chinese = harness.double.create_channel(harness.guild, "求助", type="forum", tags=[("问题", "❓")])
    return english, chinese


async def test_two_forums_link_and_a_media_channel_counts_as_a_forum(harness: Harness) -> None:
    english, chinese = forums(harness)
    media = harness.double.create_channel(harness.guild, "clips", type="media")
    async with harness.running() as bot:
        handle = await harness.double.invoke_slash(harness.moderator, "bridge link", channel=harness.general,
                                                   options={"english": english, "chinese": chinese})
        assert await handle.wait_text() == bot.i18n.t("bridge.link.created", "en-US", english=f"<#{english.id}>",
                                                      chinese=f"<#{chinese.id}>")
        assert bot.bridge_relay.is_bridged(english.id) and bot.bridge_relay.is_bridged(chinese.id)
        other = harness.double.create_channel(harness.guild, "more-help", type="forum")
        await harness.link(english=other, chinese=media)
        assert bot.bridge_relay.is_bridged(media.id)


async def test_a_forum_and_a_text_channel_are_refused_in_one_localised_line(harness: Harness) -> None:
    english, _ = forums(harness)
    async with harness.running() as bot:
        for locale, options in (("zh-CN", {"english": english, "chinese": harness.chinese}),
                                ("en-US", {"english": harness.english, "chinese": english})):
            handle = await harness.double.invoke_slash(harness.moderator, "bridge link", channel=harness.general,
                                                       options=options, locale=locale)
            text = await handle.wait_text()
            assert text == bot.i18n.t("bridge.forum.error.with_text", locale, forum=f"<#{english.id}>",
                                      other=f"<#{options['english' if options['chinese'] is english else 'chinese'].id}>")
            assert handle.ephemeral and "\n" not in text
        assert not bot.bridge_relay.is_bridged(english.id) and not bot.bridge_relay.is_bridged(harness.chinese.id)
        assert not harness.webhook_posts()


async def test_link_warns_in_the_moderators_language_about_what_threads_and_posts_need(harness: Harness) -> None:
    english, chinese = forums(harness)
    harness.double.set_bot_permissions(chinese, deny=["manage_threads", "send_messages_in_threads"])
    async with harness.running() as bot:
        handle = await harness.double.invoke_slash(harness.moderator, "bridge link", channel=harness.general,
                                                   options={"english": english, "chinese": chinese}, locale="zh-TW")
        text = await handle.wait_text()
    created, warning = text.split("\n")
    assert created == bot.i18n.t("bridge.link.created", "zh-TW", english=f"<#{english.id}>", chinese=f"<#{chinese.id}>")
    assert f"<#{chinese.id}>" in warning and f"<#{english.id}>" not in warning
    assert "「在討論串中傳送訊息」、「管理討論串」" in warning
    assert bot.i18n.t("bridge.permission.effect.no_thread_copies", "zh-TW") in warning
    assert bot.i18n.t("bridge.permission.effect.no_thread_state", "zh-TW") in warning


async def test_link_of_text_channels_warns_about_thread_permissions_only_where_missing(harness: Harness) -> None:
    harness.double.set_bot_permissions(harness.english, deny=["create_public_threads"])
    async with harness.running() as bot:
        handle = await harness.double.invoke_slash(harness.moderator, "bridge link", channel=harness.general,
                                                   options={"english": harness.english, "chinese": harness.chinese})
        lines = (await handle.wait_text()).split("\n")
    assert len(lines) == 2 and f"<#{harness.english.id}>" in lines[1]
    assert "Create Public Threads" in lines[1] and "partner threads cannot be opened there" in lines[1]


def notices(harness: Harness, needle: str) -> list:
    return [view for view in harness.double.view(harness.general) if needle in view.content]


async def test_a_permission_lost_later_is_told_once_and_copies_wait_until_it_is_back(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        await harness.link()
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        await harness.double.post(harness.alice, harness.english, "before the loss")
        await harness.copies(harness.chinese, 1)
        double.set_bot_permissions(harness.chinese, deny=["manage_webhooks"])
        # Told before any copy fails, in both languages.
        [notice] = await double.wait_for(lambda: notices(harness, "Qiao lost Manage Webhooks"))
        assert "“管理 Webhook”" in notice.content and f"<#{harness.chinese.id}>" in notice.content
        engine = bot.bridge_relay.engine
        await double.wait_for(lambda: harness.chinese.id in engine.paused_channels())
        for number in range(3):
            await double.post(harness.alice, harness.english, f"m{number} waiting")
        await double.wait_for(lambda: engine.backlog(harness.chinese.id) == 3)
        # Another change in the server is checked too, and tells nobody again.
        double.set_bot_permissions(harness.english, deny=["add_reactions"])
        double.set_bot_permissions(harness.chinese, deny=["add_reactions"])
        await double.wait_for(lambda: double.world.channels[harness.chinese.id].overwrites)
        assert len(notices(harness, "Qiao lost")) == 1
        assert len(await harness.copies(harness.chinese, 1)) == 1
        assert not [r for r in double.requests if r.status == 403]
        double.set_bot_permissions(harness.chinese, allow=["manage_webhooks"])
        copies = await harness.copies(harness.chinese, 4)
        assert [c.content.split()[0] for c in copies[1:]] == ["〔译〕m0", "〔译〕m1", "〔译〕m2"]
        assert harness.chinese.id not in engine.paused_channels()
        # Lost again later: told again.
        double.set_bot_permissions(harness.chinese, deny=["manage_webhooks"])
        await double.wait_for(lambda: len(notices(harness, "Qiao lost Manage Webhooks")) == 2)


async def test_a_lost_thread_permission_is_told_but_channel_copies_keep_flowing(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        await harness.link()
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        double.set_bot_permissions(harness.chinese, deny=["manage_threads"])
        [notice] = await double.wait_for(lambda: notices(harness, "Qiao lost Manage Threads"))
        assert bot.i18n.t("bridge.permission.effect.no_thread_state", "en-US") in notice.content
        await double.post(harness.alice, harness.english, "still relayed")
        await harness.copies(harness.chinese, 1)
        assert harness.chinese.id not in bot.bridge_relay.engine.paused_channels()
