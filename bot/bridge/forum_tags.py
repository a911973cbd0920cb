"""Which tags a relayed forum post carries in the partner forum. Discord-free.

A tag of the original post maps to the partner forum's tag with the same emoji, else to the one
with the same name, else to the one whose name is the translation of the tag's name (either way:
the original's tag name translated into the partner's language, or the partner's tag name
translated into the original's). Names compare without case, surrounding blanks or the Chinese
script. A tag that maps to nothing is left off; so is a moderated tag the bot may not apply
(Discord refuses the whole post otherwise), and anything past Discord's 5 tags a post.
A partner forum that requires a tag (Discord refuses an untagged post with 40067) gets, when
nothing maps, the first of its tags the bot may apply: the post is relayed, never dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.chinese_scripts import to_simplified

MAX_APPLIED_TAGS = 5

# A tag name in one forum's language -> its translation into the other's (None: not translated).
TranslateName = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class ForumTag:
    """A forum's tag: a custom emoji has `emoji_id` (and its name), a unicode emoji only `emoji_name`."""

    id: int
    name: str
    emoji_id: int | None = None
    emoji_name: str | None = None
    moderated: bool = False

    @property
    def emoji_key(self) -> str | None:
        """Custom emoji compare by id (their names are free text), unicode emoji by the character."""
        if self.emoji_id:
            return f"custom:{self.emoji_id}"
        if self.emoji_name:
            return f"unicode:{self.emoji_name}"
        return None


def name_key(name: str) -> str:
    """A tag name as compared: case, blanks and Traditional/Simplified characters do not count."""
    return to_simplified(" ".join(name.split())).casefold()


def _usable(partner_tags: Sequence[ForumTag], can_moderate: bool) -> list[ForumTag]:
    return [tag for tag in partner_tags if can_moderate or not tag.moderated]


def match_directly(applied: ForumTag, partner_tags: Sequence[ForumTag]) -> ForumTag | None:
    """The partner tag with the same emoji (the one of the same name among several), else the same name."""
    same_name = [tag for tag in partner_tags if name_key(tag.name) == name_key(applied.name)]
    if applied.emoji_key is not None:
        same_emoji = [tag for tag in partner_tags if tag.emoji_key == applied.emoji_key]
        if same_emoji:
            return next((tag for tag in same_emoji if tag in same_name), same_emoji[0])
    return same_name[0] if same_name else None


async def map_tags(
    applied: Sequence[ForumTag],
    partner_tags: Sequence[ForumTag],
    *,
    to_partner_language: TranslateName | None = None,
    to_source_language: TranslateName | None = None,
    can_moderate: bool = True,
    requires_tag: bool = False,
) -> list[int]:
    """The ids of the partner forum's tags for a post tagged `applied`, in the order of `applied`.

    Translations are asked only for tags that match neither by emoji nor by name, each name at most
    once; a failed translation (None) just leaves that way of matching out. `requires_tag`: the
    partner forum refuses untagged posts, so an empty result becomes its first usable tag."""
    usable = _usable(partner_tags, can_moderate)
    chosen: list[int] = []
    unmatched: list[tuple[int, ForumTag]] = []
    for position, tag in enumerate(applied):
        match = match_directly(tag, usable)
        if match is None:
            unmatched.append((position, tag))
        chosen.append(match.id if match is not None else 0)
    if unmatched and usable:
        by_name = {name_key(tag.name): tag for tag in reversed(usable)}
        partner_in_source: dict[str, ForumTag] | None = None
        for position, tag in unmatched:
            translated = await to_partner_language(tag.name) if to_partner_language else None
            match = by_name.get(name_key(translated)) if translated else None
            if match is None and to_source_language is not None:
                if partner_in_source is None:
                    partner_in_source = await _names_translated(usable, to_source_language)
                match = partner_in_source.get(name_key(tag.name))
            if match is not None:
                chosen[position] = match.id
    result: list[int] = []
    for tag_id in chosen:
        if tag_id and tag_id not in result:
            result.append(tag_id)
    if not result and requires_tag and usable:
        result.append(usable[0].id)
    return result[:MAX_APPLIED_TAGS]


async def _names_translated(tags: Sequence[ForumTag], translate: TranslateName) -> dict[str, ForumTag]:
    found: dict[str, ForumTag] = {}
    for tag in tags:
        translated = await translate(tag.name)
        if translated:
            found.setdefault(name_key(translated), tag)
    return found
