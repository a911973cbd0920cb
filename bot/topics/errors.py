"""Expected refusals, named by a `topics.*` message key so the cog can show them localised."""

from __future__ import annotations


class TopicError(Exception):
    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields
