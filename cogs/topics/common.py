"""What every part of the topics cog shares: option types, refusals shown as replies, finding a
room, creating one, and making it bilingual."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import UserFacingError
from bot.personal_language import reader_locale
from bot.topics import Topic, TopicError, TopicService
from bot.topics.models import SIMPLIFIED, TRADITIONAL, TopicDraft
from bot.topics.naming import channel_name

log = logging.getLogger(__name__)

# What the bot keeps for itself in a room whose @everyone overwrite hides it.
BOT_ROOM_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    embed_links=True,
    attach_files=True,
    manage_webhooks=True,
    manage_messages=True,
)
READ_ONLY = {
    "send_messages": False,
    "send_messages_in_threads": False,
    "create_public_threads": False,
    "create_private_threads": False,
    "add_reactions": False,
}


@contextlib.contextmanager
def user_errors(locale: object = None) -> Iterator[None]:
    """Show the service's expected refusals as localised ephemeral replies; a room named in one
    shows in the reader's language (`locale`), or in both when it is not known."""
    try:
        yield
    except TopicError as error:
        fields = {
            name: (value.name(locale) if locale is not None else value.bilingual_name()) if isinstance(value, Topic) else value
            for name, value in error.fields.items()
        }
        raise UserFacingError(error.key, **fields) from error


# A topic room as typed or picked from autocomplete (names are at most 60 characters).
TopicQuery = app_commands.Range[str, 1, 100]
TOPIC_PARAM = _("The topic room (English or Chinese name)", key="commands.topics.param.topic")

SCRIPT_CHOICES = [
    app_commands.Choice(name=_("Simplified (简体)", key="commands.topics.choice.script.simplified"), value=SIMPLIFIED),
    app_commands.Choice(name=_("Traditional (繁體)", key="commands.topics.choice.script.traditional"), value=TRADITIONAL),
]


def is_member_overwrite(target: object) -> bool:
    if isinstance(target, discord.Role):
        return False
    return getattr(target, "type", discord.Member) is not discord.Role


def fit(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TopicsCommon:
    """Part of the Topics cog: helpers the command modules share."""

    bot: object
    service: TopicService

    def t(self, interaction: discord.Interaction, key: str, **fields: object) -> str:
        return self.bot.i18n.t(key, reader_locale(interaction), **fields)

    async def reply(self, interaction: discord.Interaction, key: str, **fields: object) -> None:
        text = self.t(interaction, key, **fields)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    def require_bot_permissions(
        self, interaction: discord.Interaction, granted: discord.Permissions, *needed: str
    ) -> None:
        """Refuse up front, naming the permissions in the reader's language, rather than fail half-way."""
        missing = [name for name in needed if not getattr(granted, name)]
        if missing:
            names = ", ".join(self.t(interaction, f"topics.permission.{name}") for name in missing)
            raise UserFacingError("topics.error.bot_missing", permissions=names)

    async def resolve(self, interaction: discord.Interaction, query: str) -> Topic:
        with user_errors():
            return await self.service.resolve(interaction.guild_id, query)

    def room(self, guild: discord.Guild, topic: Topic) -> discord.TextChannel:
        channel = guild.get_channel(topic.channel_id) if topic.channel_id else None
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError("topics.error.room_gone", topic=topic.bilingual_name())
        return channel

    async def topic_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        found = await self.service.suggest(interaction.guild_id, current[:100])
        return [app_commands.Choice(name=topic.display_name(reader_locale(interaction))[:100], value=topic.slug) for topic in found]

    async def archived_topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        found = await self.service.suggest(interaction.guild_id, current[:100], archived=True)
        return [app_commands.Choice(name=topic.display_name(reader_locale(interaction))[:100], value=topic.slug) for topic in found]

    # ---- Discord structure ---------------------------------------------------------------------

    async def _category(self, guild: discord.Guild, key: str) -> discord.CategoryChannel:
        name = self.bot.i18n.bilingual(key)
        for category in guild.categories:
            if category.name == name:
                return category
        return await guild.create_category(name, reason=self.bot.i18n.t("topics.channel.reason"))

    def _room_overwrites(self, guild: discord.Guild) -> dict:
        keep = discord.Permissions(BOT_ROOM_PERMISSIONS.value & guild.me.guild_permissions.value)
        return {
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            guild.me: discord.PermissionOverwrite.from_pair(keep, discord.Permissions.none()),
        }

    async def _create_room(self, guild: discord.Guild, topic: Topic | TopicDraft, category: discord.CategoryChannel) -> discord.TextChannel:
        script = await self.service.script(guild.id)
        channel = await guild.create_text_channel(
            channel_name(topic.slug, topic.chinese_name(script)),
            category=category,
            topic=topic.channel_topic(script),
            overwrites=self._room_overwrites(guild),
            reason=self.bot.i18n.t("topics.channel.reason"),
        )
        await self._make_bilingual(channel)
        return channel

    async def _make_bilingual(self, channel: discord.TextChannel) -> bool:
        """Register the room as a mixed bridge channel: the bridge then posts every message's
        translation right under it and mirrors edits and deletes, as in any mixed channel."""
        relay = getattr(self.bot, "bridge_relay", None)
        if relay is None:
            log.warning("bridge not loaded: room #%s (%s) is not bilingual until it is", channel.name, channel.id)
            return False
        await relay.register_mixed(channel)
        return True

    async def make_rooms_bilingual(self) -> None:
        """Catch up rooms created while the bridge was not loaded (registering is idempotent)."""
        guilds = {guild.id: guild for guild in self.bot.guilds}
        for guild_id, topics in (await self.service.open_rooms_by_guild(set(guilds))).items():
            for _topic, channel in _rooms_in(guilds[guild_id], topics):
                try:
                    if not await self._make_bilingual(channel):
                        return
                except Exception:
                    log.exception("could not make room %s bilingual", channel.id)

    async def _open_rooms(self, guild: discord.Guild) -> list[tuple[Topic, discord.TextChannel]]:
        return _rooms_in(guild, await self.service.topics(guild.id))


def _rooms_in(guild: discord.Guild, topics: list[Topic]) -> list[tuple[Topic, discord.TextChannel]]:
    """The topics whose room is a text channel of `guild` Discord still has, with that channel."""
    rooms = []
    for topic in topics:
        channel = guild.get_channel(topic.channel_id) if topic.channel_id else None
        if isinstance(channel, discord.TextChannel):
            rooms.append((topic, channel))
    return rooms

