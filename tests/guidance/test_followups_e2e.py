"""Guidance follow-ups, end to end: edits are checked again (never repeating a note), the
closed-DM fallback reply is removed even across a restart, and a person's own Discord locale
chooses the language of their notes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.guidance.languages import note_locale
from bot.guidance.store import GuidanceStore, PendingRemoval
from bot.storage import Database
from tests.guidance.conftest import Harness


def fallback_replies(harness: Harness) -> list:
    return [v for v in harness.bot_messages(harness.general) if v.components]


def crash(harness: Harness) -> None:
    """Stop timing the fallback replies in memory, as if the process had died: only the
    database still knows about them."""
    for _removal, task in list(harness.cog._removals.values()):
        task.cancel()
    harness.cog._removals.clear()


async def stored_removals(harness: Harness, timeout: float = 5.0) -> list:
    """The fallback replies the database knows about, once it knows about any."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (stored := await harness.cog.store.pending_removals()):
        assert asyncio.get_running_loop().time() < deadline, "no fallback reply was stored"
        await asyncio.sleep(0.02)
    return stored


async def stored_removals_become_empty(harness: Harness, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while stored := await harness.cog.store.pending_removals():
        assert asyncio.get_running_loop().time() < deadline, f"still stored: {stored}"
        await asyncio.sleep(0.02)


# ---- edits ---------------------------------------------------------------------------------------


async def test_a_term_added_by_an_edit_gets_a_note(harness: Harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.alice, harness.general, "Have you heard about it?")
        await harness.settle()
        assert harness.double.dm_view(harness.alice) == []
        await harness.double.edit(message, "Have you heard about Falun Gong?")
        [note] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
        await harness.double.wait_for(lambda: harness.double.view(harness.general)[0].reactions)
    assert "“Falun Gong”" in note.content and f"/{harness.general.id}/{message.id}" in note.content
    assert harness.double.view(harness.general)[0].reactions == {"💡": 1}


async def test_an_edit_never_repeats_a_note_and_only_explains_what_it_added(harness: Harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.double.wait_for(lambda: len(harness.double.dm_view(harness.alice)) == 1)
        await harness.double.edit(message, "Falun Gong, fixed a typo")
        await harness.settle()
        assert len(harness.double.dm_view(harness.alice)) == 1
        await harness.double.edit(message, "Falun Gong and the Tank Man")
        await harness.double.wait_for(lambda: len(harness.double.dm_view(harness.alice)) == 2)
        await harness.double.edit(message, "Falun Gong and the Tank Man!")
        await harness.settle()
    notes = [v.content for v in harness.double.dm_view(harness.alice)]
    assert len(notes) == 2 and "Tank Man" in notes[1] and "Falun" not in notes[1]


async def test_the_cooldown_holds_for_an_edit_of_another_message(harness: Harness) -> None:
    async with harness.running():
        await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
        second = await harness.double.post(harness.alice, harness.general, "hello")
        await harness.double.edit(second, "hello, Falun Dafa")
        await harness.settle()
    assert len(harness.double.dm_view(harness.alice)) == 1


async def test_edits_by_muted_people_stay_quiet(harness: Harness) -> None:
    async with harness.running():
        await harness.slash(harness.alice, "guidance mute")
        message = await harness.double.post(harness.alice, harness.general, "hello")
        await harness.double.edit(message, "hello, Falun Gong")
        await harness.settle()
    assert harness.double.dm_view(harness.alice) == []


# ---- the fallback reply across a restart ---------------------------------------------------------


async def crash_once_stored(harness: Harness) -> PendingRemoval:
    """Wait until the database knows the fallback reply (a crash before that loses it by design),
    then crash."""
    await harness.double.wait_for(lambda: harness.cog._removals)
    [stored] = await stored_removals(harness)
    crash(harness)
    return stored


async def minute_passes_while_away(harness: Harness, stored: PendingRemoval) -> None:
    """The reply falls due while no bot runs (moved in the database rather than waited for)."""
    await harness.cog.store.schedule_removal(stored.message_id, stored.channel_id, datetime.now(UTC) - timedelta(seconds=1))


async def test_an_overdue_fallback_reply_is_removed_when_the_bot_starts_again(harness: Harness) -> None:
    async with harness.running():
        original = await harness.double.post(harness.closed, harness.general, "May 35th")
        [reply] = await harness.double.wait_for(lambda: fallback_replies(harness))
        stored = await crash_once_stored(harness)
        await minute_passes_while_away(harness, stored)
    assert [v.id for v in fallback_replies(harness)] == [reply.id]  # the "crash" left it behind

    async with harness.running():
        await harness.double.wait_for(lambda: not fallback_replies(harness), timeout=5)
        await harness.double.wait_for(lambda: harness.cog._removals == {})
        assert await harness.cog.store.pending_removals() == []
    assert [v.id for v in harness.double.view(harness.general)] == [original.id]
    assert [r.path.rsplit("/", 1)[-1] for r in harness.deletions()] == [str(reply.id)]


async def test_after_a_restart_a_fallback_reply_still_gets_its_full_minute(harness: Harness) -> None:
    # The real minute: however long the restart takes on a loaded machine, it stays far inside it.
    async with harness.running():
        await harness.double.post(harness.closed, harness.general, "May 35th")
        [reply] = await harness.double.wait_for(lambda: fallback_replies(harness))
        stored = await crash_once_stored(harness)
    async with harness.running():
        await harness.double.wait_for(lambda: reply.id in harness.cog._removals)
        assert [v.id for v in fallback_replies(harness)] == [reply.id]  # not before its time
        timed, task = harness.cog._removals[reply.id]
        assert timed.delete_at == stored.delete_at and not task.done()  # its own minute, not a new one
    # Stopping does not leave it behind either.
    assert fallback_replies(harness) == []
    assert [r.path.rsplit("/", 1)[-1] for r in harness.deletions()] == [str(reply.id)]


async def test_a_reply_removed_by_someone_else_is_simply_forgotten(harness: Harness) -> None:
    async with harness.running():
        await harness.double.post(harness.closed, harness.general, "May 35th")
        [reply] = await harness.double.wait_for(lambda: fallback_replies(harness))
        stored = await crash_once_stored(harness)
        await minute_passes_while_away(harness, stored)
    await harness.double.delete(reply.message)
    async with harness.running():
        await stored_removals_become_empty(harness)
        assert harness.cog._removals == {}
    assert [r.status for r in harness.deletions()] == [404]  # one try, told it is gone, no retries


# ---- the reader's own locale ---------------------------------------------------------------------


async def test_a_person_s_discord_locale_beats_the_language_they_wrote_in(harness: Harness) -> None:
    async with harness.running():
        await harness.slash(harness.alice, "guidance check", locale="zh-TW", text="hello")
        await harness.double.post(harness.alice, harness.general, "Have you heard of Falun Gong?")
        [note] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
    assert "“Falun Gong”" in note.content and "從不刪除" in note.content


async def test_the_remembered_locale_survives_a_restart_and_follows_the_latest_interaction(harness: Harness) -> None:
    async with harness.running():
        await harness.slash(harness.wang, "guidance check", locale="zh-TW", text="hello")
        await harness.slash(harness.wang, "guidance check", locale="en-US", text="hello")
    async with harness.running():
        await harness.double.post(harness.wang, harness.general, "你们知道六四吗？")
        [note] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.wang))
    assert "“六四”" in note.content and "Qiao never deletes anything" in note.content


