"""Command checks shared by every cog: moderators, per-server modules, guild-only."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

T = TypeVar("T")

MODERATOR_PERMISSIONS = discord.Permissions(manage_guild=True)


class UserFacingError(app_commands.AppCommandError):
    """An expected refusal, shown to the user as the localised message `key`."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


class NotModerator(app_commands.CheckFailure):
    pass


class ModuleDisabled(app_commands.CheckFailure):
    def __init__(self, module: str) -> None:
        super().__init__(module)
        self.module = module


class GuildOnly(app_commands.CheckFailure):
    pass


def is_moderator(interaction: discord.Interaction) -> bool:
    permissions = interaction.permissions
    return permissions.administrator or permissions.manage_guild


def moderator_only() -> Callable[[T], T]:
    """Hide the command from non-moderators by default and check again when it runs.

    Default permissions only apply to top-level commands and can be overridden by a server, so
    the run-time check is what actually holds.
    """

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise GuildOnly()
        if not is_moderator(interaction):
            raise NotModerator()
        return True

    def decorator(func: T) -> T:
        func = app_commands.default_permissions(manage_guild=True)(func)
        func = app_commands.guild_only()(func)
        return app_commands.check(predicate)(func)

    return decorator


def requires_module(module: str) -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise GuildOnly()
        if not await interaction.client.guild_config.module_enabled(interaction.guild_id, module):
            raise ModuleDisabled(module)
        return True

    return app_commands.check(predicate)


def role_grant_problem(role: discord.Role, guild: discord.Guild) -> str | None:
    """Why Qiao cannot give `role` to members ("everyone", "managed", "too_high"), or None."""
    if role.is_default():
        return "everyone"
    if role.managed:
        return "managed"
    if role >= guild.me.top_role and guild.owner_id != guild.me.id:
        return "too_high"
    return None
