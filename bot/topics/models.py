"""What a topic room is, independent of Discord."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.topics_data import Prompt, normalize_lang

# A server's Chinese script for its rooms' names, channel topics and prompts.
SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
SCRIPTS = (SIMPLIFIED, TRADITIONAL)


@dataclass(frozen=True, slots=True)
class TopicDraft:
    """A room about to be created: everything but the ids Discord and the database hand out."""

    slug: str
    emoji: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    description_en: str = ""
    description_zh_hans: str = ""
    description_zh_hant: str = ""
    # Set for shipped starter topics, whose prompt bank comes from locale/data/topics.json.
    starter_slug: str | None = None

    def chinese_name(self, script: str = SIMPLIFIED) -> str:
        return self.name_zh_hant if script == TRADITIONAL else self.name_zh_hans

    def channel_topic(self, script: str = SIMPLIFIED) -> str:
        return _channel_topic(self, script)


@dataclass(frozen=True, slots=True)
class Topic:
    id: int
    guild_id: int
    slug: str
    emoji: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    description_en: str
    description_zh_hans: str
    description_zh_hant: str
    channel_id: int | None
    starter_slug: str | None = None
    archived: bool = False
    schedule_hour: int | None = None
    schedule_timezone: str | None = None
    next_prompt_at: datetime | None = None
    last_message_at: datetime | None = None

    def name(self, locale: object) -> str:
        """The name in a reader's language (Discord locale, e.g. "zh-TW"); English otherwise."""
        return getattr(self, f"name_{_lang(locale)}")

    def description(self, locale: object) -> str:
        return getattr(self, f"description_{_lang(locale)}")

    def display_name(self, locale: object) -> str:
        """Both names, the reader's language first: "买菜与物价 · Groceries & Prices"."""
        lang = _lang(locale)
        if lang == "en":
            return f"{self.emoji} {self.name_en} · {self.name_zh_hans}"
        return f"{self.emoji} {self.name(lang)} · {self.name_en}"

    def bilingual_name(self) -> str:
        return f"{self.name_en} · {self.name_zh_hans}"

    def chinese_name(self, script: str = SIMPLIFIED) -> str:
        return self.name_zh_hant if script == TRADITIONAL else self.name_zh_hans

    def channel_topic(self, script: str = SIMPLIFIED) -> str:
        return _channel_topic(self, script)

    @property
    def scheduled(self) -> bool:
        return self.schedule_hour is not None and self.schedule_timezone is not None


@dataclass(frozen=True, slots=True)
class BankPrompt:
    """A prompt in a topic's bank; `key` is what the rotation remembers as used."""

    key: str
    prompt: Prompt

    def bilingual(self, script: str = SIMPLIFIED) -> str:
        return self.prompt.bilingual("zh_hant" if script == TRADITIONAL else "zh_hans")


@dataclass(frozen=True, slots=True)
class TopicActivity:
    messages_this_week: int = 0
    last_message_at: datetime | None = None


def channel_topic_line(emoji: str, name_en: str, name_zh: str, description_en: str, description_zh: str) -> str:
    """The channel's topic line, read by both sides (Discord allows 1,024 characters)."""
    head = f"{emoji} {name_en} · {name_zh}"
    description = " · ".join(part for part in (description_en, description_zh) if part)
    return (f"{head} — {description}" if description else head)[:1024]


def _channel_topic(topic: Topic | TopicDraft, script: str) -> str:
    description_zh = topic.description_zh_hant if script == TRADITIONAL else topic.description_zh_hans
    return channel_topic_line(topic.emoji, topic.name_en, topic.chinese_name(script), topic.description_en, description_zh)


def _lang(locale: object) -> str:
    raw = str(getattr(locale, "value", locale) or "en")
    try:
        return normalize_lang(raw)
    except ValueError:
        return "en"
