"""Each person's own language: stored on SQLite and PostgreSQL, and the one function every private
answer asks."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.personal_language import FOLLOW_DISCORD, PersonalLanguages, reader_locale
from bot.storage import Database

ROOT = Path(__file__).resolve().parents[1]


async def test_choices_are_stored_changed_and_forgotten(database: Database) -> None:
    languages = PersonalLanguages(database)
    await languages.load()
    await languages.choose(1, "zh-TW")
    await languages.choose(2, "en-US")
    await languages.choose(2, "zh-CN")
    fresh = PersonalLanguages(database)
    await fresh.load()
    assert (fresh.chosen(1), fresh.chosen(2), fresh.chosen(3)) == ("zh-TW", "zh-CN", None)
    await fresh.choose(1, FOLLOW_DISCORD)
    assert await fresh.forget(2) and not await fresh.forget(2)
    again = PersonalLanguages(database)
    await again.load()
    assert again.chosen(1) is None and again.chosen(2) is None


async def test_an_unknown_language_is_refused(database: Database) -> None:
    with pytest.raises(ValueError):
        await PersonalLanguages(database).choose(1, "fr")


async def test_the_chosen_language_wins_over_the_client_and_follow_discord_uses_it(database: Database) -> None:
    languages = PersonalLanguages(database)
    await languages.choose(7, "zh-TW")
    client = SimpleNamespace(personal_languages=languages)
    chose = SimpleNamespace(client=client, user=SimpleNamespace(id=7), locale="en-US")
    follows = SimpleNamespace(client=client, user=SimpleNamespace(id=8), locale="zh-HK")
    assert reader_locale(chose) == "zh-TW" and reader_locale(follows) == "zh-TW"
    assert reader_locale(SimpleNamespace(client=client, user=SimpleNamespace(id=8), locale="ja")) == "en-US"


def test_private_answers_take_their_language_from_reader_locale_only() -> None:
    """A cog reading `interaction.locale` itself would ignore the person's /language."""
    direct = []
    for path in sorted((ROOT / "cogs").rglob("*.py")) + [ROOT / "bot" / "tree.py"]:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            # remembering what the Discord client reports (for messages with no interaction) is allowed
            if re.search(r"interaction\.locale\b", line) and "remember_locale" not in line:
                direct.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert direct == []
