"""With the bridge loaded, cat-tax threads are bilingual through the bridge's `relay_mixed`."""

from __future__ import annotations

import pytest

pytest.importorskip("cogs.bridge")

BOTH = ("cogs.cattax", "cogs.bridge")


async def test_the_caption_is_relayed_into_the_thread_by_the_bridge(world) -> None:
    async with world.running(BOTH) as bot:
        assert bot.bridge_relay is not None
        await world.set_up()
        post = await world.post_photo(world.ana, "This is Mochi, she loves boxes")
        thread = await world.thread_of(post)
        copy = await world.double.wait_for_message(thread, lambda view: view.by_webhook)
    assert "〔译〕This is Mochi, she loves boxes" in copy.content
    assert copy.author.startswith("Ana")


async def test_conversation_in_the_thread_is_relayed_by_the_bridge(world) -> None:
    async with world.running(BOTH):
        await world.set_up()
        post = await world.post_photo(world.ana)
        thread = await world.thread_of(post)
        await world.bot_messages(thread, 1)
        reply = await world.double.post(world.wang, thread, "好可爱的猫")
        copy = await world.double.wait_for_message(thread, lambda view: view.by_webhook, after=reply)
        await world.settled()
    assert "[en] 好可爱的猫" in copy.content and copy.author.startswith("王伟")
    # one translation, not the bridge's and Qiao's own
    assert not [view for view in world.double.view(thread) if view.content.startswith("🌐 王伟")]


async def test_an_edit_in_the_thread_updates_its_translation(world) -> None:
    async with world.running(BOTH):
        await world.set_up()
        post = await world.post_photo(world.ana)
        thread = await world.thread_of(post)
        await world.bot_messages(thread, 1)
        reply = await world.double.post(world.wang, thread, "好可爱的猫")
        copy = await world.double.wait_for_message(thread, lambda view: view.by_webhook, after=reply)
        await world.double.edit(reply, "好胖的猫")
        await world.double.wait_for(
            lambda: any("好胖的猫" in view.content for view in world.double.view(thread) if view.by_webhook)
        )
        await world.settled()
    copies = [view for view in world.double.view(thread) if view.by_webhook]
    assert len(copies) == 1 and "[en] 好胖的猫" in copies[0].content and copies[0].edited
    assert copy.author == copies[0].author


async def test_deleting_a_thread_message_deletes_its_translation(world) -> None:
    async with world.running(BOTH):
        await world.set_up()
        post = await world.post_photo(world.ana)
        thread = await world.thread_of(post)
        await world.bot_messages(thread, 1)
        reply = await world.double.post(world.wang, thread, "好可爱的猫")
        await world.double.wait_for_message(thread, lambda view: view.by_webhook, after=reply)
        await world.double.delete(reply)
        await world.double.wait_for(lambda: not [view for view in world.double.view(thread) if view.by_webhook])
        await world.settled()
    assert not [view for view in world.double.view(thread) if "好可爱的猫" in view.content]
