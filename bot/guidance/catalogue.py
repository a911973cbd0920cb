"""The shipped guidance catalogue (locale/data/guidance.json) and the entries built from it.

An entry explains, in English and Chinese, why a topic is sensitive on Chinese platforms and
lists the terms that point to it. Nothing here decides what to do with a match; the cog
only ever explains, privately. See locale/data/GUIDANCE.md for how to review and extend it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.chinese_scripts import to_traditional

__all__ = [
    "DEFAULT_CATALOGUE_PATH",
    "IMPORTED_CATEGORY_ID",
    "IMPORTED_ENTRY_ID",
    "SEVERITIES",
    "TERM_KINDS",
    "Bilingual",
    "Catalogue",
    "CatalogueError",
    "Category",
    "Entry",
    "NearRule",
    "imported_entry",
    "split_parts",
]

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "locale" / "data" / "guidance.json"
IMPORTED_CATEGORY_ID = "imported"
IMPORTED_ENTRY_ID = "imported"
# In stored imported terms, " + " separates the parts of a term that needs all of them.
PART_SEPARATOR = " + "

SEVERITIES = ("high", "medium", "low")
TERM_KINDS = ("en", "zh_hans", "zh_hant", "pinyin", "evasions")


# Words s2twp leaves in mainland usage or turns into the wrong Taiwan word for these texts:
# posts and accounts as Taiwanese write them (帖子/賬號 are mainland), and 支持 (support a cause,
# not 支援 "technical support"), 文件 (leaked documents, not 檔案 "computer files") and 屏蔽 kept.
TAIWAN_WORDS = {
    "发帖": "發文", "帖子": "貼文", "账号": "帳號", "账户": "帳戶",
    "支持": "支持", "文件": "文件", "屏蔽": "屏蔽",
}
_TAIWAN_WORD = re.compile("|".join(sorted(map(re.escape, TAIWAN_WORDS), key=len, reverse=True)))


def to_taiwan_traditional(text: str) -> str:
    """Simplified catalogue text as a Taiwanese reader expects it: OpenCC s2twp, with the
    words in TAIWAN_WORDS fixed first."""
    parts: list[str] = []
    start = 0
    for match in _TAIWAN_WORD.finditer(text):
        parts.append(to_traditional(text[start:match.start()]))
        parts.append(TAIWAN_WORDS[match.group()])
        start = match.end()
    parts.append(to_traditional(text[start:]))
    return "".join(parts)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URL = re.compile(r"^https?://\S+$")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class CatalogueError(ValueError):
    """The catalogue (or a guild's own entry) breaks the schema; each problem is a sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Bilingual:
    """English and Simplified Chinese text; Traditional is derived with OpenCC (s2twp)."""

    en: str
    zh: str

    def for_locale(self, locale: object) -> str:
        """Text for a Discord locale ("en-US", "zh-CN", "zh-TW" or a discord.Locale)."""
        code = str(locale).lower()
        if code in {"zh-tw", "zh-hk", "zh-hant"}:
            return to_taiwan_traditional(self.zh)
        if code.startswith("zh"):
            return self.zh
        return self.en

    @classmethod
    def from_dict(cls, data: Any, where: str, problems: list[str]) -> Bilingual:
        if not isinstance(data, Mapping):
            problems.append(f"{where} must be an object with 'en' and 'zh'.")
            return cls("", "")
        for language in ("en", "zh"):
            if not isinstance(data.get(language), str) or not data[language].strip():
                problems.append(f"{where}.{language} must be non-empty text.")
        return cls(str(data.get("en", "")).strip(), str(data.get("zh", "")).strip())


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: Bilingual
    description: Bilingual


# How far apart (in tokens: one per Chinese character, one per Latin word or number) a name and
# its context may stand when a rule does not say.
DEFAULT_NEAR_WITHIN = 5
MAX_NEAR_WITHIN = 30


@dataclass(frozen=True, slots=True)
class NearRule:
    """An ambiguous name or landmark that counts only next to a qualifier: 天安门 alone is a
    square in Beijing, 天安门 within a few tokens of 事件/那年/坦克/1989 is the massacre.
    `within` is the most tokens allowed between the two (either order); `not_when` phrases
    cancel a context word they contain (办事 "run an errand" for 事)."""

    names: tuple[str, ...]
    context: tuple[str, ...]
    within: int = DEFAULT_NEAR_WITHIN
    not_when: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Any, where: str, problems: list[str]) -> NearRule | None:
        if not isinstance(data, Mapping):
            problems.append(f"{where} must be an object with 'names' and 'context'.")
            return None
        unknown = set(data) - {"names", "context", "within", "not_when"}
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
        within = data.get("within", DEFAULT_NEAR_WITHIN)
        if isinstance(within, bool) or not isinstance(within, int) or not 0 <= within <= MAX_NEAR_WITHIN:
            problems.append(f"{where}.within must be a whole number from 0 to {MAX_NEAR_WITHIN}.")
            within = DEFAULT_NEAR_WITHIN
        names = tuple(_text_list(data.get("names"), f"{where}.names", problems))
        context = tuple(_text_list(data.get("context"), f"{where}.context", problems))
        if not names or not context:
            problems.append(f"{where} needs at least one name and one context word.")
        return cls(
            names=names,
            context=context,
            within=within,
            not_when=tuple(_text_list(data.get("not_when", []), f"{where}.not_when", problems)),
        )


