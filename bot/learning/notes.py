"""Slang notes on relayed copies: which terms to keep out of machine translation and the one line
that explains them in the copy's language, per channel on or off.

The bridge calls ``SlangNotes.annotate(text, target, channel_id)`` before it translates a message
for a channel: the terms come back to be protected like markup (``bot.pipeline.markup.protect``
keeps a term mapped to itself as written), and the line goes under the translated text. Only slang
of the other language is noted (a Chinese reader of an English message learns "no cap"; an
English reader of a Chinese one learns "yyds"). Settings are cached in memory and written through,
so the relay never waits on the database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.learning.slang import SlangMatcher, notes_for, shared_matcher
from bot.learning.tables import slang_note_settings
from bot.storage import Database

NOTE_PREFIX = "-# 💬 "


@dataclass(frozen=True, slots=True)
class Annotation:
    terms: tuple[str, ...]  # as written in the message, kept out of machine translation
    line: str  # "-# 💬 yyds = 永远的神 (yǒngyuǎn de shén), the GOAT; simply the best"


def annotation_for(matcher: SlangMatcher, text: str, target: str, *, glossary_terms: Collection[str] = ()) -> Annotation | None:
    """The note for a copy in `target` ("en", "zh-Hans", "zh-Hant"), or None when nothing to explain.

    Terms in the server's glossary (casefolded) are left to it: moderators chose how they read."""
    foreign = "zh" if target == "en" else "en"
    hits = [hit for hit in matcher.find(text)
            if hit.entry.language == foreign and hit.written.casefold() not in glossary_terms]
    if not hits:
        return None
    return Annotation(tuple(dict.fromkeys(hit.written for hit in hits)), NOTE_PREFIX + " · ".join(notes_for(hits, target)))


class SlangNotes:
    def __init__(self, db: Database, matcher: SlangMatcher | None = None, *,
                 glossary: Callable[[int], Mapping[str, str]] | None = None) -> None:
        self._db = db
        self._matcher = matcher or shared_matcher()
        self._glossary = glossary  # a server's glossary entries (term -> translation), if there is one
        self._off: set[int] = set()

    async def load(self) -> None:
        async with self._db.connect() as connection:
            rows = await connection.execute(
                sa.select(slang_note_settings.c.channel_id).where(slang_note_settings.c.enabled.is_(False))
            )
            self._off = set(rows.scalars())

    def enabled(self, channel_id: int) -> bool:
        return channel_id not in self._off

    async def set_enabled(self, channel_id: int, enabled: bool) -> None:
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(
                slang_note_settings,
                {"channel_id": channel_id, "enabled": enabled, "updated_at": datetime.now(UTC)},
                ["channel_id"],
            ))
        (self._off.discard if enabled else self._off.add)(channel_id)

    def annotate(self, text: str, target: str, channel_id: int, guild_id: int = 0) -> Annotation | None:
        if not self.enabled(channel_id):
            return None
        entries = self._glossary(guild_id) if self._glossary is not None else {}
        glossary_terms = {side.casefold() for pair in entries.items() for side in pair}
        return annotation_for(self._matcher, text, target, glossary_terms=glossary_terms)
