"""Slang notes for relayed copies: what is kept out of translation, the note line, per-channel switch."""

from __future__ import annotations

from bot.learning.notes import NOTE_PREFIX, SlangNotes, annotation_for
from bot.learning.slang import shared_matcher


def test_a_chinese_message_for_english_readers_notes_chinese_slang_only() -> None:
    note = annotation_for(shared_matcher(), "今天的饭yyds，no cap", "en")
    assert note is not None
    assert note.terms == ("yyds",)
    assert note.line == NOTE_PREFIX + "yyds = 永远的神 (yǒngyuǎn de shén), the GOAT; simply the best"


def test_an_english_message_for_chinese_readers_in_their_script() -> None:
    simplified = annotation_for(shared_matcher(), "No cap, she ate", "zh-Hans")
    traditional = annotation_for(shared_matcher(), "No cap, she ate", "zh-Hant")
    assert simplified.terms == ("No cap", "ate")
    assert simplified.line == NOTE_PREFIX + "No cap = 不骗你，说真的 · ate = 干得漂亮、完美拿捏"
    assert traditional.line == NOTE_PREFIX + "No cap = 不騙你，說真的 · ate = 幹得漂亮、完美拿捏"


def test_ordinary_messages_get_no_note() -> None:
    assert annotation_for(shared_matcher(), "I ate lunch, it was based on a recipe", "zh-Hans") is None
    assert annotation_for(shared_matcher(), "我考了88分", "en") is None
    assert annotation_for(shared_matcher(), "", "en") is None


async def test_notes_are_on_by_default_and_switch_per_channel(database) -> None:
    notes = SlangNotes(database)
    await notes.load()
    assert notes.enabled(1) and notes.annotate("yyds", "en", 1) is not None
    await notes.set_enabled(1, False)
    assert not notes.enabled(1) and notes.annotate("yyds", "en", 1) is None
    assert notes.enabled(2)
    reloaded = SlangNotes(database)
    await reloaded.load()
    assert not reloaded.enabled(1) and reloaded.enabled(2)
    await reloaded.set_enabled(1, True)
    again = SlangNotes(database)
    await again.load()
    assert again.enabled(1)


async def test_terms_in_the_servers_glossary_are_left_to_it(database) -> None:
    glossaries = {7: {"cat tax": "猫税"}}
    notes = SlangNotes(database, glossary=lambda guild_id: glossaries.get(guild_id, {}))
    await notes.load()
    assert notes.annotate("Please pay the Cat Tax, no cap", "zh-Hans", 1, 7).terms == ("no cap",)
    assert notes.annotate("Please pay the cat tax", "zh-Hans", 1, 7) is None
    assert notes.annotate("Please pay the cat tax", "zh-Hans", 1, 8).terms == ("cat tax",)
