"""Translate menu, opt-out, glossary, stats and paused destinations, end to end."""

from __future__ import annotations

import asyncio

from tests.bridge.conftest import ZH_SAMPLE, Harness
from tests.bridge.conftest import copies_in, slash


async def test_translate_menu_answers_privately_in_the_readers_language(harness: Harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        handle = await harness.double.invoke_message_command(harness.wang, "Translate", message, locale="zh-TW")
        text = await handle.wait_text()
        assert handle.ephemeral and text.startswith("〔譯〕Where is the cat")
        chinese = await harness.double.post(harness.wang, harness.general, ZH_SAMPLE)
        handle = await harness.double.invoke_message_command(harness.alice, "Translate", chinese, locale="en-US")
        assert (await handle.wait_text()).startswith(f"[en] {ZH_SAMPLE}")


async def test_translate_menu_says_when_the_message_is_already_in_the_readers_language(harness: Harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        before = harness.translator.request_count
        handle = await harness.double.invoke_message_command(harness.alice, "Translate", message, locale="en-GB")
        assert "already in your language" in await handle.wait_text()
        assert harness.translator.request_count == before


async def test_translate_menu_is_rate_limited_per_person(harness: Harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.alice, harness.general, "Where is the cat")
        for _ in range(10):
            handle = await harness.double.invoke_message_command(harness.wang, "Translate", message, locale="zh-CN")
            await handle.wait_text()
        handle = await harness.double.invoke_message_command(harness.wang, "Translate", message, locale="zh-CN")
        assert "秒后再试" in await handle.wait_text() and handle.ephemeral


async def test_opted_out_messages_never_reach_the_provider_and_optin_restores_relaying(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        optout = await slash(harness, harness.alice, "bridge optout", harness.english)
        assert optout.ephemeral
        before = harness.translator.request_count
        await harness.double.post(harness.alice, harness.english, "keep this private")
        await harness.double.post(harness.moderator, harness.english, "this one is fine")
        [copy] = await harness.copies(harness.chinese)
        await asyncio.sleep(0.2)
        assert copy.content.startswith("〔译〕this one is fine") and len(copies_in(harness, harness.chinese)) == 1
        assert harness.translator.request_count == before + 1
        await slash(harness, harness.alice, "bridge optin", harness.english)
        await harness.double.post(harness.alice, harness.english, "back again")
        copies = await harness.copies(harness.chinese, 2)
        assert copies[-1].content.startswith("〔译〕back again")


async def test_glossary_terms_are_translated_the_same_way_and_can_be_listed_and_removed(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        await slash(harness, harness.moderator, "bridge glossary add", harness.general, term="cat tax", translation="猫税")
        listed = await slash(harness, harness.alice, "bridge glossary list", harness.general)
        assert "cat tax → 猫税" in listed.response_text
        await harness.double.post(harness.alice, harness.english, "Please pay the cat tax")
        [copy] = await harness.copies(harness.chinese)
        assert "猫税" in copy.content and "cat tax" not in copy.content
        await slash(harness, harness.moderator, "bridge glossary remove", harness.general, term="Cat Tax")
        await harness.double.post(harness.alice, harness.english, "Please pay the cat tax")
        copies = await harness.copies(harness.chinese, 2)
        assert "cat tax" in copies[-1].content


async def test_only_moderators_change_the_glossary(harness: Harness) -> None:
    async with harness.running() as bot:
        await slash(harness, harness.alice, "bridge glossary add", harness.general, term="cat tax", translation="猫税")
        assert bot.get_cog("BridgeCog").glossaries.entries(harness.guild.id) == {}


async def test_stats_show_provider_usage_relays_and_lag(harness: Harness) -> None:
    async with harness.running() as bot:
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "Count me")
        await harness.copies(harness.chinese)
        await bot.translation.flush_usage()
        handle = await harness.double.invoke_slash(harness.moderator, "bridge stats", channel=harness.general)
        text = await handle.wait_text(timeout=60)  # drawing the chart takes seconds on a busy machine
        assert handle.ephemeral and "Last 24 hours" in text and "Last 30 days" in text
        assert "microsoft: 8 characters in 1 calls" in text
        assert "relays: 1 copies in 1 posts, 0 failed" in text


async def test_lost_permission_pauses_with_one_notice_and_resumes_in_order_when_it_returns(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        await harness.link()
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        double.set_bot_permissions(harness.chinese, deny=["manage_webhooks"])
        for number in range(3):
            await double.post(harness.alice, harness.english, f"m{number} waiting")
        await double.wait_for(lambda: [v for v in double.view(harness.general) if "Manage Webhooks" in v.content])
        await double.wait_for(lambda: bot.bridge_relay.engine.backlog(harness.chinese.id) == 3)
        listed = await slash(harness, harness.moderator, "bridge list", harness.general)
        assert "paused" in listed.response_text
        await asyncio.sleep(0.3)
        assert len([v for v in double.view(harness.general) if "Manage Webhooks" in v.content]) == 1
        double.set_bot_permissions(harness.chinese, allow=["manage_webhooks"])
        copies = await harness.copies(harness.chinese, 3)
        assert [c.content.split()[0] for c in copies] == ["〔译〕m0", "〔译〕m1", "〔译〕m2"]
