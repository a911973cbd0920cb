"""`/bridge` commands through the Discord double: refusals, localisation, ephemeral replies."""

from __future__ import annotations

import pytest

from tests.bridge.conftest import Harness

MODERATOR_COMMANDS = [
    ("bridge link", lambda h: {"english": h.english, "chinese": h.chinese}),
    ("bridge mixed", lambda h: {"channel": h.general}),
    ("bridge unlink", lambda h: {"channel": h.english}),
    ("bridge list", lambda h: {}),
    ("bridge settings", lambda h: {"channel": h.english}),
]


@pytest.mark.parametrize(("command", "options"), MODERATOR_COMMANDS, ids=[c for c, _ in MODERATOR_COMMANDS])
async def test_non_moderator_is_refused_privately_in_their_language(harness: Harness, command, options) -> None:
    async with harness.running() as bot:
        handle = await harness.double.invoke_slash(harness.wang, command, channel=harness.general,
                                                   options=options(harness), locale="zh-CN")
        text = await handle.wait_text()
        assert handle.ephemeral
        assert text == bot.i18n.t("core.error.not_moderator", "zh-CN")
        assert not bot.bridge_relay.is_bridged(harness.english.id)


async def test_link_refuses_the_same_channel_twice(harness: Harness) -> None:
    async with harness.running() as bot:
        handle = await harness.double.invoke_slash(harness.moderator, "bridge link", channel=harness.general,
                                                   options={"english": harness.english, "chinese": harness.english})
        assert await handle.wait_text() == bot.i18n.t("bridge.error.same_channel", "en-US")
        assert handle.ephemeral


async def test_link_refuses_a_channel_already_in_another_bridge(harness: Harness) -> None:
    other = harness.double.create_channel(harness.guild, "other")
    third = harness.double.create_channel(harness.guild, "third")
    async with harness.running():
        await harness.link()
        await harness.link(english=other, chinese=third)
        handle = await harness.double.invoke_slash(harness.moderator, "bridge link", channel=harness.general,
                                                   options={"english": other, "chinese": harness.chinese})
        assert "already in another bridge" in await handle.wait_text()


async def test_link_refuses_a_channel_the_bot_cannot_see(harness: Harness) -> None:
    hidden = harness.double.create_channel(harness.guild, "hidden")
    harness.double.set_bot_permissions(hidden, deny=["view_channel"])
    async with harness.running() as bot:
        handle = await harness.double.invoke_slash(harness.moderator, "bridge link", channel=harness.general,
                                                   options={"english": harness.english, "chinese": hidden},
                                                   locale="zh-TW")
        assert await handle.wait_text() == bot.i18n.t("bridge.error.cannot_see", "zh-TW", channel=f"<#{hidden.id}>")


async def test_linking_to_a_bridged_channel_adds_a_traditional_channel(harness: Harness) -> None:
    taiwan = harness.double.create_channel(harness.guild, "taiwan")
    async with harness.running():
        await harness.link()
        await harness.link(chinese=taiwan, script="traditional")
        await harness.double.post(harness.alice, harness.english, "Good night")
        [simplified] = await harness.copies(harness.chinese)
        [traditional] = await harness.copies(taiwan)
        assert simplified.content.startswith("〔译〕Good night")
        assert traditional.content.startswith("〔譯〕Good night")


async def test_list_shows_bridges_channels_settings_and_health(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        await (await harness.double.invoke_slash(
            harness.moderator, "bridge settings", channel=harness.general,
            options={"channel": harness.chinese, "label": "hidden"})).wait_response()
        handle = await harness.double.invoke_slash(harness.moderator, "bridge list", channel=harness.general)
        text = await handle.wait_text()
        assert handle.ephemeral
        assert f"<#{harness.english.id}>: English" in text and f"<#{harness.chinese.id}>: Chinese" in text
        assert "label hidden" in text and "✅" in text


async def test_hidden_label_leaves_copies_unlabelled(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        await (await harness.double.invoke_slash(
            harness.moderator, "bridge settings", channel=harness.general,
            options={"channel": harness.chinese, "label": "hidden"})).wait_response()
        await harness.double.post(harness.alice, harness.english, "Quiet please")
        [copy] = await harness.copies(harness.chinese)
        assert copy.content == "〔译〕Quiet please"


async def test_unlink_stops_relaying(harness: Harness) -> None:
    async with harness.running() as bot:
        await harness.link()
        handle = await harness.double.invoke_slash(harness.moderator, "bridge unlink", channel=harness.general,
                                                   options={"channel": harness.chinese}, locale="zh-CN")
        assert await handle.wait_text() == bot.i18n.t("bridge.unlink.done", "zh-CN", channel=f"<#{harness.chinese.id}>")
        assert not bot.bridge_relay.is_bridged(harness.english.id)
