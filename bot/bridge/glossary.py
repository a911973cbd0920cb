"""A server's glossary: terms kept or translated the same way every time ("cat tax" ↔ "猫税").

The relay and the Translate menu pass it to `bot.pipeline.markup.protect(text, glossary)`, and
its fingerprint to the translation cache (`glossary_salt`) so a change invalidates cached output.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.bridge.remember.feature_tables import bridge_glossary
from bot.bridge.translate import TranslatedText
from bot.pipeline.markup import protect
from bot.storage import Database
from bot.translation.languages import to_traditional

MAX_TERMS_PER_GUILD = 200
MAX_TERM_LENGTH = 100
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def directional_mapping(entries: dict[str, str], target: str) -> dict[str, str]:
    """What to write for each term when translating into `target` ("en", "zh-Hans", "zh-Hant").

    An entry pairs an English and a Chinese side (in either order); an entry whose two sides are
    in the same language (a name kept as is) applies in both directions.
    """
    into_chinese = target.startswith("zh")
    mapping: dict[str, str] = {}
    for term, translation in entries.items():
        term_is_chinese, translation_is_chinese = bool(_HAN.search(term)), bool(_HAN.search(translation))
        if term_is_chinese == translation_is_chinese:
            mapping[term] = translation
            continue
        english, chinese = (translation, term) if term_is_chinese else (term, translation)
        if into_chinese:
            mapping[english] = to_traditional(chinese) if target == "zh-Hant" else chinese
        else:
            mapping[chinese] = english
            mapping.setdefault(to_traditional(chinese), english)
    return mapping


def glossary_salt(entries: dict[str, str]) -> str:
    if not entries:
        return ""
    digest = hashlib.sha256("\0".join(f"{term}\1{entries[term]}" for term in sorted(entries)).encode())
    return "g" + digest.hexdigest()[:16]


class Glossaries:
    """Per-guild glossaries, all cached in memory and written through."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._by_guild: dict[int, dict[str, str]] = {}

    async def load(self) -> None:
        async with self._db.connect() as connection:
            rows = await connection.execute(sa.select(bridge_glossary))
            by_guild: dict[int, dict[str, str]] = {}
            for row in rows:
                by_guild.setdefault(row.guild_id, {})[row.term] = row.translation
        self._by_guild = by_guild

    def entries(self, guild_id: int) -> dict[str, str]:
        return dict(self._by_guild.get(guild_id, {}))

    async def add(self, guild_id: int, term: str, translation: str) -> None:
        term, translation = term.strip()[:MAX_TERM_LENGTH], translation.strip()[:MAX_TERM_LENGTH]
        async with self._db.begin() as connection:
            await connection.execute(self._db.upsert(
                bridge_glossary,
                {"guild_id": guild_id, "term": term, "translation": translation, "created_at": datetime.now(UTC)},
                ["guild_id", "term"],
            ))
        self._by_guild.setdefault(guild_id, {})[term] = translation

    async def remove(self, guild_id: int, term: str) -> bool:
        entries = self._by_guild.get(guild_id, {})
        stored = next((known for known in entries if known.casefold() == term.strip().casefold()), None)
        if stored is None:
            return False
        async with self._db.begin() as connection:
            await connection.execute(
                sa.delete(bridge_glossary).where(bridge_glossary.c.guild_id == guild_id, bridge_glossary.c.term == stored)
            )
        del entries[stored]
        return True

    def is_full(self, guild_id: int) -> bool:
        return len(self._by_guild.get(guild_id, {})) >= MAX_TERMS_PER_GUILD


class GlossaryTranslator:
    """`MessageTranslator` with the source server's glossary applied (the relay's `TextTranslator`)."""

    def __init__(self, service, glossaries: Glossaries) -> None:
        self._service = service
        self._glossaries = glossaries

    async def translate(self, text: str, source: str, target: str, guild_id: int, *, keep: Iterable[str] = ()) -> TranslatedText:
        """`keep`: terms left as written (slang the copy's note explains); the glossary wins on a clash."""
        entries = self._glossaries.entries(guild_id)
        mapping = {term: term for term in keep}
        if entries:
            mapping.update(directional_mapping(entries, target))
        protected = protect(text, mapping or None)
        segments = list(protected.prose_segments)
        if not segments:
            return TranslatedText(True, protected.untranslated, "passthrough")
        result = await self._service.translate(segments, source, target, guild_id, glossary_salt=glossary_salt(entries))
        if not result.ok:
            return TranslatedText(False, text, None, result.error)
        return TranslatedText(True, protected.reassemble(result.texts), result.provider)
