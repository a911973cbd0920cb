"""`/welcome`: a bilingual welcome for each newcomer, with buttons to choose their language.

The message pings only the newcomer, says in a few lines what the server offers (each command as a
clickable mention) and carries three buttons; a press sets the person's `/language` and gives the
role moderators chose for that language. The buttons keep working after a restart.
"""

from __future__ import annotations

import logging
import re

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.checks import UserFacingError, moderator_only, role_grant_problem
from bot.command_mentions import CommandMentions
from bot.i18n import chinese_variant
from bot.personal_language import reader_locale
from bot.welcome import WelcomeConfig, WelcomeStore

log = logging.getLogger(__name__)

LANGUAGE_BUTTONS = (("en-US", "English"), ("zh-CN", "简体中文"), ("zh-TW", "繁體中文"))
_LABELS = dict(LANGUAGE_BUTTONS)
NEEDED_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True)


class LanguageButton(discord.ui.DynamicItem[discord.ui.Button], template=r"qiao:welcome:(?P<locale>en-US|zh-CN|zh-TW)"):
    def __init__(self, locale: str) -> None:
        super().__init__(discord.ui.Button(
            label=_LABELS[locale], style=discord.ButtonStyle.primary, custom_id=f"qiao:welcome:{locale}",
        ))
        self.locale = locale

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /):
        return cls(match["locale"])

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Welcome")
        if cog is not None:
            CommandMentions.set_guild(interaction.guild_id)  # a button's own task: mentions for this server
            await cog.choose_language(interaction, self.locale)


def language_buttons() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for locale, _label in LANGUAGE_BUTTONS:
        view.add_item(LanguageButton(locale))
    return view


