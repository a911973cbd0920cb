"""/cattax commands end to end: who may use them, what setup refuses, status, leaderboard, random."""

from __future__ import annotations


async def test_a_non_moderator_is_refused(world) -> None:
    async with world.running():
        handle = await world.slash("cattax setup", world.ana, channel=world.cat_tax)
        assert handle.ephemeral and "Manage Server" in handle.response_text
        assert await world.store.config(world.guild.id) is None


async def test_setup_answers_in_the_moderators_language(world) -> None:
    async with world.running():
        handle = await world.slash("cattax setup", locale="zh-CN", channel=world.cat_tax, emoji="🐶")
    assert handle.ephemeral and handle.response_text.startswith("猫税频道已设为")
    assert "🐶" in handle.response_text


async def test_setup_refuses_a_word_instead_of_an_emoji(world) -> None:
    async with world.running():
        handle = await world.slash("cattax setup", locale="zh-TW", channel=world.cat_tax, emoji="kitty")
        assert await world.store.config(world.guild.id) is None
    assert handle.ephemeral and "「kitty」不是 Qiao 能使用的表情符號" in handle.response_text


async def test_setup_refuses_everyone_as_the_role(world) -> None:
    everyone = world.guild.roles[world.guild.id]
    async with world.running():
        handle = await world.slash("cattax setup", channel=world.cat_tax, role=everyone)
    assert "@everyone can't be the cat-tax role" in handle.response_text


async def test_setup_refuses_a_managed_role(world) -> None:
    bot_role = world.double.world.bot_role(world.guild)
    async with world.running():
        handle = await world.slash("cattax setup", channel=world.cat_tax, role=bot_role)
    assert "managed by an integration" in handle.response_text


async def test_setup_refuses_a_role_above_the_bot(world) -> None:
    admins = world.double.create_role(world.guild, "Admins", above_bot=True)
    async with world.running():
        handle = await world.slash("cattax setup", channel=world.cat_tax, role=admins)
        assert await world.store.config(world.guild.id) is None
    assert "not below Qiao's highest role" in handle.response_text


async def test_setup_says_which_permissions_are_missing(world) -> None:
    world.double.set_bot_permissions(world.cat_tax, deny=["create_public_threads", "add_reactions"])
    world.double.set_bot_permissions(world.guild, deny=["manage_roles"])
    async with world.running():
        handle = await world.slash("cattax setup", channel=world.cat_tax, role=world.tax_role)
        assert await world.store.config(world.guild.id) is not None
    assert "missing these permissions" in handle.response_text
    assert "Add Reactions, Create Public Threads, Manage Roles" in handle.response_text


async def test_status_is_a_localised_summary(world) -> None:
    async with world.running():
        off = await world.slash("cattax status", locale="zh-TW")
        await world.set_up(role=world.tax_role)
        await world.slash("cattax options", archive_after=10080, text_only="remove")
        on = await world.slash("cattax status", locale="zh-TW")
    assert off.response_text.startswith("本伺服器尚未設定貓稅")
    lines = on.response_text.splitlines()
    assert lines[0] == f"頻道：<#{world.cat_tax.id}>"
    assert f"<@&{world.tax_role.id}>" in lines[1]
    assert "1 週" in on.response_text and "刪除並友善提醒" in on.response_text and "累計繳稅：0" in on.response_text
    assert on.ephemeral


async def test_options_need_a_channel_first(world) -> None:
    async with world.running():
        handle = await world.slash("cattax options", thank_in_channel=True)
    assert "use /cattax setup first" in handle.response_text


async def test_the_leaderboard_counts_posts_and_forgets_deleted_ones(world) -> None:
    async with world.running():
        await world.set_up(role=world.tax_role)
        ana_posts = [await world.post_photo(world.ana) for _ in range(3)]
        for _ in range(2):
            await world.post_photo(world.wang)
        await world.double.wait_for(lambda: len(world.double.requests_to("POST", "/channels/*/messages/*/threads")) == 5)
        # Every payment recorded before any is deleted: otherwise 3 of Ana's and none of Wang's, with the
        # deletes still pending, also reads as 3 payments and the leaderboard is asked too early.
        await world.payments_become(5)
        for post in ana_posts[:2]:
            await world.double.delete(post)
        await world.payments_become(3)
        handle = await world.slash("cattax leaderboard", world.ana)
    text = handle.response_text
    assert not handle.ephemeral
    assert "Cat-tax leaderboard" in text and "猫税排行榜" in text
    week = text.split("All time")[0]
    assert week.index("1. 王伟 — 2 🐱") < week.index("2. Ana — 1 🐱")
    assert handle.message.allowed_mentions == {"parse": []}
    assert world.tax_role.id in world.ana.roles  # the role a deleted post earned stays


async def test_random_shows_a_past_photo_and_who_posted_it(world) -> None:
    async with world.running():
        await world.set_up()
        nothing = await world.slash("cattax random", world.wang)
        post = await world.post_photo(world.ana, "Mochi")
        await world.thread_of(post)
        await world.settled()
        handle = await world.slash("cattax random", world.wang)
    assert nothing.ephemeral and "No cat tax has been paid here yet" in nothing.response_text
    link = f"https://discord.com/channels/{world.guild.id}/{world.cat_tax.id}/{post.id}"
    assert f"Cat tax from Ana: {link}" in handle.response_text and "来自 Ana 的猫税" in handle.response_text
    assert post.attachments[0]["url"] in handle.response_text
    assert not handle.ephemeral


async def test_synced_commands_carry_chinese_names_for_choices_and_descriptions(world) -> None:
    async with world.running() as bot:
        await bot.tree.sync()
    cattax = next(command for command in world.double.world.commands[None] if command["name"] == "cattax")
    assert cattax["description_localizations"]["zh-TW"] == "貓稅：用寵物照片歡迎新朋友"
    options = next(sub for sub in cattax["options"] if sub["name"] == "options")
    archive = next(option for option in options["options"] if option["name"] == "archive_after")
    assert [choice["name"] for choice in archive["choices"]] == ["1 hour", "24 hours", "3 days", "1 week"]
    assert archive["choices"][0]["name_localizations"]["zh-CN"] == "1 小时"
    setup = next(sub for sub in cattax["options"] if sub["name"] == "setup")
    assert setup["description_localizations"]["zh-CN"] == "将一个频道设为猫税频道"
