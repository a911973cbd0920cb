"""Interaction payload building (command options, resolved data) and the handle tests await on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import Channel, Guild, Interaction, Member, Message, Role, User

if TYPE_CHECKING:
    from .server import DiscordDouble
    from .world import World

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11


def _leaf_definitions(definition: dict[str, Any] | None, path: list[str]) -> dict[str, dict[str, Any]]:
    if definition is None:
        return {}
    options = definition.get("options") or []
    for name in path:
        node = next((o for o in options if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)), None)
        if node is None:
            return {}
        options = node.get("options") or []
    return {o["name"]: o for o in options}


def build_command_data(command: str, options: dict[str, Any], definition: dict[str, Any] | None, resolve,
                       *, focused: str | None = None) -> dict[str, Any]:
    """The `data` of a CHAT_INPUT interaction: "/group sub" nests as SUB_COMMAND_GROUP > SUB_COMMAND."""
    parts = command.lstrip("/").split()
    declared = _leaf_definitions(definition, parts[1:])
    leaf = []
    for name, value in options.items():
        kind, wire = resolve(value, declared.get(name, {}).get("type"))
        option: dict[str, Any] = {"name": name, "type": kind, "value": wire}
        if name == focused:
            option["focused"] = True
            option["value"] = str(value)
        leaf.append(option)
    if len(parts) == 3:
        nested = [{"type": SUB_COMMAND_GROUP, "name": parts[1],
                   "options": [{"type": SUB_COMMAND, "name": parts[2], "options": leaf}]}]
    elif len(parts) == 2:
        nested = [{"type": SUB_COMMAND, "name": parts[1], "options": leaf}]
    else:
        nested = leaf
    return {"name": parts[0], "type": 1, "options": nested}


def option_value(world: World, guild: Guild | None, resolved: dict[str, dict[str, Any]], value: Any,
                 declared: int | None) -> tuple[int, Any]:
    """(option type, wire value), filling `resolved` for users, members, channels, roles, attachments."""
    if isinstance(value, Member) or isinstance(value, User):
        user = value.user if isinstance(value, Member) else value
        resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
        member = guild.members.get(user.id) if guild else None
        if member is not None:
            resolved.setdefault("members", {})[str(user.id)] = {**member.to_dict(with_user=False),
                                                                 "permissions": "0"}
        return declared or USER, str(user.id)
    if isinstance(value, Channel):
        entry = {"id": str(value.id), "name": value.name, "type": value.type, "permissions": str(world.bot_perms(value))}
        if value.parent_id:
            entry["parent_id"] = str(value.parent_id)
        if value.is_thread:
            entry["thread_metadata"] = value.to_dict()["thread_metadata"]
        resolved.setdefault("channels", {})[str(value.id)] = entry
        return declared or CHANNEL, str(value.id)
    if isinstance(value, Role):
        resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
        return declared or ROLE, str(value.id)
    if isinstance(value, dict) and "filename" in value:
        resolved.setdefault("attachments", {})[str(value["id"])] = value
        return ATTACHMENT, str(value["id"])
    if declared in (INTEGER,):
        return INTEGER, int(value)
    if declared == NUMBER:
        return NUMBER, float(value)
    if declared == STRING:
        return STRING, str(value)
    if declared is not None:
        return declared, value
    if isinstance(value, bool):
        return BOOLEAN, value
    if isinstance(value, int):
        return INTEGER, value
    if isinstance(value, float):
        return NUMBER, value
    return STRING, str(value)


class InteractionHandle:
    """What the bot did with one interaction: callback, original message, follow-ups."""

    def __init__(self, double: DiscordDouble, interaction: Interaction):
        self.double = double
        self.interaction = interaction

    @property
    def id(self) -> int:
        return self.interaction.id

    @property
    def responded(self) -> bool:
        return bool(self.interaction.responses)

    @property
    def response(self) -> dict[str, Any] | None:
        return self.interaction.responses[0] if self.interaction.responses else None

    @property
    def response_type(self) -> int | None:
        return self.response["type"] if self.response else None

    async def wait_response(self, timeout: float = 5.0) -> dict[str, Any]:
        return await self.double.wait_for(lambda: self.response, timeout)

    async def wait_text(self, timeout: float = 5.0) -> str:
        """Wait until the original response has content (a deferred reply filled in by an edit)."""
        return await self.double.wait_for(lambda: self.response_text, timeout)

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        return await self.double.wait_for(lambda: len(self.followups) >= count and self.followups, timeout)

    @property
    def message(self) -> Message | None:
        mid = self.interaction.original_message_id
        return self.double.world.messages.get(mid) if mid else None

    @property
    def response_text(self) -> str | None:
        msg = self.message
        if msg is not None:
            return msg.content
        if self.response_type == 7 and self.interaction.message_id:
            return self.double.world.messages[self.interaction.message_id].content
        return None

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def ephemeral(self) -> bool:
        msg = self.message
        return bool(msg and msg.ephemeral)

    @property
    def deferred(self) -> bool:
        return self.response_type in (5, 6)

    @property
    def followups(self) -> list[Message]:
        world = self.double.world
        return [world.messages[m] for m in self.interaction.followup_ids
                if m != self.interaction.original_message_id]

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete result (response type 8)."""
        return self.response["data"].get("choices") if self.response_type == 8 else None

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.response["data"] if self.response_type == 9 else None
