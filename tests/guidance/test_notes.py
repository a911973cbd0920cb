"""The note texts, without Discord: length limit, imported terms, cooldown keys, the /guidance topics lists."""

from __future__ import annotations

import pytest

from bot.guidance.catalogue import IMPORTED_ENTRY_ID, Catalogue
from bot.guidance.matcher import GuidanceMatcher, GuildGuidanceConfig
from bot.i18n import I18n
from bot.guidance.notes import MESSAGE_LIMIT, NoteWriter, Noticed, notice_key
from bot.guidance.store import GuildGuidance


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load()


@pytest.fixture(scope="module")
def writer(catalogue: Catalogue) -> NoteWriter:
    return NoteWriter(I18n.load(), catalogue)


def noticed_in(catalogue: Catalogue, text: str, *, imported=()) -> list[Noticed]:
    matcher = GuidanceMatcher(catalogue.effective_entries(imported_terms=imported))
    entries = {entry.id: entry for entry in matcher.entries}
    return [Noticed.of(entries[m.entry_id], m, text) for m in matcher.find(text)]


def test_a_note_about_many_topics_stays_within_one_discord_message(catalogue: Catalogue, writer: NoteWriter) -> None:
    text = "六四 坦克人 法轮功 达赖喇嘛 藏独 反送中 台独 刘晓波 艾未未 翻墙 李文亮 白纸运动 新疆集中营"
    noticed = noticed_in(catalogue, text)
    assert len(noticed) > 8
    note = writer.note(noticed, "zh-CN", link="https://discord.com/channels/1/2/3", muting_hint=True)
    assert len(note) <= MESSAGE_LIMIT
    assert note.endswith("/guidance mute。") and "…" in note


def test_imported_terms_get_the_generic_localised_explanation(catalogue: Catalogue, writer: NoteWriter) -> None:
    [noticed] = noticed_in(catalogue, "草泥马河蟹", imported=["草泥马河蟹"])
    assert "moderators flagged this term" in writer.note([noticed], "en-US", link="x", muting_hint=False)
    assert "本伺服器的管理員" in writer.note([noticed], "zh-TW", link="x", muting_hint=False)


def test_imported_terms_count_separately_for_the_cooldown(catalogue: Catalogue) -> None:
    matcher = GuidanceMatcher(catalogue.effective_entries(imported_terms=["草泥马河蟹", "法克鱿"]))
    [first] = matcher.find("草泥马河蟹")
    [second] = matcher.find("法克鱿")
    assert notice_key(first) != notice_key(second)
    [shipped] = GuidanceMatcher(catalogue.entries).find("Tank Man")
    assert notice_key(shipped) == "tank-man"


def server_state(*, disabled=(), imported=()) -> GuildGuidance:
    config = GuildGuidanceConfig(version=1, disabled_categories=frozenset(disabled), imported_terms=tuple(imported))
    return GuildGuidance(guild_id=1, mode="dm", config=config, custom=(), muted_user_ids=frozenset())


def test_the_topics_list_marks_a_category_turned_off_and_counts_imported_terms(catalogue: Catalogue, writer: NoteWriter) -> None:
    category_id = next(iter(catalogue.categories))
    listing = writer.category_list(server_state(disabled=[category_id], imported=["草泥马河蟹", "河蟹"]), "en-US")
    on = writer.category_list(server_state(), "en-US")
    assert listing != on and category_id in listing
    assert writer.i18n.t("guidance.topics.imported", "en-US", id=IMPORTED_ENTRY_ID, count=2) in listing
    assert writer.i18n.t("guidance.topics.imported", "en-US", id=IMPORTED_ENTRY_ID, count=2) not in on


def test_a_category_lists_its_shipped_entries_and_the_imported_one_its_terms(catalogue: Catalogue, writer: NoteWriter) -> None:
    category_id = next(iter(catalogue.categories))
    state = server_state(imported=["草泥马河蟹"])
    shipped = writer.entries_in(category_id, state)
    assert shipped and all(entry.category == category_id for entry in shipped)
    [imported] = writer.entries_in(IMPORTED_ENTRY_ID, state)
    assert "草泥马河蟹" in writer.entry_list(IMPORTED_ENTRY_ID, [imported], state, "en-US")
    assert writer.entries_in(IMPORTED_ENTRY_ID, server_state()) == []
    off = writer.entry_list(category_id, shipped, server_state(disabled=[category_id]), "en-US")
    assert off.startswith(writer.i18n.t("guidance.topics.off_here", "en-US"))
