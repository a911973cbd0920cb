"""Censorship-keyword guidance, the Discord-free core: the shipped catalogue, the matcher and
the importer for moderators' own keyword lists. The cog (cogs/guidance.py) only explains,
privately; nothing here deletes or hides anything."""

from bot.guidance.catalogue import Bilingual, Catalogue, CatalogueError, Category, Entry
from bot.guidance.importer import ImportPreview, RejectedRow, parse_keyword_file
from bot.guidance.matcher import (
    GuidanceMatcher,
    GuildGuidanceConfig,
    Match,
    MatcherCache,
    normalise,
)

__all__ = [
    "Bilingual",
    "Catalogue",
    "CatalogueError",
    "Category",
    "Entry",
    "GuidanceMatcher",
    "GuildGuidanceConfig",
    "ImportPreview",
    "Match",
    "MatcherCache",
    "RejectedRow",
    "normalise",
    "parse_keyword_file",
]
