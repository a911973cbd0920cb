"""Cat-tax follow-ups, end to end: a payment made before the cat-tax channel moved is still
forgotten when its post is deleted; moderators choose the nudge cooldown and lifetime."""

from __future__ import annotations

import asyncio

from bot.cattax.rules import NudgeCooldown, nudge_timing_problem
from bot.cattax.store import CatTaxStore


async def test_deleting_a_post_from_the_old_channel_still_removes_its_payment(world) -> None:
    new_home = world.double.create_channel(world.guild, "pet-photos")
    async with world.running():
        await world.set_up()
        old_post = await world.post_photo(world.ana)
        await world.payments_become(1)
        await world.slash("cattax setup", channel=new_home)
        assert (await world.store.config(world.guild.id)).channel_id == new_home.id
        await world.double.delete(old_post)
        await world.payments_become(0)


async def test_deleting_a_post_after_cat_tax_was_turned_off_removes_its_payment(world) -> None:
    async with world.running():
        await world.set_up()
        post = await world.post_photo(world.ana)
        await world.payments_become(1)
        await world.slash("cattax disable")
        await world.double.delete(post)
        await world.payments_become(0)


async def test_deleting_an_ordinary_message_elsewhere_touches_no_payment(world) -> None:
    async with world.running():
        await world.set_up()
        await world.post_photo(world.ana)
        await world.payments_become(1)
        chat = await world.double.post(world.ana, world.mod_log, "hi")
        await world.double.delete(chat)
        await world.settled()
        assert await world.store.payment_count(world.guild.id) == 1


async def test_moderators_choose_the_nudge_cooldown_and_lifetime(world) -> None:
    async with world.running():
        await world.set_up()
        handle = await world.slash("cattax options", nudge_cooldown=5, nudge_lifetime=20)
        assert "every 5 min, removed after 20 s" in handle.response_text
        config = await world.store.config(world.guild.id)
        assert (config.nudge_cooldown_seconds, config.nudge_lifetime_seconds) == (300, 20)
        await world.double.post(world.ana, world.cat_tax, "hello")
        nudge = await world.double.wait_for_message(world.cat_tax, lambda view: view.is_bot)
        await asyncio.sleep(1.0)  # the test default lifetime (0.3 s) would have removed it by now
        assert nudge.id in [view.id for view in world.double.view(world.cat_tax)]
        status = await world.slash("cattax status", locale="zh-CN")
        assert "每人每 5 分钟最多一次，20 秒后删除" in status.response_text


async def test_a_nudge_timing_out_of_bounds_is_refused_in_the_moderators_language(world) -> None:
    async with world.running():
        await world.set_up()
        too_long = await world.slash("cattax options", locale="zh-TW", nudge_lifetime=3600)
        too_often = await world.slash("cattax options", nudge_cooldown=0)
        config = await world.store.config(world.guild.id)
    assert too_long.ephemeral and "提醒停留時間不能設為 3600 秒" in too_long.response_text
    assert "15 到 600 秒" in too_long.response_text
    assert too_often.ephemeral and "choose between 1 and 60 minutes" in too_often.response_text
    assert (config.nudge_cooldown_seconds, config.nudge_lifetime_seconds) == (None, None)


def test_nudge_timing_bounds() -> None:
    assert nudge_timing_problem(None, None) is None
    assert nudge_timing_problem(1, 15) is None and nudge_timing_problem(60, 600) is None
    assert nudge_timing_problem(61, None) == ("cattax.error.nudge_cooldown_range", {"value": 61, "min": 1, "max": 60})
    assert nudge_timing_problem(None, 14)[0] == "cattax.error.nudge_lifetime_range"


def test_a_server_s_own_cooldown_overrides_the_default() -> None:
    now = [0.0]
    cooldown = NudgeCooldown(120, clock=lambda: now[0])
    assert cooldown.ready(1, 7, 600)
    now[0] = 300
    assert not cooldown.ready(1, 7, 600)
    assert cooldown.ready(1, 7)  # the default two minutes have passed


async def test_nudge_settings_and_payment_channels_are_stored(database) -> None:
    from datetime import UTC, datetime

    from bot.cattax.store import Payment

    store = CatTaxStore(database)
    await store.set_up(5, 50, role_id=None, emoji="🐱")
    await store.update_options(5, nudge_cooldown_seconds=300, nudge_lifetime_seconds=45)
    fresh = CatTaxStore(database)
    config = await fresh.config(5)
    assert (config.nudge_cooldown_seconds, config.nudge_lifetime_seconds) == (300, 45)
    assert await fresh.payment_channels(5) == frozenset()
    await fresh.record_payment(Payment(1, 5, 40, 7, "Ana", ("u",), datetime.now(UTC)))
    await fresh.record_payment(Payment(2, 5, 50, 7, "Ana", ("u",), datetime.now(UTC)))
    assert await fresh.payment_channels(5) == {40, 50}
    assert await fresh.remove_payments([1], guild_id=6) == 0  # another server's ids never match
    assert await fresh.remove_payments([1], guild_id=5) == 1