async def test_reply_mode_stays_in_the_language_of_the_message(harness: Harness) -> None:
    async with harness.running():
        await harness.slash(harness.moderator, "guidance mode", mode="reply")
        await harness.slash(harness.alice, "guidance check", locale="zh-CN", text="hello")
        await harness.double.post(harness.alice, harness.general, "Have you heard of Falun Gong?")
        [reply] = await harness.double.wait_for(lambda: harness.bot_messages(harness.general))
    assert "Qiao never deletes anything" in reply.content


# ---- Discord-free parts --------------------------------------------------------------------------


def test_note_locale_prefers_a_locale_qiao_speaks_then_the_written_language() -> None:
    assert note_locale("zh-TW", "en") == "zh-TW"
    assert note_locale("en-GB", "zh", "simplified") == "en-US"
    assert note_locale("fr", "zh", "traditional") == "zh-TW"  # no French notes: the message says more
    assert note_locale(None, "en") == "en-US"
    assert note_locale("de", None) is None


async def test_pending_removals_are_stored_until_forgotten(database: Database) -> None:
    store = GuidanceStore(database)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    await store.schedule_removal(11, 100, now + timedelta(minutes=1))
    await store.schedule_removal(12, 100, now - timedelta(minutes=1))
    assert [r.message_id for r in await store.pending_removals()] == [12, 11]
    [due] = await store.pending_removals(due_by=now)
    assert (due.message_id, due.channel_id, due.delete_at) == (12, 100, now - timedelta(minutes=1))
    await store.forget_removal(12)
    assert [r.message_id for r in await GuidanceStore(database).pending_removals()] == [11]


async def test_a_person_s_locale_is_remembered_across_stores(database: Database) -> None:
    store = GuidanceStore(database)
    assert await store.user_locale(7) is None
    await store.remember_locale(7, "zh-TW")
    await store.remember_locale(7, "en-GB")
    assert await store.user_locale(7) == "en-GB"
    assert await GuidanceStore(database).user_locale(7) == "en-GB"
