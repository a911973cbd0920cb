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
