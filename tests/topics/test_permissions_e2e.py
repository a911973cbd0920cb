"""Missing Discord permissions are reported clearly, in the reader's language, before anything half-happens."""

from __future__ import annotations

import asyncio

from discord_double import permissions as P


async def settle() -> None:
    # Let the permission change's gateway event reach the bot's cache.
    await asyncio.sleep(0.05)


async def test_seed_without_manage_roles_names_the_missing_permission(server):
    server.double.set_bot_permissions(server.guild, deny=["manage_roles"])
    await settle()
    handle = await server.run(server.moderator, "seed")
    assert handle.ephemeral
    assert "Qiao needs these permissions to do that: Manage Roles (Manage Permissions)" in handle.response_text
    assert [c for c in server.guild.channels.values() if c.type == 4] == []


async def test_create_without_manage_channels_is_explained_in_chinese(server):
    server.double.set_bot_permissions(server.guild, deny=["manage_channels"])
    await settle()
    handle = await server.run(server.moderator, "create", name_en="Pets", name_zh="宠物", locale="zh-CN")
    assert "Qiao 需要以下权限才能完成：管理频道" in handle.response_text


async def test_join_without_manage_roles_in_the_room_is_explained(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    server.double.set_bot_permissions(groceries, allow=["view_channel", "send_messages"], deny=["manage_roles"])
    await settle()
    handle = await server.run(server.alice, "join", topic="groceries", locale="zh-TW")
    assert "Qiao 需要以下權限才能完成：管理身分組（管理權限）" in handle.response_text
    assert not server.double.permissions_in(groceries, server.alice) & P.VIEW_CHANNEL


async def test_prompt_in_a_room_the_bot_cannot_post_in_is_explained(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    server.double.set_bot_permissions(groceries, allow=["view_channel"], deny=["send_messages"])
    await settle()
    handle = await server.run(server.moderator, "prompt", topic="groceries")
    assert f"Qiao cannot post in <#{groceries.id}>" in handle.response_text
    topic = await server.service.resolve(server.guild.id, "groceries")
    _round, used = await server.service.current_round(topic)
    assert used == set()


async def test_scheduling_a_room_the_bot_cannot_post_in_is_refused(server):
    await server.run(server.moderator, "seed")
    groceries = server.channel_named("groceries")
    server.double.set_bot_permissions(groceries, allow=["view_channel"], deny=["send_messages"])
    await settle()
    handle = await server.run(server.moderator, "schedule", topic="groceries", hour=9, timezone="UTC")
    assert "Send Messages" in handle.response_text
    assert not (await server.service.resolve(server.guild.id, "groceries")).scheduled
