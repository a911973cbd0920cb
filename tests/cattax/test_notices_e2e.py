"""Missing permissions at run time: one clear bilingual notice to moderators, the rest keeps working."""

from __future__ import annotations


def notices(world) -> list:
    return [view for view in world.double.view(world.mod_log) if view.is_bot]


async def test_missing_manage_roles_gives_one_notice_for_two_posts(world) -> None:
    async with world.running():
        await world.set_up(role=world.tax_role)
        world.double.set_bot_permissions(world.guild, deny=["manage_roles"])
        for _ in range(2):
            post = await world.post_photo(world.ana)
            await world.thread_of(post)
        await world.double.wait_for(lambda: notices(world))
        await world.payments_become(2)
        await world.settled()
    assert len(notices(world)) == 1
    text = notices(world)[0].content
    assert "Manage Roles" in text and "管理身份组" in text and f"<@&{world.tax_role.id}>" in text
    assert notices(world)[0].pinged_roles == []
    assert world.tax_role.id not in world.ana.roles
    assert all(view.reactions == {"🐱": 1} for view in world.double.view(world.cat_tax) if not view.is_bot)


async def test_missing_create_public_threads_gives_one_notice_for_two_posts(world) -> None:
    world.double.set_bot_permissions(world.cat_tax, deny=["create_public_threads"])
    async with world.running():
        await world.set_up(role=world.tax_role)
        first = await world.post_photo(world.ana, "my cat")
        second = await world.post_photo(world.wang, "我的猫")
        await world.double.wait_for(lambda: notices(world))
        await world.payments_become(2)
        await world.double.wait_for(lambda: world.tax_role.id in world.wang.roles)
        await world.settled()
    assert len(notices(world)) == 1
    text = notices(world)[0].content
    assert "Create Public Threads" in text and "创建公开子区" in text and f"<#{world.cat_tax.id}>" in text
    assert world.double.thread_for(first) is None and world.double.thread_for(second) is None
    assert [view.reactions for view in world.double.view(world.cat_tax) if not view.is_bot] == [{"🐱": 1}, {"🐱": 1}]
    assert world.tax_role.id in world.ana.roles  # reaction, record and role still happen


async def test_a_deleted_role_is_reported_once(world) -> None:
    async with world.running():
        await world.set_up(role=world.tax_role)
        # The double has no helper for deleting a role: change its state and send the event Discord sends.
        del world.guild.roles[world.tax_role.id]
        world.double._emit("GUILD_ROLE_DELETE", {"guild_id": str(world.guild.id), "role_id": str(world.tax_role.id)},
                           guild_id=world.guild.id)
        for member in (world.ana, world.wang):
            await world.thread_of(await world.post_photo(member))
        await world.double.wait_for(lambda: notices(world))
        await world.payments_become(2)
        await world.settled()
    assert len(notices(world)) == 1 and "/cattax setup" in notices(world)[0].content
