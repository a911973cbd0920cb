"""User-installed apps in the double: commands people run where the bot is not a member.

Discord lets a person install an app to their account (integration type 1, ``USER_INSTALL``) and
run its commands in any DM or group DM they are in, if the command allows that context
(``contexts``: 0 GUILD, 1 BOT_DM, 2 PRIVATE_CHANNEL). Such an interaction has no ``guild_id`` and
no ``member``; it carries ``user``, ``context`` and ``authorizing_integration_owners`` keyed by
integration type (``{"1": "<user id>"}``). The bot receives no gateway events from that channel,
so messages there are made without dispatching. A command the app did not allow for the user
install or for the context is not shown by Discord's client, so running it here is refused.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING

from . import permissions as P
from .interactions import InteractionHandle
from .state import DM, Channel, Interaction, Member, Message, User

if TYPE_CHECKING:
    from .server import DiscordDouble

GUILD_INSTALL, USER_INSTALL = 0, 1
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
# What an app may do in a channel it is not a member of (its responses and follow-ups only).
USER_APP_PERMISSIONS = P.to_bits(["view_channel", "send_messages", "embed_links", "attach_files",
                                  "read_message_history", "use_external_emojis", "add_reactions"])


class NotAvailableHere(Exception):
    """Discord's client would not offer this command to this person in this place."""


def _user(person: Member | User) -> User:
    return person.user if isinstance(person, Member) else person


def private_channel(double: DiscordDouble, first: Member | User, second: Member | User) -> Channel:
    """A DM between two people; the bot is not in it."""
    channel = Channel(double.world.ids.next(), DM, None, recipients=[_user(first), _user(second)])
    double.world.channels[channel.id] = channel
    return channel


async def post_privately(double: DiscordDouble, person: Member | User, channel: Channel, content: str) -> Message:
    """A person writes in a private channel; the bot, not a member, gets no event."""
    message = double.world.create_message(channel, _user(person), content=content, dispatch=False)
    await asyncio.sleep(0)
    return message


def _definition(double: DiscordDouble, name: str, type: int) -> dict:
    for command in double.world.commands.get(None, []):
        if command["name"] == name and command["type"] == type:
            return command
    raise NotAvailableHere(f"no global command {name!r} of type {type} is synced (user installs use global commands)")


async def invoke_installed_message_command(
    double: DiscordDouble, person: Member | User, name: str, target: Message, *, locale: str = "en-US",
) -> InteractionHandle:
    """Run message command `name` on `target` from the person's own install of the app."""
    user = _user(person)
    channel = double.world.channels[target.channel_id]
    # The double's DM with the bot lists only the person (as Discord's DM channel object does).
    with_bot = len(channel.recipients) == 1 or any(r.id == double.bot_user.id for r in channel.recipients)
    context = BOT_DM if channel.type == DM and with_bot else PRIVATE_CHANNEL
    if channel.guild_id is not None:
        context = GUILD
    definition = _definition(double, name, 3)
    if USER_INSTALL not in (definition.get("integration_types") or [GUILD_INSTALL]):
        raise NotAvailableHere(f"{name!r} cannot be installed by users (integration_types {definition.get('integration_types')})")
    allowed_contexts = definition.get("contexts")
    if allowed_contexts is not None and context not in allowed_contexts:
        raise NotAvailableHere(f"{name!r} is not offered in context {context} (contexts {allowed_contexts})")
    data = {
        "id": definition["id"], "name": name, "type": 3, "target_id": str(target.id),
        "resolved": {"messages": {str(target.id): double.world.message_payload(target)}},
    }
    interaction = Interaction(double.world.ids.next(), f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(60)}", 2, user,
                              channel.id, channel.guild_id, data, locale)
    payload = {
        "id": str(interaction.id), "application_id": str(double.application_id), "type": 2, "data": data,
        "channel_id": str(channel.id), "channel": channel.to_dict(), "token": interaction.token, "version": 1,
        "locale": locale, "app_permissions": str(USER_APP_PERMISSIONS), "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024, "context": context,
        "authorizing_integration_owners": {str(USER_INSTALL): str(user.id)}, "user": user.to_dict(),
    }
    if context == GUILD:
        guild = double.world.guilds[channel.guild_id]
        payload.update(guild_id=str(guild.id), guild_locale=guild.preferred_locale,
                       guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []})
        payload.pop("user")
        payload["member"] = {**guild.members[user.id].to_dict(), "permissions": str(double.world.perms(channel, user))}
    interaction.payload = payload
    double.world.interactions[interaction.id] = interaction
    double._emit("INTERACTION_CREATE", payload, guild_id=interaction.guild_id, channel_id=channel.id)
    await asyncio.sleep(0)
    return InteractionHandle(double, interaction)
