"""The words Qiao uses to explain a match: notes for the author, `/guidance check` and
`/guidance topics` replies, and import previews. Plain functions of data and a locale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.guidance.catalogue import IMPORTED_ENTRY_ID, Catalogue, Entry, imported_entry
from bot.guidance.importer import ImportPreview
from bot.guidance.matcher import Match
from bot.guidance.store import CUSTOM_CATEGORY_ID, GuildGuidance
from bot.i18n import I18n

MESSAGE_LIMIT = 2000
EMBED_LIMIT = 4000
SAMPLE_ROWS = 8


@dataclass(frozen=True, slots=True)
class Noticed:
    """One entry found in a text, with the words that triggered it."""

    entry: Entry
    excerpts: tuple[str, ...]

    @classmethod
    def of(cls, entry: Entry, match: Match, text: str) -> Noticed:
        return cls(entry, match.excerpts(text) or match.terms)


def notice_key(match: Match) -> str:
    """What the cooldown counts per person: an entry, or one imported term (imported terms
    share one pseudo-entry but are unrelated to each other)."""
    if match.entry_id == IMPORTED_ENTRY_ID:
        return f"{IMPORTED_ENTRY_ID}:{' + '.join(match.terms)}"
    return match.entry_id


class NoteWriter:
    def __init__(self, i18n: I18n, catalogue: Catalogue) -> None:
        self.i18n = i18n
        self.catalogue = catalogue

    def title(self, entry: Entry, locale: object) -> str:
        if entry.id == IMPORTED_ENTRY_ID:
            return self.i18n.t("guidance.imported.title", locale)
        return entry.title.for_locale(locale)

    def explanation(self, entry: Entry, locale: object) -> str:
        if entry.id == IMPORTED_ENTRY_ID:
            return self.i18n.t("guidance.imported.explanation", locale)
        return entry.explanation.for_locale(locale)

    def category_name(self, category_id: str, locale: object) -> str:
        if category_id == CUSTOM_CATEGORY_ID:
            return self.i18n.t("guidance.topics.custom_name", locale)
        if category_id == IMPORTED_ENTRY_ID:
            return self.i18n.t("guidance.imported.title", locale)
        category = self.catalogue.categories.get(category_id)
        return category.name.for_locale(locale) if category else category_id

    def entry_block(self, noticed: Noticed, locale: object) -> str:
        entry = noticed.entry
        title = self.title(entry, locale)
        if noticed.excerpts:
            words = ", ".join(f"“{excerpt}”" for excerpt in dict.fromkeys(noticed.excerpts))
            heading = self.i18n.t("guidance.note.entry", locale, title=title, words=words)
        else:
            heading = f"**{title}**"
        lines = [heading, self.explanation(entry, locale)]
        if entry.instead is not None:
            lines.append(self.i18n.t("guidance.note.instead", locale, instead=entry.instead.for_locale(locale)))
        if entry.sources:
            lines.append(self.i18n.t("guidance.note.source", locale, url=entry.sources[0]))
        return "\n".join(lines)

    def note(self, noticed: Sequence[Noticed], locale: object, *, link: str, muting_hint: bool) -> str:
        """The private note (DM), or the plain reply, about one message."""
        header = self.i18n.t("guidance.note.header", locale, link=link)
        footer_key = "guidance.note.footer_dm" if muting_hint else "guidance.note.footer"
        footer = self.i18n.t(footer_key, locale)
        return _fit(header, [self.entry_block(n, locale) for n in noticed], footer, MESSAGE_LIMIT)

    def why(self, entries: Iterable[Entry], locale: object) -> str:
        """What the button under a fallback reply shows, to whoever presses it."""
        blocks = [self.entry_block(Noticed(entry, ()), locale) for entry in entries]
        header = self.i18n.t("guidance.why.header", locale)
        return _fit(header, blocks, self.i18n.t("guidance.note.footer", locale), MESSAGE_LIMIT)

    def check(self, noticed: Sequence[Noticed], locale: object) -> str:
        if not noticed:
            return self.i18n.t("guidance.check.nothing", locale)
        header = self.i18n.t("guidance.check.header", locale, count=len(noticed))
        return _fit(header, [self.entry_block(n, locale) for n in noticed], self.i18n.t("guidance.note.footer", locale), MESSAGE_LIMIT)

    def entries_in(self, category: str, state: GuildGuidance) -> list[Entry]:
        """The entries `/guidance topics <category>` lists for a server: shipped, its own or imported."""
        if category == IMPORTED_ENTRY_ID:
            return [imported_entry(state.config.imported_terms)] if state.config.imported_terms else []
        own = [custom.to_entry() for custom in state.custom]
        return [e for e in (*self.catalogue.entries, *own) if e.category == category]

    def category_list(self, state: GuildGuidance, locale: object) -> str:
        """`/guidance topics` without a category: every category, on or off in this server."""
        lines = []
        for category_id, category in self.catalogue.categories.items():
            count = sum(1 for e in self.catalogue.entries if e.category == category_id)
            key = "guidance.topics.category_off" if category_id in state.config.disabled_categories else "guidance.topics.category"
            lines.append(self.i18n.t(key, locale, name=category.name.for_locale(locale), id=category_id, count=count,
                                     description=category.description.for_locale(locale)))
        if state.custom:
            lines.append(self.i18n.t("guidance.topics.own", locale, id=CUSTOM_CATEGORY_ID, count=len(state.custom)))
        if state.config.imported_terms:
            lines.append(self.i18n.t("guidance.topics.imported", locale, id=IMPORTED_ENTRY_ID, count=len(state.config.imported_terms)))
        lines.append(self.i18n.t("guidance.topics.hint", locale))
        return _clip("\n\n".join(lines), EMBED_LIMIT)

    def entry_list(self, category: str, entries: list[Entry], state: GuildGuidance, locale: object) -> str:
        """`/guidance topics <category>`: each entry with examples and its explanation."""
        lines = []
        if category in state.config.disabled_categories:
            lines.append(self.i18n.t("guidance.topics.off_here", locale))
        for entry in entries:
            examples = ", ".join(entry.all_terms()[:4]) if entry.id != IMPORTED_ENTRY_ID else ", ".join(state.config.imported_terms[:10])
            lines.append(self.i18n.t("guidance.topics.entry", locale, title=self.title(entry, locale), examples=examples,
                                     explanation=self.explanation(entry, locale)))
        return _clip("\n\n".join(lines), EMBED_LIMIT)

    def import_preview(self, preview: ImportPreview, filename: str, locale: object) -> str:
        counts = preview.counts()
        lines = [
            self.i18n.t(
                "guidance.import.preview", locale, filename=filename, format=preview.format,
                encoding=preview.encoding, accepted=counts["accepted"], rejected=counts["rejected"],
            )
        ]
        if preview.accepted:
            samples = ", ".join(f"`{term.original}`" for term in preview.accepted[:SAMPLE_ROWS])
            lines.append(self.i18n.t("guidance.import.accepted_samples", locale, samples=samples))
        if preview.rejected:
            lines.append(self.i18n.t("guidance.import.rejected_header", locale))
            lines.extend(f"- {self.rejected_line(row, locale)}" for row in preview.rejected[:SAMPLE_ROWS])
            hidden = len(preview.rejected) - SAMPLE_ROWS
            if hidden > 0:
                lines.append(self.i18n.t("guidance.import.more_rejected", locale, count=hidden))
        if not preview.accepted:
            lines.append(self.i18n.t("guidance.import.nothing_to_import", locale))
        return _fit("", lines, "", MESSAGE_LIMIT, separator="\n")

    def rejected_line(self, row, locale: object) -> str:
        reason = self.i18n.t(f"guidance.import.reason.{row.reason.value}", locale)
        text = row.text if len(row.text) <= 60 else row.text[:59] + "…"
        return self.i18n.t("guidance.import.rejected_line", locale, line=row.line, text=text, reason=reason)

    def rejected_report(self, preview: ImportPreview, filename: str, locale: object) -> str:
        lines = [self.i18n.t("guidance.import.report_title", locale, filename=filename)]
        lines.extend(self.rejected_line(row, locale) for row in preview.rejected)
        return "\n".join(lines) + "\n"


def _fit(header: str, blocks: Sequence[str], footer: str, limit: int, *, separator: str = "\n\n") -> str:
    """Join as many whole blocks as fit under `limit` with the header and footer, then "…"."""
    parts = [header] if header else []
    budget = limit - len(header) - len(footer) - 2 * len(separator) - 2
    for index, block in enumerate(blocks):
        cost = len(block) + len(separator)
        if cost > budget:
            if index == 0:
                parts.append(block[: max(0, budget - 1)] + "…")
            else:
                parts.append("…")
            break
        parts.append(block)
        budget -= cost
    if footer:
        parts.append(footer)
    return separator.join(parts)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
