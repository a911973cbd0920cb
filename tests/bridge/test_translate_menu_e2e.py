"""The Translate menu as a user app: a person who added Qiao to their account translates messages in
DMs and group DMs Qiao is not in, and in Qiao's own DM; always privately, in their own language."""

from __future__ import annotations

import pytest

from tests.bridge.conftest import ZH_SAMPLE, Harness
from tests.bridge.conftest import slash
from discord_double.user_apps import NotAvailableHere, invoke_installed_message_command, post_privately, private_channel


def translate_definition(harness: Harness) -> dict:
    return next(c for c in harness.double.world.commands[None] if c["name"] == "Translate" and c["type"] == 3)


async def test_translate_works_in_a_dm_between_people_that_qiao_is_not_in(harness: Harness) -> None:
    dm = private_channel(harness.double, harness.alice, harness.wang)
    message = await post_privately(harness.double, harness.alice, dm, "Where is the cat")
    async with harness.running() as bot:
        await bot.tree.sync()
        assert translate_definition(harness)["integration_types"] == [0, 1]
        assert sorted(translate_definition(harness)["contexts"]) == [0, 1, 2]
        handle = await invoke_installed_message_command(harness.double, harness.wang, "Translate", message, locale="zh-TW")
        text = await handle.wait_text()
    assert handle.interaction.payload["context"] == 2 and "guild_id" not in handle.interaction.payload
    assert handle.ephemeral and text.startswith("〔譯〕Where is the cat")
    assert not harness.double.requests_to("POST", f"/channels/{dm.id}/messages")  # nothing public, nothing in the DM


async def test_translate_works_in_qiaos_own_dm(harness: Harness) -> None:
    async with harness.running() as bot:
        await bot.tree.sync()
        message = await harness.double.dm(harness.alice, ZH_SAMPLE)
        handle = await invoke_installed_message_command(harness.double, harness.alice, "Translate", message)
        text = await handle.wait_text()
    assert handle.interaction.payload["context"] == 1
    assert handle.ephemeral and text.startswith(f"[en] {ZH_SAMPLE}")


async def test_an_opted_out_author_stays_untranslated_in_a_private_dm(harness: Harness) -> None:
    dm = private_channel(harness.double, harness.alice, harness.wang)
    message = await post_privately(harness.double, harness.alice, dm, "Where is the cat")
    async with harness.running() as bot:
        await bot.tree.sync()
        await slash(harness, harness.alice, "bridge optout", harness.general)
        before = harness.translator.request_count
        handle = await invoke_installed_message_command(harness.double, harness.wang, "Translate", message, locale="zh-CN")
        text = await handle.wait_text()
    assert handle.ephemeral and text == bot.i18n.t("bridge.translate.opted_out", "zh-CN")
    assert harness.translator.request_count == before


async def test_a_failing_provider_gets_one_private_line_in_a_dm(harness: Harness) -> None:
    dm = private_channel(harness.double, harness.alice, harness.wang)
    message = await post_privately(harness.double, harness.alice, dm, "Where is the cat")
    async with harness.running() as bot:
        await bot.tree.sync()
        harness.translator.fail_next(harness.translator.quota_exceeded(), times=10)
        handle = await invoke_installed_message_command(harness.double, harness.wang, "Translate", message, locale="zh-CN")
        text = await handle.wait_text()
    assert handle.ephemeral and text == bot.i18n.t("bridge.translate.failed", "zh-CN")


async def test_other_qiao_commands_are_not_offered_to_a_user_install(harness: Harness) -> None:
    dm = private_channel(harness.double, harness.alice, harness.wang)
    message = await post_privately(harness.double, harness.alice, dm, "Where is the cat")
    async with harness.running() as bot:
        await bot.tree.sync()
        user_commands = sorted(c["name"] for c in harness.double.world.commands[None] if 1 in (c.get("integration_types") or [0]))
        assert "Translate" in user_commands and "bridge" not in user_commands
        with pytest.raises(NotAvailableHere):
            await invoke_installed_message_command(harness.double, harness.wang, "Nope", message)