@app_commands.guild_only()
class Welcome(
    commands.GroupCog,
    group_name=_("welcome", key="commands.welcome.name"),
    group_description=_("A bilingual welcome for newcomers", key="commands.welcome.description"),
):
    def __init__(self, bot) -> None:
        self.bot = bot
        self.store = WelcomeStore(bot.db)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(LanguageButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(LanguageButton)

    # -- moderators ---------------------------------------------------------------------------

    @app_commands.command(name="setup", description=_("Welcome newcomers in a channel, with roles per language", key="commands.welcome.setup.description"))
    @app_commands.describe(
        channel=_("Where newcomers are welcomed", key="commands.welcome.param.channel"),
        english_role=_("Role for people who choose English", key="commands.welcome.param.english_role"),
        chinese_role=_("Role for people who choose Chinese", key="commands.welcome.param.chinese_role"),
    )
    @moderator_only()
    async def setup(
        self, interaction: discord.Interaction, channel: discord.TextChannel,
        english_role: discord.Role | None = None, chinese_role: discord.Role | None = None,
    ) -> None:
        guild = interaction.guild
        if not NEEDED_PERMISSIONS.is_subset(channel.permissions_for(guild.me)):
            raise UserFacingError("welcome.error.cannot_post", channel=channel.mention)
        for role in (english_role, chinese_role):
            problem = role_grant_problem(role, guild) if role is not None else None
            if problem is not None:
                raise UserFacingError(f"welcome.error.role_{problem}", role=role.mention)
        await self.store.set_up(WelcomeConfig(
            guild.id, channel.id, english_role.id if english_role else None, chinese_role.id if chinese_role else None,
        ))
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        none = i18n.t("welcome.setup.no_role", locale)
        await interaction.response.send_message(i18n.t(
            "welcome.setup.done", locale, channel=channel.mention,
            english_role=english_role.mention if english_role else none,
            chinese_role=chinese_role.mention if chinese_role else none,
        ), ephemeral=True)

    @app_commands.command(name="test", description=_("Post the welcome for yourself, to see it", key="commands.welcome.test.description"))
    @moderator_only()
    async def test(self, interaction: discord.Interaction) -> None:
        config = await self._config_or_refuse(interaction.guild_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await self.welcome(interaction.user, config, ping=False)
        key = "welcome.test.sent" if posted else "welcome.error.cannot_post"
        await interaction.followup.send(self.bot.i18n.t(key, reader_locale(interaction), channel=f"<#{config.channel_id}>"), ephemeral=True)

    @app_commands.command(name="disable", description=_("Stop welcoming newcomers", key="commands.welcome.disable.description"))
    @moderator_only()
    async def disable(self, interaction: discord.Interaction) -> None:
        await self._config_or_refuse(interaction.guild_id)
        await self.store.disable(interaction.guild_id)
        await interaction.response.send_message(self.bot.i18n.t("welcome.disable.done", reader_locale(interaction)), ephemeral=True)

    async def _config_or_refuse(self, guild_id: int) -> WelcomeConfig:
        config = await self.store.config(guild_id)
        if config is None:
            raise UserFacingError("welcome.error.not_set_up")
        return config

    # -- newcomers ----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot or not self.bot.accepting_work:
            return
        config = await self.store.config(member.guild.id)
        if config is not None:
            await self.welcome(member, config)

    async def welcome(self, member: discord.Member, config: WelcomeConfig, *, ping: bool = True) -> bool:
        """Post the welcome for `member`, pinging only them (`ping=False`: nobody, for /welcome test)."""
        channel = member.guild.get_channel(config.channel_id)
        if channel is None:
            return False
        text = await self.welcome_text(member)
        try:
            await channel.send(
                text, view=language_buttons(), suppress_embeds=True,
                allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=[member] if ping else False),
            )
        except discord.HTTPException as error:
            log.warning("welcome: cannot post in channel=%s guild=%s: %s", channel.id, member.guild.id, error)
            await self.bot.moderator_notices.notify_once(
                member.guild, f"welcome.cannot_post.{channel.id}", "welcome.notice.cannot_post", channel=channel.mention,
            )
            return False
        return True

    async def welcome_text(self, member: discord.Member) -> str:
        """The welcome in English, then in the server's Chinese; only what is on here is named."""
        guild = member.guild
        keys = ["welcome.text.hello"]
        enabled = self.bot.guild_config.module_enabled
        relay = getattr(self.bot, "bridge_relay", None)
        if relay is not None and await enabled(guild.id, "bridge") and any(relay.is_bridged(c.id) for c in guild.text_channels):
            keys.append("welcome.text.bridge")
        if self.bot.get_cog("BridgeCog") is not None:
            keys.append("welcome.text.translate")
            if self.bot.get_cog("FlagReactions") is not None and await enabled(guild.id, "flags"):
                keys.append("welcome.text.flags")
        cattax = self.bot.get_cog("CatTax")
        cattax_config = await cattax.store.config(guild.id) if cattax is not None and await enabled(guild.id, "cattax") else None
        if cattax_config is not None:
            keys.append("welcome.text.cattax")
        if self.bot.get_cog("Topics") is not None and await enabled(guild.id, "topics"):
            keys.append("welcome.text.topics")
        keys.append("welcome.text.choose")
        fields = {"member": member.mention, "server": guild.name,
                  "channel": f"<#{cattax_config.channel_id}>" if cattax_config else ""}
        chinese = chinese_variant(guild.preferred_locale)
        with CommandMentions.for_guild(guild.id):
            blocks = ["\n".join(self.bot.i18n.t(key, locale, **fields) for key in keys) for locale in ("en-US", chinese)]
        return "\n\n".join(blocks)

    async def choose_language(self, interaction: discord.Interaction, locale: str) -> None:
        await self.bot.personal_languages.choose(interaction.user.id, locale)
        i18n = self.bot.i18n
        lines = [i18n.t("people.language.chosen", locale, language=i18n.t(f"people.language.name.{locale}", locale))]
        config = await self.store.config(interaction.guild_id) if interaction.guild_id else None
        member = interaction.user if isinstance(interaction.user, discord.Member) else None
        if config is not None and member is not None:
            line = await self._give_language_role(member, config, locale)
            if line is not None:
                lines.append(line)
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    async def _give_language_role(self, member: discord.Member, config: WelcomeConfig, locale: str) -> str | None:
        guild, i18n = member.guild, self.bot.i18n
        wanted = guild.get_role(config.role_for(locale) or 0)
        other = guild.get_role(config.role_for("en-US" if locale != "en-US" else "zh-CN") or 0)
        try:
            if other is not None and other != wanted and other in member.roles:
                await member.remove_roles(other, reason="chose another language in the welcome")
            if wanted is None:
                return None
            if wanted not in member.roles:
                await member.add_roles(wanted, reason="chose a language in the welcome")
        except discord.HTTPException as error:
            log.warning("welcome: cannot change language roles of user=%s guild=%s: %s", member.id, guild.id, error)
            return i18n.t("welcome.role.failed", locale, role=wanted.mention if wanted else other.mention)
        return i18n.t("welcome.role.given", locale, role=wanted.mention)


async def setup(bot) -> None:
    await bot.add_cog(Welcome(bot))
