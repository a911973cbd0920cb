"""Forum posts across the bridge, end to end through the double with the real bot: a post becomes a
post in the partner forum (title translated, starter translated under the author's name, tags
mapped, unmapped tags left off), replies go both ways through the pairing, a mixed forum gets
translations inside each post, and a forum that lost a permission holds the new post until it is
back."""

from __future__ import annotations

from tests.bridge.conftest import ZH_SAMPLE, Harness, slash


def linked_forums(harness: Harness):
    double = harness.double
    english = double.create_channel(harness.guild, "help", type="forum", tags=[
        ("Question", "❓"), "Idea", ("Bug", "bug:123456789012345678"), "Off-topic",
    ])
    chinese = double.create_channel(harness.guild, "求助", type="forum", tags=[
        ("问题", "❓"), "主意", ("错误", "bug:123456789012345678"), "闲聊",
    ])
    return english, chinese


def tag_names(forum, post) -> list[str]:
    return [next(tag.name for tag in forum.available_tags if tag.id == tag_id) for tag_id in post.applied_tags]


async def a_paired_post(harness: Harness, english, chinese, *, tags: list[str]):
    """A post opened in the linked English forum (tagged `tags`) and the partner post Qiao opened."""
    post, _ = await harness.double.create_post(harness.alice, english, "Tones", "help", tags=tags)
    [partner] = await harness.double.wait_for(lambda: harness.double.posts_in(chinese))
    return post, partner


def relayed(harness: Harness, post) -> list:
    return [view for view in harness.double.view(post) if view.by_webhook]


