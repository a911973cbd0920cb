"""`/bridge invite` and `/bridge accept`: a channel of another server joins a bridge with a one-time code.

Codes are made, checked and spent in `bot/bridge/invites.py`.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.bridge.invites import Refusal, refusal_for
from bot.checks import UserFacingError, moderator_only, requires_module
from bot.personal_language import reader_locale
from cogs.bridge.options import CHANNEL_PARAM, LANGUAGE_CHOICES, LANGUAGE_PARAM, SCRIPT_CHOICES, SCRIPT_PARAM, Linkable, refuse_forum_with_text



class Invites:
    """Part of BridgeCog: the cross-server invite commands."""

    @app_commands.command(name="invite", description=_("Get a one-time code that lets another server link a channel into this bridge", key="commands.bridge.invite.description"))
    @app_commands.describe(
        channel=CHANNEL_PARAM,
        language=LANGUAGE_PARAM,
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def invite(
        self, interaction: discord.Interaction, channel: Linkable, language: app_commands.Choice[str] | None = None,
    ) -> None:
        self._check_usable(interaction, channel)
        store = self.relay.store
        bridge = await store.bridge_of(channel.id)
        if bridge is None:
            if language is None:
                raise UserFacingError("bridge.invite.error.language_needed", channel=channel.mention)
            bridge = await store.create_bridge(interaction.guild_id, "linked", [{"channel_id": channel.id, "language": language.value}])
        elif bridge.kind != "linked":
            raise UserFacingError("bridge.error.already_bridged", channel=channel.mention)
        code, expires_at = await self.invites.create(bridge.id, interaction.guild_id, channel.id, interaction.user.id)
        await interaction.response.send_message(self.bot.i18n.t(
            "bridge.invite.created", reader_locale(interaction), code=code, channel=channel.mention,
            minutes=int(self.invites.lifetime.total_seconds() // 60), expires=discord.utils.format_dt(expires_at, "R"),
        ), ephemeral=True)

    @app_commands.command(name="accept", description=_("Link a channel of this server into another server's bridge with its code", key="commands.bridge.accept.description"))
    @app_commands.describe(
        code=_("The code the other server's moderator gave you", key="commands.bridge.param.code"),
        channel=CHANNEL_PARAM,
        language=LANGUAGE_PARAM,
        script=SCRIPT_PARAM,
    )
    @app_commands.choices(language=LANGUAGE_CHOICES, script=SCRIPT_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def accept(
        self, interaction: discord.Interaction, code: app_commands.Range[str, 1, 40], channel: Linkable,
        language: app_commands.Choice[str],
        script: app_commands.Choice[str] | None = None,
    ) -> None:
        self._check_usable(interaction, channel)
        store = self.relay.store
        if await store.bridge_of(channel.id) is not None:
            raise UserFacingError("bridge.error.already_bridged", channel=channel.mention)
        invite = await self.invites.find(code)
        partner = self.bot.get_channel(invite.channel_id) if invite else None
        if partner is not None:
            refuse_forum_with_text(partner, channel)
        bridge = await store.invited_bridge(invite.bridge_id) if invite else None
        refusal = refusal_for(
            invite, accepting_guild_id=interaction.guild_id, now=self.invites.clock(),
            bridge_exists=bridge is not None and bridge.channel(invite.channel_id) is not None,
        )
        if refusal is not None:
            raise UserFacingError(f"bridge.accept.error.{refusal.value}")
        if not await self.invites.mark_used(code, interaction.guild_id):
            raise UserFacingError(f"bridge.accept.error.{Refusal.USED.value}")
        await store.add_channel(
            bridge.id, channel.id, language.value, script=script.value if script else "simplified", guild_id=interaction.guild_id,
        )
        partner = self.bot.get_channel(invite.channel_id)
        await interaction.response.send_message(self.bot.i18n.t(
            "bridge.accept.done", reader_locale(interaction), channel=channel.mention,
            partner=_partner_name(partner, invite.channel_id),
            language=self.bot.i18n.t(f"bridge.language.{language.value}", reader_locale(interaction)),
        ) + self._permission_warnings(interaction, channel), ephemeral=True)


def _partner_name(channel, channel_id: int) -> str:
    if channel is None or getattr(channel, "guild", None) is None:
        return f"#{channel_id}"
    return f"{channel.guild.name} › #{channel.name}"


def partner_channel_label(bot, channel_id: int, viewer_guild_id: int) -> str:
    """`<#id>` for the viewer's own channels; "Server › #name" for a partner server's (a mention
    of a channel in another server shows as unknown)."""
    channel = bot.get_channel(channel_id)
    if channel is not None and getattr(channel, "guild", None) is not None and channel.guild.id != viewer_guild_id:
        return _partner_name(channel, channel_id)
    return f"<#{channel_id}>"

