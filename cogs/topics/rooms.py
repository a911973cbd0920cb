"""`/topics seed|create|rename|archive|unarchive|script`: moderators make and keep the rooms."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import moderator_only, requires_module
from bot.personal_language import reader_locale
from bot.topics import Topic
from bot.topics.naming import channel_name
from cogs.topics.common import READ_ONLY, SCRIPT_CHOICES, TOPIC_PARAM, TopicQuery, TopicsCommon, is_member_overwrite, user_errors

log = logging.getLogger(__name__)


class RoomCommands(TopicsCommon):
    """Part of the Topics cog: the moderators' room commands."""

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
        topic=TOPIC_PARAM,
        name_en=_("English name, e.g. Pets", key="commands.topics.param.name_en"),
        name_zh=_("Chinese name, e.g. 宠物", key="commands.topics.param.name_zh"),
    )
    @app_commands.autocomplete(topic=TopicsCommon.topic_autocomplete)
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
    @app_commands.describe(topic=TOPIC_PARAM)
    @app_commands.autocomplete(topic=TopicsCommon.topic_autocomplete)
    @moderator_only()
    @requires_module("topics")
    async def archive(self, interaction: discord.Interaction, topic: TopicQuery) -> None:
        await self._file_room(interaction, await self.resolve(interaction, topic), archiving=True)

    @app_commands.command(name="unarchive", description=_("Open an archived topic room again", key="commands.topics.unarchive.description"))
    @app_commands.describe(topic=_("The archived topic room (English or Chinese name)", key="commands.topics.param.archived_topic"))
    @app_commands.autocomplete(topic=TopicsCommon.archived_topic_autocomplete)
    @moderator_only()
    @requires_module("topics")
    async def unarchive(self, interaction: discord.Interaction, topic: TopicQuery) -> None:
        with user_errors():
            found = await self.service.resolve(interaction.guild_id, topic, archived=True)
        await self._file_room(interaction, found, archiving=False)

    async def _file_room(self, interaction: discord.Interaction, found: Topic, *, archiving: bool) -> None:
        """Archiving denies @everyone and the members who joined everything that writes (READ_ONLY)
        and files the room under the archive category; opening it again undoes exactly that (who
        had joined, the member overwrites, is untouched)."""
        guild = interaction.guild
        channel = self.room(guild, found)
        self.require_bot_permissions(interaction, channel.permissions_for(guild.me), "manage_channels", "manage_roles")
        await interaction.response.defer(ephemeral=True, thinking=True)
        values = READ_ONLY if archiving else dict.fromkeys(READ_ONLY)
        overwrites = dict(channel.overwrites)
        for target, overwrite in overwrites.items():
            if target == guild.default_role or (is_member_overwrite(target) and target.id != guild.me.id):
                overwrite.update(**values)
        if archiving:
            overwrites.setdefault(guild.default_role, discord.PermissionOverwrite(view_channel=False)).update(**READ_ONLY)
        category = await self._category(guild, "topics.category.archive" if archiving else "topics.category.rooms")
        await channel.edit(overwrites=overwrites, category=category, sync_permissions=False)
        if archiving:
            await self.service.archive(found)
        else:
            await self.service.unarchive(found)
        await self.reply(interaction, "topics.archive.done" if archiving else "topics.unarchive.done", channel=channel.mention)

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