async def test_a_post_becomes_a_translated_post_with_its_tags_mapped_and_replies_go_both_ways(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    async with harness.running() as bot:
        await slash(harness, harness.moderator, "bridge glossary add", harness.general, term="Idea", translation="主意")
        await harness.link(english=english, chinese=chinese)
        post, starter = await double.create_post(harness.alice, english, "How do tones work", "I keep mixing them up",
                                                 tags=["Question", "Idea", "Off-topic", "Bug"])
        [partner] = await double.wait_for(lambda: double.posts_in(chinese))
        assert partner.name == "〔译〕How do tones work"
        # Same emoji (unicode or custom), then the glossary's translation; "Off-topic" maps to nothing.
        assert tag_names(chinese, partner) == ["问题", "主意", "错误"]
        [copy] = double.view(partner)
        assert copy.id == partner.id and copy.by_webhook
        assert copy.author == "Ally" and copy.avatar_url.startswith(double.view(post)[0].avatar_url)
        assert copy.content.startswith("〔译〕I keep mixing them up")

        answer = await double.post(harness.wang, partner, ZH_SAMPLE)
        await double.wait_for(lambda: relayed(harness, post))
        follow_up = await double.post(harness.alice, post, "thanks, that helps")
        await double.wait_for(lambda: len(double.view(partner)) == 3)
        assert [view.content.split("\n")[0] for view in relayed(harness, post)] == [f"[en] {ZH_SAMPLE}"]
        assert [view.content.split("\n")[0] for view in double.view(partner)] == [
            copy.content.split("\n")[0], ZH_SAMPLE, "〔译〕thanks, that helps"]
        assert {view.id for view in double.view(partner)} >= {answer.id}
        assert follow_up.id in {view.id for view in double.view(post)}

        # Nothing was sent at the forums themselves, and nothing was refused.
        assert double.posts_in(english) == [post] and len(double.posts_in(chinese)) == 1
        assert not [r for r in double.requests if r.status >= 400]
        assert not double.requests_to("POST", f"/channels/{english.id}/messages")
        assert bot.bridge_relay.store.threads.pairing_of(post.id).partners(post.id)[0].thread_id == partner.id


async def test_a_post_written_in_chinese_opens_an_english_post_and_edits_follow(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    async with harness.running():
        await harness.link(english=english, chinese=chinese)
        post, starter = await double.create_post(harness.wang, chinese, "声调问题", ZH_SAMPLE, tags=["闲聊"])
        [partner] = await double.wait_for(lambda: double.posts_in(english))
        assert partner.name == "[en] 声调问题" and partner.applied_tags == []
        assert double.view(partner)[0].content.startswith(f"[en] {ZH_SAMPLE}")
        await double.edit(starter, "我明白了")
        await double.wait_for(lambda: double.view(partner)[0].content.startswith("[en] 我明白了"))


async def test_a_post_retagged_later_retags_its_partner_and_nothing_comes_back(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    double.give_role(harness.moderator, double.create_role(harness.guild, "post mods", permissions=["manage_threads"]))
    async with harness.running():
        await harness.link(english=english, chinese=chinese)
        post, partner = await a_paired_post(harness, english, chinese, tags=["Question"])
        assert tag_names(chinese, partner) == ["问题"]
        await double.edit_thread(harness.alice, post, tags=["Bug", "Off-topic"])
        await double.wait_for(lambda: tag_names(chinese, partner) == ["错误"])  # "Off-topic" maps to nothing
        # Retagged on the Chinese side: the English post follows, matched by emoji.
        await double.edit_thread(harness.moderator, partner, tags=["问题", "错误"])
        await double.wait_for(lambda: sorted(tag_names(english, post)) == ["Bug", "Question"])
        await double.post(harness.alice, post, "settled")
        await double.wait_for(lambda: len(double.view(partner)) == 2)
        # One change each way, none mirrored back: the person's tags stay as they set them.
        assert tag_names(chinese, partner) == ["问题", "错误"]
        updates = [(data["id"], tuple(data.get("applied_tags") or ())) for event, data in double.events
                   if event == "THREAD_UPDATE" and data["id"] in (str(post.id), str(partner.id))]
        assert len(updates) == 4, updates


async def test_a_post_retagged_after_a_restart_reopens_and_retags_its_partner_archived_meanwhile(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    double.give_role(harness.moderator, double.create_role(harness.guild, "post mods", permissions=["manage_threads"]))
    async with harness.running():
        await harness.link(english=english, chinese=chinese)
        post, partner = await a_paired_post(harness, english, chinese, tags=["Question"])
    await double.edit_thread(harness.moderator, partner, archived=True)  # while Qiao was away
    async with harness.running():
        await double.edit_thread(harness.alice, post, tags=["Bug"])
        # The partner takes the post's state (open) first, then its tags: Discord retags no archived post.
        await double.wait_for(lambda: tag_names(chinese, partner) == ["错误"])
        assert not partner.archived and not post.archived
        assert not [r for r in double.requests if r.status >= 400]


async def test_a_retag_discord_refuses_leaves_both_posts_as_they_are_and_the_relay_goes_on(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    async with harness.running():
        await harness.link(english=english, chinese=chinese)
        post, partner = await a_paired_post(harness, english, chinese, tags=["Question"])
        double.faults.fail(f"PATCH /channels/{partner.id}", status=403, body={"message": "Missing Permissions", "code": 50013})
        await double.edit_thread(harness.alice, post, tags=["Bug"])
        await double.wait_for(lambda: [r for r in double.requests if r.status == 403])
        await double.post(harness.alice, post, "still relayed")
        await double.wait_for(lambda: len(double.view(partner)) == 2)
        assert tag_names(chinese, partner) == ["问题"] and tag_names(english, post) == ["Bug"]
        assert [(r.method, r.json) for r in double.requests if r.status >= 400] == [
            ("PATCH", {"applied_tags": [str(double.forum_tag(chinese, "错误").id)]})]


async def test_partner_forum_without_tags_gets_an_untagged_post(harness: Harness) -> None:
    double = harness.double
    english, _ = linked_forums(harness)
    bare = double.create_channel(harness.guild, "bare", type="media")
    async with harness.running():
        await harness.link(english=english, chinese=bare)
        await double.create_post(harness.alice, english, "Show your desk", "my desk", tags=["Question"])
        [partner] = await double.wait_for(lambda: double.posts_in(bare))
        assert partner.applied_tags == [] and partner.name == "〔译〕Show your desk"


async def test_a_partner_forum_that_requires_a_tag_gets_the_post_with_its_first_usable_tag(harness: Harness) -> None:
    double = harness.double
    english, _ = linked_forums(harness)
    picky = double.create_channel(harness.guild, "提问", type="forum", require_tag=True, tags=[
        {"name": "已解决", "moderated": True}, "闲聊", "问题",
    ])
    double.set_bot_permissions(picky, deny=["manage_threads"])
    async with harness.running():
        await harness.link(english=english, chinese=picky)
        # No tag at all, then only a tag that maps to nothing: either way the post arrives.
        await double.create_post(harness.alice, english, "Where to buy tofu", "near the station?")
        await double.create_post(harness.alice, english, "Weekend plans", "anyone free?", tags=["Off-topic"])
        posts = await double.wait_for(lambda: len(double.posts_in(picky)) == 2 and double.posts_in(picky))
        assert [tag_names(picky, post) for post in posts] == [["闲聊"], ["闲聊"]]
        assert not [r for r in double.requests if r.status >= 400]


async def test_replies_in_a_post_are_relayed_after_a_restart(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    async with harness.running():
        await harness.link(english=english, chinese=chinese)
        post, _ = await double.create_post(harness.alice, english, "Weekend plans", "any ideas")
        await double.wait_for(lambda: double.posts_in(chinese))
    async with harness.running():
        await double.post(harness.alice, post, "hiking maybe")
        [partner] = double.posts_in(chinese)
        # Generous: at start the reply waits behind the catch-up of every bridged channel.
        await double.wait_for(lambda: len(double.view(partner)) == 2, timeout=20)
        assert double.view(partner)[1].content.startswith("〔译〕hiking maybe")
        assert len(double.posts_in(chinese)) == 1 and len(double.posts_in(english)) == 1


async def test_a_mixed_forum_puts_each_translation_in_the_same_post(harness: Harness) -> None:
    double = harness.double
    forum, _ = linked_forums(harness)
    async with harness.running() as bot:
        handle = await double.invoke_slash(harness.moderator, "bridge mixed", channel=harness.general,
                                           options={"channel": forum})
        assert await handle.wait_text() == bot.i18n.t("bridge.mixed.done", "en-US", channel=f"<#{forum.id}>")
        post, starter = await double.create_post(harness.alice, forum, "Tones", "I keep mixing them up")
        await double.wait_for(lambda: len(double.view(post)) == 2)
        await double.post(harness.wang, post, ZH_SAMPLE)
        await double.wait_for(lambda: len(double.view(post)) == 4)
        assert [view.content.split("\n")[0] for view in double.view(post)] == [
            "I keep mixing them up", "〔译〕I keep mixing them up", ZH_SAMPLE, f"[en] {ZH_SAMPLE}"]
        assert double.posts_in(forum) == [post]


async def test_a_forum_that_lost_manage_webhooks_holds_the_new_post_until_it_is_back(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    async with harness.running() as bot:
        await harness.link(english=english, chinese=chinese)
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        double.set_bot_permissions(chinese, deny=["manage_webhooks"])
        await double.wait_for(lambda: [v for v in double.view(harness.general) if "Qiao lost Manage Webhooks" in v.content])
        post, _ = await double.create_post(harness.alice, english, "Held post", "waiting for its partner")
        await double.wait_for(lambda: bot.bridge_relay.engine.pipelines.backlog(chinese.id) == 1)
        await double.post(harness.alice, post, "a reply while held")
        assert double.posts_in(chinese) == []
        double.set_bot_permissions(chinese, allow=["manage_webhooks"])
        [partner] = await double.wait_for(lambda: double.posts_in(chinese))
        await double.wait_for(lambda: len(double.view(partner)) == 2)
        assert [view.content.split("\n")[0] for view in double.view(partner)] == [
            "〔译〕waiting for its partner", "〔译〕a reply while held"]
        assert len([v for v in double.view(harness.general) if "Qiao lost" in v.content]) == 1


async def test_a_post_opened_while_qiao_was_away_gets_its_partner_and_replies_once_back(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    async with harness.running():
        await harness.link(english=english, chinese=chinese)
    post, _ = await double.create_post(harness.alice, english, "While away", "posted while Qiao slept", tags=["Question"])
    await double.post(harness.alice, post, "and a reply")
    async with harness.running():
        [partner] = await double.wait_for(lambda: double.posts_in(chinese), timeout=20)
        await double.wait_for(lambda: len(double.view(partner)) == 2, timeout=20)
        assert partner.name == "〔译〕While away" and tag_names(chinese, partner) == ["问题"]
        assert [view.content.split("\n")[0] for view in double.view(partner)] == [
            "〔译〕posted while Qiao slept", "〔译〕and a reply"]
        await double.post(harness.alice, post, "live again")
        await double.wait_for(lambda: len(double.view(partner)) == 3)
        assert len(double.posts_in(chinese)) == 1 and not [r for r in double.requests if r.status >= 400]


async def test_losing_send_messages_in_threads_holds_replies_in_posts_until_it_is_back(harness: Harness) -> None:
    double = harness.double
    english, chinese = linked_forums(harness)
    async with harness.running() as bot:
        await harness.link(english=english, chinese=chinese)
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        post, _ = await double.create_post(harness.alice, english, "Tones", "first")
        [partner] = await double.wait_for(lambda: double.posts_in(chinese))
        double.set_bot_permissions(chinese, deny=["send_messages_in_threads"])
        [notice] = await double.wait_for(
            lambda: [v for v in double.view(harness.general) if "Qiao lost Send Messages in Threads" in v.content])
        assert "“在子区中发送消息”" in notice.content
        for number in range(3):
            await double.post(harness.alice, post, f"r{number} waiting")
        engine = bot.bridge_relay.engine
        await double.wait_for(lambda: engine.backlog(partner.id) == 3)
        assert partner.id in engine.paused_channels() and len(double.view(partner)) == 1
        double.set_bot_permissions(chinese, allow=["send_messages_in_threads"])
        await double.wait_for(lambda: len(double.view(partner)) == 4)
        assert [view.content.split("\n")[0] for view in double.view(partner)[1:]] == [
            "〔译〕r0 waiting", "〔译〕r1 waiting", "〔译〕r2 waiting"]
        assert len([v for v in double.view(harness.general) if "Qiao lost" in v.content]) == 1
