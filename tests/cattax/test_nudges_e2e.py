"""Posts without a photo in the cat-tax channel: a friendly bilingual nudge that goes away."""

from __future__ import annotations

from bot.cattax.rules import MAX_VIDEO_BYTES


async def test_a_text_post_gets_a_nudge_that_disappears(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.double.post(world.ana, world.cat_tax, "hello everyone!")
        nudge = await world.double.wait_for_message(world.cat_tax, lambda view: view.is_bot)
        assert nudge.reply_to == post.id
        assert "This channel is for cat tax" in nudge.content and "这个频道是交猫税的地方" in nudge.content
        assert nudge.notified_user_ids == {world.ana.user.id}  # the author, and nobody else
        assert (nudge.pinged_roles, nudge.pinged_everyone) == ([], False)
        await world.double.wait_for(lambda: all(not view.is_bot for view in world.double.view(world.cat_tax)), timeout=3)
    assert [view.id for view in world.double.view(world.cat_tax)] == [post.id]  # the post itself is left alone
    assert world.double.thread_for(post) is None


async def test_chatting_on_gets_one_nudge_not_one_per_message(world) -> None:
    async with world.running():
        await world.set_up()
        await world.double.post(world.ana, world.cat_tax, "hello")
        await world.double.wait_for_message(world.cat_tax, lambda view: view.is_bot)
        await world.double.post(world.ana, world.cat_tax, "anyone here?")
        await world.settled()
    nudges = [message for message in world.double.messages_in(world.cat_tax, include_deleted=True)
              if message.author.bot and message.ephemeral_to is None]
    assert len(nudges) == 1


async def test_a_pdf_is_not_tax_and_gets_a_hint(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.double.post(world.ana, world.cat_tax, "my cat's vet papers",
                                       attachments=[("papers.pdf", b"%PDF-1.4", "application/pdf")])
        nudge = await world.double.wait_for_message(world.cat_tax, lambda view: view.is_bot)
        await world.settled()
        assert await world.store.payment_count(world.guild.id) == 0
    assert "isn't a photo or a video" in nudge.content and "不是照片或视频" in nudge.content
    assert world.double.thread_for(post) is None


async def test_a_video_too_large_is_skipped_with_a_hint(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.ana, filename="movie.mp4", data=b"\0" * (MAX_VIDEO_BYTES + 1),
                                      content_type="video/mp4")
        nudge = await world.double.wait_for_message(world.cat_tax, lambda view: view.is_bot)
        await world.settled()
        assert await world.store.payment_count(world.guild.id) == 0
    assert "too big" in nudge.content and "50 MB" in nudge.content
    assert world.double.thread_for(post) is None


async def test_remove_mode_deletes_the_post_and_tells_the_author(world) -> None:
    async with world.running():
        await world.set_up()
        await world.slash("cattax options", text_only="remove")
        post = await world.double.post(world.ana, world.cat_tax, "hi, where do I chat?")
        nudge = await world.double.wait_for_message(world.cat_tax, lambda view: view.is_bot)
        assert post.deleted
        assert nudge.content.startswith(f"<@{world.ana.user.id}>")
        assert "Your post was removed." in nudge.content and "你的帖子已被删除。" in nudge.content
        assert nudge.notified_user_ids == {world.ana.user.id}


async def test_remove_mode_without_manage_messages_nudges_and_tells_moderators_once(world) -> None:
    world.double.set_bot_permissions(world.cat_tax, deny=["manage_messages"])
    async with world.running():
        await world.set_up()
        await world.slash("cattax options", text_only="remove")
        first = await world.double.post(world.ana, world.cat_tax, "hello")
        await world.double.wait_for_message(world.cat_tax, lambda view: view.is_bot)
        await world.double.post(world.wang, world.cat_tax, "你好")
        await world.double.wait_for(lambda: len([v for v in world.double.view(world.cat_tax) if v.is_bot]) == 2)
        await world.settled()
    notices = [view for view in world.double.view(world.mod_log) if view.is_bot]
    assert len(notices) == 1 and "Manage Messages" in notices[0].content and "管理消息" in notices[0].content
    assert not first.deleted


async def test_messages_inside_a_photo_thread_are_translated_not_nudged(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.ana)
        thread = await world.thread_of(post)
        await world.bot_messages(thread, 1)
        await world.double.post(world.wang, thread, "好可爱的猫")
        await world.double.post(world.ana, thread, "Thank you so much")
        translations = await world.bot_messages(thread, 3)
        await world.settled()
    assert [view.content for view in translations[1:]] == ["🌐 王伟: [en] 好可爱的猫", "🌐 Ana：〔译〕Thank you so much"]
    assert not [view for view in world.double.view(world.cat_tax) if view.is_bot]
