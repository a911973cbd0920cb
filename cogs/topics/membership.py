"""`/topics join|leave|mine|list`: everyone picks the rooms that show in their channel list."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import requires_module
from bot.personal_language import reader_locale
from cogs.topics.common import TOPIC_PARAM, TopicQuery, TopicsCommon, fit, is_member_overwrite


class MembershipCommands(TopicsCommon):
    """Part of the Topics cog: joining and leaving rooms, and the lists of rooms."""

    @app_commands.command(name="join", description=_("Join a topic room so it shows in your channel list", key="commands.topics.join.description"))
    @app_commands.describe(topic=TOPIC_PARAM)
    @app_commands.autocomplete(topic=TopicsCommon.topic_autocomplete)
    @app_commands.guild_only()
    @requires_module("topics")
    async def join(self, interaction: discord.Interaction, topic: TopicQuery) -> None:
        await self._set_membership(interaction, topic, joining=True)

    @app_commands.command(name="leave", description=_("Leave a topic room", key="commands.topics.leave.description"))
    @app_commands.describe(topic=TOPIC_PARAM)
    @app_commands.autocomplete(topic=TopicsCommon.topic_autocomplete)
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
        await interaction.response.send_message(fit("\n".join(lines)), ephemeral=True)

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
                if is_member_overwrite(target) and overwrite.view_channel and target.id != interaction.guild.me.id
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
        await interaction.response.send_message(fit("\n".join(lines)), ephemeral=True)

