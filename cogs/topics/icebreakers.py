"""`/topics schedule|addprompt|prompt`: icebreakers posted in a room, now or daily."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.checks import UserFacingError, is_moderator, moderator_only, requires_module
from bot.personal_language import reader_locale
from bot.topics import Topic
from bot.topics.models import SIMPLIFIED, TRADITIONAL, BankPrompt
from bot.topics.scheduling import timezone_suggestions
from cogs.topics.common import TOPIC_PARAM, TopicQuery, TopicsCommon, user_errors

log = logging.getLogger(__name__)


class IcebreakerCommands(TopicsCommon):
    """Part of the Topics cog: icebreaker commands, and the poster the scheduler uses."""

    @app_commands.command(name="schedule", description=_("Post a daily icebreaker in a room at a chosen hour", key="commands.topics.schedule.description"))
    @app_commands.describe(
        topic=TOPIC_PARAM,
        hour=_("Hour of the day, 0–23, in the chosen time zone", key="commands.topics.param.hour"),
        timezone=_("IANA time zone, e.g. America/New_York or Asia/Shanghai", key="commands.topics.param.timezone"),
        off=_("Stop the daily icebreaker", key="commands.topics.param.off"),
    )
    @app_commands.autocomplete(topic=TopicsCommon.topic_autocomplete)
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
        topic=TOPIC_PARAM,
        en=_("The prompt in English", key="commands.topics.param.prompt_en"),
        zh=_("The prompt in Chinese", key="commands.topics.param.prompt_zh"),
    )
    @app_commands.autocomplete(topic=TopicsCommon.topic_autocomplete)
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
    @app_commands.describe(topic=TOPIC_PARAM)
    @app_commands.autocomplete(topic=TopicsCommon.topic_autocomplete)
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

