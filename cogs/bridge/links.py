"""`/bridge link|mixed|unlink|list|settings`: moderators make, list and change bridges, and the checks
every command about a bridged channel shares (usable channel, permissions, health)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.bridge.models import Bridge, BridgeChannel
from bot.checks import UserFacingError, moderator_only, requires_module
from bot.personal_language import reader_locale
from cogs.bridge.invites import partner_channel_label
from cogs.bridge.options import CHANNEL_PARAM, LABEL_CHOICES, SCRIPT_CHOICES, SCRIPT_PARAM, BridgedChannel, Linkable, refuse_forum_with_text
from cogs.bridge.permissions import blocks_delivery, check_channel, describe


class Links:
    """Part of BridgeCog: the commands that make and change bridges."""

    @app_commands.command(name="link", description=_("Link an English and a Chinese channel (or add a channel to an existing bridge)", key="commands.bridge.link.description"))
    @app_commands.describe(
        english=_("The English channel", key="commands.bridge.param.english"),
        chinese=_("The Chinese channel", key="commands.bridge.param.chinese"),
        script=SCRIPT_PARAM,
    )
    @app_commands.choices(script=SCRIPT_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def link(
        self, interaction: discord.Interaction, english: Linkable, chinese: Linkable,
        script: app_commands.Choice[str] | None = None,
    ) -> None:
        if english.id == chinese.id:
            raise UserFacingError("bridge.error.same_channel")
        for channel in (english, chinese):
            self._check_usable(interaction, channel)
        refuse_forum_with_text(english, chinese)
        store = self.relay.store
        english_bridge, chinese_bridge = await store.bridge_of(english.id), await store.bridge_of(chinese.id)
        chosen_script = script.value if script else "simplified"
        locale = reader_locale(interaction)
        if english_bridge is None and chinese_bridge is None:
            await store.create_bridge(interaction.guild_id, "linked", [
                {"channel_id": english.id, "language": "en"},
                {"channel_id": chinese.id, "language": "zh", "script": chosen_script},
            ])
            text = self.bot.i18n.t("bridge.link.created", locale, english=english.mention, chinese=chinese.mention)
        elif english_bridge is not None and chinese_bridge is not None:
            if english_bridge.id == chinese_bridge.id:
                raise UserFacingError("bridge.error.already_linked", english=english.mention, chinese=chinese.mention)
            raise UserFacingError("bridge.error.already_bridged", channel=chinese.mention)
        else:
            existing, new, new_language = (
                (english, chinese, "zh") if english_bridge is not None else (chinese, english, "en")
            )
            bridge: Bridge = english_bridge or chinese_bridge
            member = bridge.channel(existing.id)
            wanted_existing_language = "en" if new_language == "zh" else "zh"
            if bridge.kind != "linked" or member.language != wanted_existing_language:
                raise UserFacingError("bridge.error.already_bridged", channel=existing.mention)
            await store.add_channel(bridge.id, new.id, new_language, script=chosen_script, guild_id=interaction.guild_id)
            text = self.bot.i18n.t(
                "bridge.link.added", locale, channel=new.mention, existing=existing.mention,
                language=self.bot.i18n.t(f"bridge.language.{new_language}", locale),
            )
        text += self._permission_warnings(interaction, english, chinese)
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="mixed", description=_("Make one channel bilingual: translations appear under each message", key="commands.bridge.mixed.description"))
    @app_commands.describe(
        channel=CHANNEL_PARAM,
        script=SCRIPT_PARAM,
    )
    @app_commands.choices(script=SCRIPT_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def mixed(
        self, interaction: discord.Interaction, channel: BridgedChannel,
        script: app_commands.Choice[str] | None = None,
    ) -> None:
        self._check_usable(interaction, channel)
        if await self.relay.store.bridge_of(channel.id) is not None:
            raise UserFacingError("bridge.error.already_bridged", channel=channel.mention)
        await self.relay.register_mixed(channel, script=script.value if script else "simplified")
        text = self.bot.i18n.t("bridge.mixed.done", reader_locale(interaction), channel=channel.mention)
        text += self._permission_warnings(interaction, channel)
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="unlink", description=_("Take a channel out of its bridge", key="commands.bridge.unlink.description"))
    @app_commands.describe(channel=CHANNEL_PARAM)
    @moderator_only()
    @requires_module("bridge")
    async def unlink(self, interaction: discord.Interaction, channel: BridgedChannel) -> None:
        await self.bridged_here(interaction, channel)
        await self.relay.unregister(channel.id)
        await interaction.response.send_message(
            self.bot.i18n.t("bridge.unlink.done", reader_locale(interaction), channel=channel.mention), ephemeral=True
        )

    @app_commands.command(name="list", description=_("Show this server's bridges and their health", key="commands.bridge.list.description"))
    @moderator_only()
    @requires_module("bridge")
    async def list_bridges(self, interaction: discord.Interaction) -> None:
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        bridges = [
            bridge for bridge in await self.relay.store.all_bridges()
            if any(channel.guild_id == interaction.guild_id for channel in bridge.channels)
        ]
        if not bridges:
            await interaction.response.send_message(i18n.t("bridge.list.empty", locale), ephemeral=True)
            return
        lines: list[str] = []
        for number, bridge in enumerate(bridges, start=1):
            lines.append(i18n.t("bridge.list.bridge", locale, number=number, kind=i18n.t(f"bridge.kind.{bridge.kind}", locale)))
            for channel in bridge.channels:
                lines.append(i18n.t(
                    "bridge.list.channel", locale, channel=partner_channel_label(self.bot, channel.channel_id, interaction.guild_id),
                    language=i18n.t(f"bridge.language.{channel.language}", locale),
                    script=i18n.t(f"bridge.script.{channel.script}", locale),
                    label=i18n.t("bridge.label_state.shown" if channel.show_label else "bridge.label_state.hidden", locale),
                    health=self._health(interaction, channel),
                ))
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True)

    @app_commands.command(name="settings", description=_("Change a bridged channel's Chinese script or translation label", key="commands.bridge.settings.description"))
    @app_commands.describe(
        channel=CHANNEL_PARAM,
        script=SCRIPT_PARAM,
        label=_("Show the machine-translation label on copies", key="commands.bridge.param.label"),
        slang_notes=_("Explain internet slang under copies in this channel", key="commands.bridge.param.slang_notes"),
    )
    @app_commands.choices(script=SCRIPT_CHOICES, label=LABEL_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def settings(
        self, interaction: discord.Interaction, channel: BridgedChannel,
        script: app_commands.Choice[str] | None = None, label: app_commands.Choice[str] | None = None,
        slang_notes: bool | None = None,
    ) -> None:
        _, member = await self.bridged_here(interaction, channel)
        if slang_notes is not None:
            await self.slang_notes.set_enabled(channel.id, slang_notes)
        changes: dict[str, object] = {}
        if script is not None:
            changes["script"] = script.value
        if label is not None:
            changes["show_label"] = label.value == "shown"
        updated = await self.relay.store.update_channel(channel.id, **changes) if changes else member
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        await interaction.response.send_message(i18n.t(
            "bridge.settings.done", locale, channel=channel.mention,
            script=i18n.t(f"bridge.script.{updated.script}", locale),
            label=i18n.t("bridge.label_state.shown" if updated.show_label else "bridge.label_state.hidden", locale),
        ) + "\n" + i18n.t("learning.notes.state", locale, channel=channel.mention, state=i18n.t(
            "learning.notes.on" if self.slang_notes.enabled(channel.id) else "learning.notes.off", locale,
        )), ephemeral=True)

    # -- helpers ----------------------------------------------------------------------------

    async def bridged_here(self, interaction: discord.Interaction, channel) -> tuple[Bridge, BridgeChannel]:
        """The bridge of a channel of the caller's server, for every command about one bridged channel.

        The channel's own server decides, not the server that created the bridge: either server of a
        cross-server bridge manages its own channels (the caller's permissions were checked there),
        and neither can touch the other's."""
        channel_guild = getattr(getattr(channel, "guild", None), "id", interaction.guild_id)
        found = None
        if channel_guild == interaction.guild_id:
            found = await self.relay.store.membership(channel.id, interaction.guild_id)
        if found is None:
            raise UserFacingError("bridge.error.not_bridged", channel=channel.mention)
        return found

    def _check_usable(self, interaction: discord.Interaction, channel: discord.abc.GuildChannel) -> None:
        if not isinstance(channel, (discord.TextChannel, discord.Thread, discord.ForumChannel)):
            raise UserFacingError("bridge.error.not_text", channel=channel.mention)
        me = interaction.guild.me
        if me is not None and not channel.permissions_for(me).view_channel:
            raise UserFacingError("bridge.error.cannot_see", channel=channel.mention)

    def _permission_warnings(self, interaction: discord.Interaction, *channels) -> str:
        """One line per channel lacking something the bridge needs there (threads and forums
        included), saying what it stops; the permission recheck then knows it was told."""
        me = interaction.guild.me
        if me is None:
            return ""
        locale = reader_locale(interaction)
        warnings = []
        for channel in channels:
            result = check_channel(channel, me)
            self.permissions_told(channel.id, result)
            if not result.complete:
                warnings.append(describe(self.bot.i18n, "bridge.permission.link_missing", locale, channel.mention, result))
        return "".join("\n" + warning for warning in warnings)

    def _health(self, interaction: discord.Interaction, channel: BridgeChannel) -> str:
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        parts = []
        guild_channel = interaction.guild.get_channel_or_thread(channel.channel_id)
        me = interaction.guild.me
        if channel.channel_id in self.engine.stats.forbidden or (
            guild_channel is not None and me is not None and blocks_delivery(guild_channel, me)
        ):
            parts.append(i18n.t("bridge.health.forbidden", locale))
        backlog = self.engine.backlog(channel.channel_id)
        if backlog:
            parts.append(i18n.t("bridge.health.backlog", locale, count=backlog))
        lag = self.engine.lag(channel.channel_id)
        if lag >= 1:
            parts.append(i18n.t("bridge.health.lag", locale, seconds=round(lag)))
        if channel.channel_id in self.engine.paused_channels():
            parts.append(i18n.t("bridge.health.paused", locale))
        pending = self.engine.pending_translations(channel.channel_id)
        if pending:
            parts.append(i18n.t("bridge.health.pending", locale, count=pending))
        return ", ".join(parts) or i18n.t("bridge.health.ok", locale)
