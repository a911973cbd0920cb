"""Copies left untranslated by a provider outage are filled in by the next bot process."""

from __future__ import annotations

import asyncio

from tests.bridge.conftest import Harness

NOTICE = "translation unavailable"


async def _relay_during_outage(harness: Harness, text: str):
    harness.translator.fail_always(harness.translator.rate_limited(retry_after=30))
    original = await harness.double.post(harness.alice, harness.english, text)
    [copy] = await harness.copies(harness.chinese)
    assert copy.content.startswith(text) and NOTICE in copy.content
    return original, copy


async def test_copy_left_untranslated_before_a_restart_is_edited_with_the_translation(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        _, copy = await _relay_during_outage(harness, "Is anyone there")
    harness.translator.recover()
    async with harness.running():
        await harness.double.wait_for(
            lambda: "〔译〕Is anyone there" in harness.double.view(harness.chinese)[-1].content, timeout=10
        )
        [filled] = [v for v in harness.double.view(harness.chinese) if v.by_webhook]
        assert filled.id == copy.id and filled.edited
        assert NOTICE not in filled.content


async def test_original_edited_while_the_bot_was_away_is_filled_in_with_its_new_text(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        original, copy = await _relay_during_outage(harness, "First words")
    await harness.double.edit(original, "Second words")
    harness.translator.recover()
    async with harness.running():
        await harness.double.wait_for(
            lambda: "〔译〕Second words" in harness.double.view(harness.chinese)[-1].content, timeout=10
        )
        assert NOTICE not in harness.double.view(harness.chinese)[-1].content


async def test_while_providers_still_fail_the_copy_keeps_its_notice_and_nothing_is_posted(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        _, copy = await _relay_during_outage(harness, "Still down")
    async with harness.running() as bot:
        await asyncio.sleep(0.5)
        [same] = [v for v in harness.double.view(harness.chinese) if v.by_webhook]
        assert same.id == copy.id and NOTICE in same.content
        assert (await bot.get_cog("BridgeCog").stored_fill_ins.run_once()).providers_down