@dataclass(frozen=True, slots=True)
class Entry:
    """One sensitive topic. `terms` match on their own; a multi-part rule in `all_of` matches
    when each of its parts (a tuple of alternatives) is present; a `near` rule matches when one
    of its names stands within a few tokens of one of its context words; `not_when` phrases
    cancel a match they contain (e.g. "六四开", a 60/40 split, for "六四")."""

    id: str
    category: str
    severity: str
    title: Bilingual
    explanation: Bilingual
    sources: tuple[str, ...]
    terms_by_kind: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    all_of: tuple[tuple[tuple[str, ...], ...], ...] = ()
    near: tuple[NearRule, ...] = ()
    not_when: tuple[str, ...] = ()
    instead: Bilingual | None = None

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for kind in self.terms_by_kind.values() for t in kind))

    def all_terms(self) -> tuple[str, ...]:
        """Standalone terms, every alternative of every multi-part rule, then the names and
        context words of near rules."""
        parts = (term for rule in self.all_of for part in rule for term in part)
        near = (term for rule in self.near for term in (*rule.names, *rule.context))
        return tuple(dict.fromkeys((*self.terms, *parts, *near)))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, require_source: bool = True) -> Entry:
        """Validate one entry. Shipped entries must cite a source; a guild's own may not."""
        problems: list[str] = []
        entry_id = data.get("id")
        if not isinstance(entry_id, str) or not _ID.match(entry_id):
            problems.append(f"entry id {entry_id!r} must be lowercase letters, digits and dashes.")
        where = f"entry {entry_id!r}"
        severity = data.get("severity", "medium")
        if severity not in SEVERITIES:
            problems.append(f"{where}: severity must be one of {', '.join(SEVERITIES)}.")

        terms_data = data.get("terms", {})
        terms_by_kind: dict[str, tuple[str, ...]] = {}
        if not isinstance(terms_data, Mapping):
            problems.append(f"{where}: terms must be an object keyed by {', '.join(TERM_KINDS)}.")
            terms_data = {}
        for kind, terms in terms_data.items():
            if kind not in TERM_KINDS:
                problems.append(f"{where}: unknown term kind {kind!r}.")
                continue
            terms_by_kind[kind] = tuple(_text_list(terms, f"{where}.terms.{kind}", problems))
            for term in terms_by_kind[kind]:
                if reason := standalone_term_problem(term):
                    problems.append(f"{where}: term {term!r} {reason}.")

        all_of = []
        for rule_index, rule in enumerate(data.get("all_of", [])):
            rule_where = f"{where}.all_of[{rule_index}]"
            if not isinstance(rule, list) or len(rule) < 2:
                problems.append(f"{rule_where} must list at least two parts.")
                continue
            all_of.append(tuple(
                tuple(_text_list([part] if isinstance(part, str) else part, rule_where, problems))
                for part in rule
            ))
        near = []
        near_data = data.get("near", [])
        if not isinstance(near_data, list):
            problems.append(f"{where}.near must be a list of rules.")
            near_data = []
        for rule_index, rule_data in enumerate(near_data):
            rule = NearRule.from_dict(rule_data, f"{where}.near[{rule_index}]", problems)
            if rule is not None:
                near.append(rule)
        if not terms_by_kind and not all_of and not near:
            problems.append(f"{where} needs terms, an all_of rule or a near rule.")

        sources = tuple(_text_list(data.get("sources", []), f"{where}.sources", problems))
        if not all(_URL.match(url) for url in sources):
            problems.append(f"{where}: every source must be an http(s) URL.")
        elif require_source and not sources:
            problems.append(f"{where} needs at least one source URL.")
        instead = data.get("instead")
        entry = cls(
            id=str(entry_id),
            category=str(data.get("category", "")),
            severity=str(severity),
            title=Bilingual.from_dict(data.get("title"), f"{where}.title", problems),
            explanation=Bilingual.from_dict(
                data.get("explanation"), f"{where}.explanation", problems
            ),
            sources=sources,
            terms_by_kind=terms_by_kind,
            all_of=tuple(all_of),
            near=tuple(near),
            not_when=tuple(_text_list(data.get("not_when", []), f"{where}.not_when", problems)),
            instead=None if instead is None
            else Bilingual.from_dict(instead, f"{where}.instead", problems),
        )
        if problems:
            raise CatalogueError(problems)
        return entry


