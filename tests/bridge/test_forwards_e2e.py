"""Forwarded messages: real Discord sends them as type 0 with empty content, message_reference.type 1
and the forwarded text, files and stickers in message_snapshots."""

from __future__ import annotations

from tests.bridge.conftest import Harness


async def test_a_forwarded_message_is_relayed_with_its_text(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        source = harness.double.create_channel(harness.guild, "news")
        original = await harness.double.post(harness.wang, source, "Good morning everyone")
        forward = await harness.double.forward(harness.alice, original, harness.english)
        assert forward.content == ""
        [copy] = await harness.copies(harness.chinese)
    assert copy.author == "Ally"
    assert "〔译〕Good morning everyone" in copy.content


async def test_a_forwarded_message_is_marked_as_forwarded_in_every_copy(harness: Harness) -> None:
    async with harness.running():
        await harness.link()
        source = harness.double.create_channel(harness.guild, "news")
        original = await harness.double.post(harness.wang, source, "Good morning everyone")
        await harness.double.forward(harness.alice, original, harness.english)
        [copy] = await harness.copies(harness.chinese)
    assert "↪ forwarded · 转发" in copy.content
    assert copy.content.index("〔译〕Good morning everyone") < copy.content.index("↪ forwarded")
