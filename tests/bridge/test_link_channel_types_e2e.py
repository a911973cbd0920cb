"""`/bridge link` takes text and announcement channels (both support webhooks), or two forum or media
channels; anything else is refused with its own message, and the command's options only offer those
channel types."""

from __future__ import annotations

import pytest

from tests.bridge.conftest import Harness

TEXT, CATEGORY, NEWS, FORUM, MEDIA = 0, 4, 5, 15, 16


# Voice and stage channels are left out: the double cannot describe them yet (no bitrate).
@pytest.mark.parametrize("kind", [CATEGORY], ids=["category"])
async def test_link_refuses_a_channel_that_is_not_a_text_channel(harness: Harness, kind: int) -> None:
    odd = harness.double.create_channel(harness.guild, "odd", type=kind)
    async with harness.running() as bot:
        handle = await harness.double.invoke_slash(harness.moderator, "bridge link", channel=harness.general,
                                                   options={"english": harness.english, "chinese": odd}, locale="zh-CN")
        assert await handle.wait_text() == bot.i18n.t("bridge.error.not_text", "zh-CN", channel=f"<#{odd.id}>")
        assert handle.ephemeral
        assert not bot.bridge_relay.is_bridged(harness.english.id)


async def test_link_accepts_an_announcement_channel(harness: Harness) -> None:
    news = harness.double.create_channel(harness.guild, "news", type=NEWS)
    async with harness.running() as bot:
        await harness.link(chinese=news)
        assert bot.bridge_relay.is_bridged(news.id)


async def test_link_offers_text_announcement_forum_and_media_channels(harness: Harness) -> None:
    async with harness.running() as bot:
        link = next(c for c in bot.tree.get_command("bridge").commands if c.name == "link")
        payload = link.to_dict(bot.tree)
        types = {option["name"]: sorted(option.get("channel_types", [])) for option in payload["options"] if option["type"] == 7}
        assert types == {"english": [TEXT, NEWS, FORUM, MEDIA], "chinese": [TEXT, NEWS, FORUM, MEDIA]}