def standalone_term_problem(term: str) -> str | None:
    """Why `term` may not match on its own, or None. A lone Han character or a Latin term of
    fewer than three letters or digits would flag ordinary chat ("xi", "64", "习")."""
    stripped = term.strip()
    if not stripped:
        return "is empty"
    han = len(_HAN.findall(stripped))
    if han == 1 and len(stripped) == 1:
        return "is a single Chinese character"
    if han == 0 and sum(c.isalnum() for c in stripped) < 3:
        return "has fewer than three letters or digits"
    return None


def _text_list(value: Any, where: str, problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where} must be a list of non-empty strings.")
        return []
    return [v.strip() for v in value]


def split_parts(term: str) -> tuple[str, ...]:
    """Parts of a stored imported term ("自由门 + 翻墙" -> ("自由门", "翻墙"))."""
    return tuple(part.strip() for part in term.split(PART_SEPARATOR.strip()) if part.strip())


def imported_entry(terms: Iterable[str]) -> Entry:
    """One pseudo-entry holding a guild's imported terms, which come without explanations."""
    single: list[str] = []
    rules: list[tuple[tuple[str, ...], ...]] = []
    for term in terms:
        parts = split_parts(term)
        if len(parts) == 1:
            single.append(parts[0])
        elif parts:
            rules.append(tuple((part,) for part in parts))
    return Entry(
        id=IMPORTED_ENTRY_ID,
        category=IMPORTED_CATEGORY_ID,
        severity="medium",
        title=Bilingual("Imported term", "导入的词语"),
        explanation=Bilingual(
            "This term is on a keyword list your moderators imported. Such lists record words "
            "that Chinese platforms have filtered; the list itself gives no reason.",
            "这个词出现在本服务器管理员导入的关键词列表中。这类列表记录的是中国平台曾过滤过的词语，"
            "列表本身不说明原因。",
        ),
        sources=(),
        terms_by_kind={"evasions": tuple(dict.fromkeys(single))},
        all_of=tuple(rules),
    )


@dataclass(frozen=True, slots=True)
class Catalogue:
    categories: Mapping[str, Category]
    entries: tuple[Entry, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> Catalogue:
        path = path or DEFAULT_CATALOGUE_PATH
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Catalogue:
        problems: list[str] = []
        categories: dict[str, Category] = {}
        for category_id, category in data.get("categories", {}).items():
            where = f"category {category_id!r}"
            if not _ID.match(category_id):
                problems.append(f"{where}: id must be lowercase letters, digits and dashes.")
            categories[category_id] = Category(
                id=category_id,
                name=Bilingual.from_dict(category.get("name"), f"{where}.name", problems),
                description=Bilingual.from_dict(
                    category.get("description"), f"{where}.description", problems
                ),
            )
        entries: list[Entry] = []
        seen_ids: set[str] = set()
        for raw in data.get("entries", []):
            try:
                entry = Entry.from_dict(raw)
            except CatalogueError as error:
                problems.extend(error.problems)
                continue
            if entry.id in seen_ids:
                problems.append(f"entry id {entry.id!r} is used twice.")
            if entry.category not in categories:
                problems.append(f"entry {entry.id!r}: unknown category {entry.category!r}.")
            seen_ids.add(entry.id)
            entries.append(entry)
        if problems:
            raise CatalogueError(problems)
        return cls(categories=categories, entries=tuple(entries))

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def effective_entries(
        self,
        *,
        disabled_categories: Iterable[str] = (),
        custom_entries: Iterable[Entry] = (),
        imported_terms: Iterable[str] = (),
    ) -> list[Entry]:
        """What one guild matches: shipped entries outside its disabled categories, then its
        own entries, then one pseudo-entry holding its imported terms."""
        disabled = set(disabled_categories)
        entries = [e for e in self.entries if e.category not in disabled]
        entries.extend(custom_entries)
        imported = imported_entry(imported_terms)
        if imported.terms or imported.all_of:
            entries.append(imported)
        return entries
