"""A photo in the cat-tax channel, end to end: thread, reaction, caption, payment, role."""

from __future__ import annotations


async def test_a_photo_opens_a_bilingual_thread_with_a_reaction(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.ana)
        thread = await world.thread_of(post)
        await world.double.wait_for(lambda: world.double.view(world.cat_tax)[0].reactions)
    assert thread.name == "🐱 Cat tax from Ana · 来自 Ana 的猫税"
    assert world.double.view(world.cat_tax)[0].reactions == {"🐱": 1}


async def test_the_english_caption_is_translated_inside_the_thread(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.ana, "This is Mochi, she loves boxes")
        thread = await world.thread_of(post)
        messages = await world.bot_messages(thread, 2)
    welcome, caption = (view.content for view in messages)
    assert "Thank you for the cat tax, Ana" in welcome and "感谢 Ana 缴纳猫税" in welcome
    assert caption == "🌐 Ana：〔译〕This is Mochi, she loves boxes"


async def test_a_chinese_caption_is_translated_into_english(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.wang, "这是我的猫，叫小白")
        messages = await world.bot_messages(await world.thread_of(post), 2)
    assert messages[-1].content == "🌐 王伟: [en] 这是我的猫，叫小白"


async def test_a_photo_without_caption_gets_only_the_welcome(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.ana)
        thread = await world.thread_of(post)
        await world.bot_messages(thread, 1)
        await world.settled()
    assert len(world.double.view(thread)) == 1
    assert world.translator.request_count == 0


async def test_a_long_name_is_cut_so_the_thread_title_fits(world) -> None:
    member = world.double.add_member(world.guild, "long", display_name="Bartholomew " * 10 + "🐈‍⬛")
    async with world.running():
        await world.set_up()
        thread = await world.thread_of(await world.post_photo(member))
    assert len(thread.name) <= 100 and "…" in thread.name and "来自 Bartholomew" in thread.name


async def test_the_thread_uses_the_chosen_archive_duration_and_emoji(world) -> None:
    async with world.running():
        await world.set_up(emoji="🐶")
        await world.slash("cattax options", archive_after=60)
        post = await world.post_photo(world.ana)
        thread = await world.thread_of(post)
        await world.double.wait_for(lambda: world.double.view(world.cat_tax)[0].reactions)
    assert thread.auto_archive_duration == 60
    assert world.double.view(world.cat_tax)[0].reactions == {"🐶": 1}


async def test_a_short_video_pays_the_tax(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.ana, filename="zoomies.mp4", data=b"\0" * 2048, content_type="video/mp4")
        await world.thread_of(post)
        await world.settled()
        assert await world.store.payment_count(world.guild.id) == 1


async def test_the_payment_is_recorded_with_its_attachments(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.ana)
        await world.thread_of(post)
        await world.settled()
        payment = await world.store.random_payment(world.guild.id)
    assert (payment.message_id, payment.author_id, payment.author_name) == (post.id, world.ana.user.id, "Ana")
    assert payment.attachment_urls == (post.attachments[0]["url"],)
    assert payment.thread_id == world.double.thread_for(post).id


async def test_the_tax_role_is_granted_once_for_two_photos(world) -> None:
    async with world.running():
        await world.set_up(role=world.tax_role)
        for _ in range(2):
            await world.thread_of(await world.post_photo(world.ana))
        await world.double.wait_for(lambda: world.tax_role.id in world.ana.roles)
        await world.settled()
    grants = world.double.requests_to("PUT", "/guilds/*/members/*/roles/*")
    assert len(grants) == 1 and grants[0].status == 204


async def test_a_member_who_already_has_the_role_is_not_granted_it_again(world) -> None:
    world.double.give_role(world.ana, world.tax_role)
    async with world.running():
        await world.set_up(role=world.tax_role)
        await world.thread_of(await world.post_photo(world.ana))
        await world.settled()
    assert world.double.requests_to("PUT", "/guilds/*/members/*/roles/*") == []


async def test_payers_are_thanked_in_the_channel_when_moderators_ask(world) -> None:
    async with world.running():
        await world.set_up()
        await world.slash("cattax options", thank_in_channel=True)
        post = await world.post_photo(world.ana)
        thanks = await world.double.wait_for_message(world.cat_tax, lambda view: view.is_bot)
    assert thanks.reply_to == post.id and thanks.notified_user_ids == set()
    assert "Thank you for the cat tax, Ana" in thanks.content and "感谢 Ana 缴纳猫税" in thanks.content


async def test_bots_are_ignored(world) -> None:
    other_bot = world.double.add_member(world.guild, "otherbot", bot=True)
    async with world.running():
        await world.set_up()
        post = await world.post_photo(other_bot)
        await world.post_photo(world.ana)  # something to wait for, after the bot's post
        await world.double.wait_for(lambda: len(world.double.requests_to("POST", "/channels/*/messages/*/threads")) == 1)
        await world.settled()
    assert world.double.thread_for(post) is None


async def test_nothing_happens_after_disable(world) -> None:
    async with world.running():
        await world.set_up()
        handle = await world.slash("cattax disable")
        assert "off" in handle.response_text
        await world.post_photo(world.ana)
        await world.settled()
    assert world.double.requests_to("POST", "/channels/*/messages/*/threads") == []


async def test_a_moderator_purge_forgets_the_payments(world) -> None:
    async with world.running():
        await world.set_up()
        posts = [await world.post_photo(member) for member in (world.ana, world.wang, world.ana)]
        await world.payments_become(3)
        world.double.world.bulk_delete(world.cat_tax, posts[:2])  # what a purge bot or /purge does
        await world.payments_become(1)


async def test_nothing_happens_while_the_module_is_off(world) -> None:
    async with world.running() as bot:
        await world.set_up()
        await bot.guild_config.set_module(world.guild.id, "cattax", False)
        await world.post_photo(world.ana)
        await world.double.post(world.ana, world.cat_tax, "hello")
        await world.settled()
        refused = await world.slash("cattax leaderboard", world.ana)
    assert world.double.requests_to("POST", "/channels/*/messages/*/threads") == []
    assert not [view for view in world.double.view(world.cat_tax) if view.is_bot]
    assert refused.ephemeral
