"""Topic rooms: one private-by-default text channel per everyday-life topic.

Members opt in with `/topics join` (a member permission overwrite), so their channel list only
shows the rooms they chose. Each room is a mixed bridge channel: the bridge posts every
message's translation under it. Rules and storage live in `bot.topics`; this cog turns
commands into calls on `TopicService` and its results into Discord channels and messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.checks import UserFacingError, is_moderator, moderator_only, requires_module
from bot.topics import Topic, TopicError, TopicService
from bot.topics.cooldown import RoomCooldown
from bot.topics.models import SIMPLIFIED, TRADITIONAL, BankPrompt, TopicDraft
from bot.topics.naming import channel_name
from bot.topics.scheduling import timezone_suggestions
from bot.personal_language import reader_locale

log = logging.getLogger(__name__)

SCHEDULER_INTERVAL_SECONDS = 30.0
PROMPT_COOLDOWN_SECONDS = 600.0

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

SCRIPT_CHOICES = [
    app_commands.Choice(name=_("Simplified (简体)", key="commands.topics.choice.script.simplified"), value=SIMPLIFIED),
    app_commands.Choice(name=_("Traditional (繁體)", key="commands.topics.choice.script.traditional"), value=TRADITIONAL),
]


def _is_member_overwrite(target: object) -> bool:
    if isinstance(target, discord.Role):
        return False
    return getattr(target, "type", discord.Member) is not discord.Role


class Topics(
    commands.GroupCog,
    group_name=_("topics", key="commands.topics.name"),
    group_description=_("Topic rooms: compare everyday life across the language gap", key="commands.topics.description"),
):
    def __init__(self, bot) -> None:
        self.bot = bot
        self.service = TopicService(bot.db, poster=self.post_prompt_in_room)
        # Moderators may post as many prompts as they like; members one per room every ten minutes.
        self.prompt_cooldown = RoomCooldown(PROMPT_COOLDOWN_SECONDS)
        self._scheduler: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._scheduler = asyncio.create_task(self._run_scheduler(), name="topics-icebreakers")

    async def cog_unload(self) -> None:
        if self._scheduler is not None:
            self._scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler
            self._scheduler = None

    async def _run_scheduler(self) -> None:
        await self.bot.wait_until_ready()
        try:
            await self.make_rooms_bilingual()
        except Exception:
            log.exception("could not make the topic rooms bilingual at startup")
        while self.bot.accepting_work:
            try:
                await self.service.run_due(guild_ids={guild.id for guild in self.bot.guilds})
            except Exception:
                log.exception("icebreaker scheduler pass failed; trying again in %ss", SCHEDULER_INTERVAL_SECONDS)
            await asyncio.sleep(SCHEDULER_INTERVAL_SECONDS)

    # ---- shared helpers ----------------------------------------------------------------------

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
        for guild in self.bot.guilds:
            for _topic, channel in await self._open_rooms(guild):
                try:
                    if not await self._make_bilingual(channel):
                        return
                except Exception:
                    log.exception("could not make room %s bilingual", channel.id)

    # ---- moderators --------------------------------------------------------------------------

    @app_commands.command(name="seed", description=_("Create all the starter topic rooms (safe to run again)", key="commands.topics.seed.description"))
    @moderator_only()
    @requires_module("topics")
    async def seed(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        self.require_bot_permissions(interaction, guild.me.guild_permissions, "manage_channels", "manage_roles")
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.service.guild_lock(guild.id):
            category = await self._category(guild, "topics.category.rooms")
            created = 0
            for topic in await self.service.topics(guild.id):
                if topic.channel_id is None or guild.get_channel(topic.channel_id) is None:
                    channel = await self._create_room(guild, topic, category)
                    await self.service.set_channel(topic, channel.id)
                    created += 1
            for draft in await self.service.missing_starters(guild.id):
                channel = await self._create_room(guild, draft, category)
                await self.service.add(guild.id, draft, channel.id)
                created += 1
            existing = len(await self.service.topics(guild.id)) - created
        await self.reply(interaction, "topics.seed.done", created=created, existing=existing)

    @app_commands.command(name="create", description=_("Create a topic room with an English and a Chinese name", key="commands.topics.create.description"))
    @app_commands.describe(
        name_en=_("English name, e.g. Pets", key="commands.topics.param.name_en"),
        name_zh=_("Chinese name, e.g. 宠物", key="commands.topics.param.name_zh"),
        description=_("What the room is about (shown in the channel topic)", key="commands.topics.param.description"),
        emoji=_("An emoji for the room", key="commands.topics.param.emoji"),
    )
    @moderator_only()
    @requires_module("topics")
    async def create(
        self,
        interaction: discord.Interaction,
        name_en: app_commands.Range[str, 1, 60],
        name_zh: app_commands.Range[str, 1, 60],
        description: app_commands.Range[str, 1, 300] | None = None,
        emoji: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        guild = interaction.guild
        self.require_bot_permissions(interaction, guild.me.guild_permissions, "manage_channels", "manage_roles")
        # Before the lock: a /topics seed holding it can take longer than Discord's 3 s to answer.
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.service.guild_lock(guild.id):
            with user_errors():
                draft = await self.service.draft_custom(guild.id, name_en, name_zh, description, emoji)
            category = await self._category(guild, "topics.category.rooms")
            channel = await self._create_room(guild, draft, category)
            await self.service.add(guild.id, draft, channel.id)
        await self.reply(interaction, "topics.create.done", channel=channel.mention)

    @app_commands.command(name="rename", description=_("Rename a topic room", key="commands.topics.rename.description"))
    @app_commands.describe(
        topic=_("The topic room (English or Chinese name)", key="commands.topics.param.topic"),
        name_en=_("English name, e.g. Pets", key="commands.topics.param.name_en"),
        name_zh=_("Chinese name, e.g. 宠物", key="commands.topics.param.name_zh"),
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    @moderator_only()
    @requires_module("topics")
    async def rename(
        self,
        interaction: discord.Interaction,
        topic: TopicQuery,
        name_en: app_commands.Range[str, 1, 60] | None = None,
        name_zh: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        # Renaming a channel is a REST call Discord rate-limits hard (2 per 10 min per channel):
        # acknowledge first so the answer cannot miss the 3 s deadline.
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self.resolve(interaction, topic)
        channel = self.room(interaction.guild, found)
        self.require_bot_permissions(interaction, channel.permissions_for(channel.guild.me), "manage_channels")
        with user_errors():
            renamed = await self.service.rename(found, name_en, name_zh)
        script = await self.service.script(interaction.guild_id)
        await channel.edit(name=channel_name(renamed.slug, renamed.chinese_name(script)), topic=renamed.channel_topic(script))
        await self.reply(interaction, "topics.rename.done", name=renamed.display_name(reader_locale(interaction)))

    @app_commands.command(name="archive", description=_("Archive a topic room: history kept, no new messages", key="commands.topics.archive.description"))
    @app_commands.describe(topic=_("The topic room (English or Chinese name)", key="commands.topics.param.topic"))
    @app_commands.autocomplete(topic=topic_autocomplete)
    @moderator_only()
    @requires_module("topics")
    async def archive(self, interaction: discord.Interaction, topic: TopicQuery) -> None:
        found = await self.resolve(interaction, topic)
        guild = interaction.guild
        channel = self.room(guild, found)
        self.require_bot_permissions(interaction, channel.permissions_for(channel.guild.me), "manage_channels", "manage_roles")
        await interaction.response.defer(ephemeral=True, thinking=True)
        overwrites = dict(channel.overwrites)
        for target, overwrite in overwrites.items():
            if target == guild.default_role or (_is_member_overwrite(target) and target.id != guild.me.id):
                overwrite.update(**READ_ONLY)
        overwrites.setdefault(guild.default_role, discord.PermissionOverwrite(view_channel=False)).update(**READ_ONLY)
        archive_category = await self._category(guild, "topics.category.archive")
        await channel.edit(overwrites=overwrites, category=archive_category, sync_permissions=False)
        await self.service.archive(found)
        await self.reply(interaction, "topics.archive.done", channel=channel.mention)

    @app_commands.command(name="unarchive", description=_("Open an archived topic room again", key="commands.topics.unarchive.description"))
    @app_commands.describe(topic=_("The archived topic room (English or Chinese name)", key="commands.topics.param.archived_topic"))
    @app_commands.autocomplete(topic=archived_topic_autocomplete)
    @moderator_only()
    @requires_module("topics")
    async def unarchive(self, interaction: discord.Interaction, topic: TopicQuery) -> None:
        with user_errors():
            found = await self.service.resolve(interaction.guild_id, topic, archived=True)
        guild = interaction.guild
        channel = self.room(guild, found)
        self.require_bot_permissions(interaction, channel.permissions_for(channel.guild.me), "manage_channels", "manage_roles")
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Undo exactly what archiving denied; who had joined (member overwrites) is untouched.
        overwrites = dict(channel.overwrites)
        for target, overwrite in overwrites.items():
            if target == guild.default_role or (_is_member_overwrite(target) and target.id != guild.me.id):
                overwrite.update(**dict.fromkeys(READ_ONLY))
        rooms_category = await self._category(guild, "topics.category.rooms")
        await channel.edit(overwrites=overwrites, category=rooms_category, sync_permissions=False)
        await self.service.unarchive(found)
        await self.reply(interaction, "topics.unarchive.done", channel=channel.mention)

    @app_commands.command(name="script", description=_("Choose Simplified or Traditional Chinese for the topic rooms", key="commands.topics.script.description"))
    @app_commands.describe(value=_("The Chinese script of room names, topics and prompts", key="commands.topics.param.script"))
    @app_commands.choices(value=SCRIPT_CHOICES)
    @moderator_only()
    @requires_module("topics")
    async def script(self, interaction: discord.Interaction, value: app_commands.Choice[str]) -> None:
        guild = interaction.guild
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.service.guild_lock(guild.id):
            with user_errors():
                await self.service.set_script(guild.id, value.value)
            renamed, skipped = await self._apply_script(guild, value.value)
        script_name = self.t(interaction, f"topics.script.{value.value}")
        await self.reply(interaction, "topics.script.done", script=script_name, renamed=renamed)
        if skipped:
            await self.reply(interaction, "topics.script.skipped", count=skipped)

    async def _apply_script(self, guild: discord.Guild, script: str) -> tuple[int, int]:
        """Rename every room (archived ones too) whose name or topic is in the other script;
        returns (renamed, could not rename)."""
        renamed = skipped = 0
        for topic in await self.service.topics(guild.id, include_archived=True):
            channel = guild.get_channel(topic.channel_id) if topic.channel_id else None
            if not isinstance(channel, discord.TextChannel):
                continue
            name, description = channel_name(topic.slug, topic.chinese_name(script)), topic.channel_topic(script)
            if channel.name == name and (channel.topic or "") == description:
                continue
            try:
                await channel.edit(name=name, topic=description, reason=self.bot.i18n.t("topics.channel.reason"))
            except discord.HTTPException as error:
                log.warning("could not rename room %s to the %s script: %s", channel.id, script, error)
                skipped += 1
                continue
            renamed += 1
        return renamed, skipped

    @app_commands.command(name="schedule", description=_("Post a daily icebreaker in a room at a chosen hour", key="commands.topics.schedule.description"))
    @app_commands.describe(
        topic=_("The topic room (English or Chinese name)", key="commands.topics.param.topic"),
        hour=_("Hour of the day, 0–23, in the chosen time zone", key="commands.topics.param.hour"),
        timezone=_("IANA time zone, e.g. America/New_York or Asia/Shanghai", key="commands.topics.param.timezone"),
        off=_("Stop the daily icebreaker", key="commands.topics.param.off"),
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    @moderator_only()
    @requires_module("topics")
    async def schedule(
        self,
        interaction: discord.Interaction,
        topic: TopicQuery,
        hour: int | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        off: bool = False,
    ) -> None:
        found = await self.resolve(interaction, topic)
        channel = self.room(interaction.guild, found)
        if off:
            await self.service.clear_schedule(found)
            await self.reply(interaction, "topics.schedule.off", channel=channel.mention)
            return
        if hour is None:
            if timezone is not None:
                raise UserFacingError("topics.error.schedule_needs_hour")
            if not found.scheduled:
                await self.reply(interaction, "topics.schedule.none", channel=channel.mention)
                return
            hour = found.schedule_hour
        self.require_bot_permissions(interaction, channel.permissions_for(channel.guild.me), "view_channel", "send_messages")
        with user_errors():
            scheduled = await self.service.set_schedule(found, hour, timezone or found.schedule_timezone or "UTC")
        await self.reply(
            interaction,
            "topics.schedule.set",
            channel=channel.mention,
            hour=f"{scheduled.schedule_hour:02d}",
            timezone=scheduled.schedule_timezone,
            next=discord.utils.format_dt(scheduled.next_prompt_at, "F"),
        )

    @schedule.autocomplete("timezone")
    async def timezone_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in timezone_suggestions(current)]

    @app_commands.command(name="addprompt", description=_("Add an icebreaker prompt to a room's bank", key="commands.topics.addprompt.description"))
    @app_commands.describe(
        topic=_("The topic room (English or Chinese name)", key="commands.topics.param.topic"),
        en=_("The prompt in English", key="commands.topics.param.prompt_en"),
        zh=_("The prompt in Chinese", key="commands.topics.param.prompt_zh"),
    )
    @app_commands.autocomplete(topic=topic_autocomplete)
    @moderator_only()
    @requires_module("topics")
    async def addprompt(
        self,
        interaction: discord.Interaction,
        topic: TopicQuery,
        en: app_commands.Range[str, 1, 300],
        zh: app_commands.Range[str, 1, 300],
    ) -> None:
        found = await self.resolve(interaction, topic)
        channel = self.room(interaction.guild, found)
        with user_errors():
            await self.service.add_prompt(found, en, zh, added_by=interaction.user.id)
        count = len(await self.service.bank(found))
        await self.reply(interaction, "topics.addprompt.done", channel=channel.mention, count=count)

    @app_commands.command(name="prompt", description=_("Post an icebreaker in a room now", key="commands.topics.prompt.description"))
    @app_commands.describe(topic=_("The topic room (English or Chinese name)", key="commands.topics.param.topic"))
    @app_commands.autocomplete(topic=topic_autocomplete)
    @app_commands.guild_only()
    @requires_module("topics")
    async def prompt(self, interaction: discord.Interaction, topic: TopicQuery) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # posts in the room before answering
        found = await self.resolve(interaction, topic)
        channel = self.room(interaction.guild, found)
        if not channel.permissions_for(interaction.guild.me).send_messages:
            raise UserFacingError("topics.error.cannot_post", channel=channel.mention)
        # Keyed by the room resolved, not the text typed: "groceries" and "买菜" are one room.
        room = (found.guild_id, found.id)
        if not is_moderator(interaction):
            wait = self.prompt_cooldown.take(room)
            if wait:
                raise UserFacingError("core.error.cooldown", seconds=max(1, round(wait)))
        posted = False
        try:
            with user_errors(reader_locale(interaction)):
                prompt = await self.service.take_prompt(found)
            script = await self.service.script(found.guild_id)
            try:
                await channel.send(self.prompt_text(prompt, script), allowed_mentions=discord.AllowedMentions.none())
            except discord.Forbidden:
                await self.service.release_prompt(found, prompt)
                raise UserFacingError("topics.error.cannot_post", channel=channel.mention) from None
            posted = True
        finally:
            if not posted and not is_moderator(interaction):
                self.prompt_cooldown.give_back(room)
        await self.reply(interaction, "topics.prompt.done", channel=channel.mention)

    # ---- everyone ----------------------------------------------------------------------------

    @app_commands.command(name="join", description=_("Join a topic room so it shows in your channel list", key="commands.topics.join.description"))
    @app_commands.describe(topic=_("The topic room (English or Chinese name)", key="commands.topics.param.topic"))
    @app_commands.autocomplete(topic=topic_autocomplete)
    @app_commands.guild_only()
    @requires_module("topics")
    async def join(self, interaction: discord.Interaction, topic: TopicQuery) -> None:
        await self._set_membership(interaction, topic, joining=True)

    @app_commands.command(name="leave", description=_("Leave a topic room", key="commands.topics.leave.description"))
    @app_commands.describe(topic=_("The topic room (English or Chinese name)", key="commands.topics.param.topic"))
    @app_commands.autocomplete(topic=topic_autocomplete)
    @app_commands.guild_only()
    @requires_module("topics")
    async def leave(self, interaction: discord.Interaction, topic: TopicQuery) -> None:
        await self._set_membership(interaction, topic, joining=False)

    async def _set_membership(self, interaction: discord.Interaction, topic: TopicQuery, *, joining: bool) -> None:
        """Membership is the member's own View Channel overwrite on the room."""
        await interaction.response.defer(ephemeral=True, thinking=True)  # edits channel permissions first
        found = await self.resolve(interaction, topic)
        channel = self.room(interaction.guild, found)
        member = interaction.user
        if bool(channel.overwrites_for(member).view_channel) == joining:
            await self.reply(interaction, "topics.join.already" if joining else "topics.leave.not_member", channel=channel.mention)
            return
        self.require_bot_permissions(interaction, channel.permissions_for(channel.guild.me), "view_channel", "manage_roles")
        reason = self.bot.i18n.t("topics.channel.reason")
        if joining:
            await channel.set_permissions(member, view_channel=True, reason=reason)
        else:
            await channel.set_permissions(member, overwrite=None, reason=reason)
        await self.reply(interaction, "topics.join.done" if joining else "topics.leave.done", channel=channel.mention)

    @app_commands.command(name="mine", description=_("The topic rooms you have joined", key="commands.topics.mine.description"))
    @app_commands.guild_only()
    @requires_module("topics")
    async def mine(self, interaction: discord.Interaction) -> None:
        joined = [
            (topic, channel)
            for topic, channel in await self._open_rooms(interaction.guild)
            if channel.overwrites_for(interaction.user).view_channel
        ]
        if not joined:
            await self.reply(interaction, "topics.mine.none")
            return
        lines = [self.t(interaction, "topics.mine.header")]
        lines += [f"{channel.mention} {topic.display_name(reader_locale(interaction))}" for topic, channel in joined]
        await interaction.response.send_message(_fit("\n".join(lines)), ephemeral=True)

    @app_commands.command(name="list", description=_("All topic rooms with their members and recent activity", key="commands.topics.list.description"))
    @app_commands.guild_only()
    @requires_module("topics")
    async def list_rooms(self, interaction: discord.Interaction) -> None:
        rooms = await self._open_rooms(interaction.guild)
        if not rooms:
            await self.reply(interaction, "topics.list.none")
            return
        activity = await self.service.activity(interaction.guild_id)
        lines = [self.t(interaction, "topics.list.header")]
        for topic, channel in rooms:
            members = sum(
                1
                for target, overwrite in channel.overwrites.items()
                if _is_member_overwrite(target) and overwrite.view_channel and target.id != interaction.guild.me.id
            )
            seen = activity.get(topic.id)
            name = f"{channel.mention} {topic.display_name(reader_locale(interaction))}"
            if channel.overwrites_for(interaction.user).view_channel:
                name = f"{name} {self.t(interaction, 'topics.list.joined_mark')}"
            if seen is None or seen.last_message_at is None:
                lines.append(self.t(interaction, "topics.list.line_quiet", name=name, members=members))
            else:
                lines.append(
                    self.t(
                        interaction,
                        "topics.list.line",
                        name=name,
                        members=members,
                        messages=seen.messages_this_week,
                        last=discord.utils.format_dt(seen.last_message_at, "R"),
                    )
                )
        await interaction.response.send_message(_fit("\n".join(lines)), ephemeral=True)

    async def _open_rooms(self, guild: discord.Guild) -> list[tuple[Topic, discord.TextChannel]]:
        rooms = []
        for topic in await self.service.topics(guild.id):
            channel = guild.get_channel(topic.channel_id) if topic.channel_id else None
            if isinstance(channel, discord.TextChannel):
                rooms.append((topic, channel))
        return rooms

    # ---- icebreakers and activity --------------------------------------------------------------

    def prompt_text(self, prompt: BankPrompt, script: str = SIMPLIFIED) -> str:
        i18n = self.bot.i18n
        chinese = i18n.t("topics.prompt.heading", "zh-TW" if script == TRADITIONAL else "zh-CN")
        heading = f"{i18n.t('topics.prompt.heading', 'en-US')} · {chinese}"
        return f"💬 **{heading}**\n{prompt.bilingual(script)}"

    async def post_prompt_in_room(self, topic: Topic, prompt: BankPrompt) -> bool:
        """The scheduler's poster: nobody is there to answer, so problems go to moderators once."""
        guild = self.bot.get_guild(topic.guild_id)
        if guild is None or not await self.bot.guild_config.module_enabled(guild.id, "topics"):
            return False
        channel = guild.get_channel(topic.channel_id) if topic.channel_id else None
        if not isinstance(channel, discord.TextChannel):
            await self.bot.moderator_notices.notify_once(
                guild, f"topics.room_gone.{topic.id}", "topics.notice.room_gone", topic=topic.bilingual_name()
            )
            return False
        problem = f"topics.cannot_post.{channel.id}"
        try:
            script = await self.service.script(guild.id)
            await channel.send(self.prompt_text(prompt, script), allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            await self.bot.moderator_notices.notify_once(guild, problem, "topics.notice.cannot_post", channel=channel.mention)
            return False
        except discord.HTTPException as error:
            log.warning("icebreaker not posted guild=%s channel=%s: %s", guild.id, channel.id, error)
            return False
        self.bot.moderator_notices.forget(guild.id, problem)
        return True

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        topic = await self.service.topic_for_channel(message.channel.id)
        if topic is not None and not topic.archived:
            await self.service.record_message(topic, message.created_at)

def _fit(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def setup(bot) -> None:
    await bot.add_cog(Topics(bot))
