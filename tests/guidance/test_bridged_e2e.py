"""In bridged channels Qiao reads both the original and its translation, and never tells the
same person twice about one message. The bridge's own copies (webhooks) are not authors."""

from __future__ import annotations

from datetime import timedelta

from tests.guidance.conftest import Harness


async def link(harness: Harness) -> None:
    await harness.slash(harness.moderator, "bridge link", english=harness.english, chinese=harness.chinese)


def copies(harness: Harness, channel) -> list:
    return [v for v in harness.double.view(channel) if v.by_webhook]


async def test_a_term_that_only_the_translation_contains_is_explained_to_the_author(harness: Harness) -> None:
    async with harness.running("cogs.bridge"):
        await link(harness)
        await harness.double.post(harness.alice, harness.english, "I saw the photo of the man standing in front of the tanks")
        [copy] = await harness.double.wait_for(lambda: copies(harness, harness.chinese))
        assert "坦克人" in copy.content
        [note] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
    assert "“坦克人”" in note.content
    assert "Qiao never deletes anything" in note.content  # English original: English note
    assert copy.reactions == {}


async def test_one_note_when_both_the_original_and_the_translation_match(harness: Harness) -> None:
    async with harness.running("cogs.bridge"):
        harness.cog.cooldown = timedelta(0)  # only the per-message dedupe stands between two notes
        await link(harness)
        await harness.double.post(harness.alice, harness.english, "My grandmother told me about Tank Man")
        [copy] = await harness.double.wait_for(lambda: copies(harness, harness.chinese))
        assert "坦克人" in copy.content
        await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
        await harness.settle(0.5)
        # A later message by the same person is a new message: with no cooldown it gets a note.
        await harness.double.post(harness.alice, harness.english, "Tank Man again")
        await harness.double.wait_for(lambda: len(harness.double.dm_view(harness.alice)) == 2)
        await harness.settle(0.5)
    assert len(harness.double.dm_view(harness.alice)) == 2
    assert harness.double.dm_view(harness.wang) == []
    assert [v.reactions for v in harness.double.view(harness.english)] == [{"💡": 1}, {"💡": 1}]
