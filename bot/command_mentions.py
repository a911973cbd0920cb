"""Discord command mentions (`</bridge optin:123>`) for text that tells a person to run a command.

A mention shows the command's name in the reader's own client language and runs it on a click; it
needs the id Discord gave the top-level command when it was synced. Ids are learned from the sync
answer and from `GET /applications/{id}/commands` (global and per server) at start-up; until one is
known the text falls back to the plain `/bridge optin`.

Catalogue texts name commands with placeholders such as `{/bridge optin}`, which `I18n.t` fills
through `CommandMentions.mention`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

# The server a reply is for, so a command synced to that server only (`sync --guild`) is mentioned
# with its own id; set around each interaction and each event handled for one server.
_reader_guild: contextvars.ContextVar[int | None] = contextvars.ContextVar("qiao_reader_guild", default=None)


class CommandMentions:
    def __init__(self) -> None:
        # (server id or None for global, top-level command name) -> command id
        self._ids: dict[tuple[int | None, str], int] = {}

    def learn(self, commands: Iterable[tuple[str, int]], guild_id: int | None = None) -> None:
        """Remember the ids of slash commands synced globally (`guild_id` None) or to one server.

        `commands` are (top-level name, id) pairs of chat-input commands, as a sync or a fetch
        answers them; they replace what was known for that scope (a sync replaces the whole set)."""
        self._ids = {key: value for key, value in self._ids.items() if key[0] != guild_id}
        for name, command_id in commands:
            self._ids[(guild_id, name)] = int(command_id)

    def known(self) -> set[tuple[int | None, str]]:
        return set(self._ids)

    def command_id(self, qualified_name: str, guild_id: int | None = None) -> int | None:
        top = qualified_name.split()[0]
        guild_id = guild_id if guild_id is not None else _reader_guild.get()
        if guild_id is not None and (guild_id, top) in self._ids:
            return self._ids[(guild_id, top)]
        return self._ids.get((None, top))

    def mention(self, qualified_name: str, guild_id: int | None = None) -> str:
        """`</bridge optin:ID>` when the command's id is known, else the plain `/bridge optin`."""
        name = " ".join(qualified_name.lstrip("/").split())
        command_id = self.command_id(name, guild_id)
        return f"</{name}:{command_id}>" if command_id is not None else f"/{name}"

    @staticmethod
    @contextlib.contextmanager
    def for_guild(guild_id: int | None) -> Iterator[None]:
        """Mentions made inside this block are for readers in server `guild_id`."""
        token = _reader_guild.set(guild_id)
        try:
            yield
        finally:
            _reader_guild.reset(token)

    @staticmethod
    def set_guild(guild_id: int | None) -> None:
        """For the rest of the current task (an interaction's handler runs in a task of its own)."""
        _reader_guild.set(guild_id)


def is_command_placeholder(name: str) -> bool:
    return name.startswith("/")
