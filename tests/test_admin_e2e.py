"""Per-server modules, moderator checks, localised command metadata and deliberate sync."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import open_bot
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclasses.dataclass
class Server:
    double: DiscordDouble
    guild: object
    general: object
    logs: object
    moderator: object
    member: object
    database_url: str

    @contextlib.asynccontextmanager
    async def bot(self) -> AsyncIterator[object]:
        settings = dataclasses.replace(
            Settings.from_env({}, require_token=False),
            database_url=self.database_url,
            discord_api_base_url=self.double.api_base_url,
            discord_gateway_url=self.double.gateway_url,
        )
        async with open_bot(settings, extensions=("cogs.admin", "cogs.bridge"), guild_ready_timeout=0.05) as bot:
            async with run_client(bot, self.double):
                assert not bot.failed_extensions, bot.failed_extensions
                yield bot

    async def run(self, who, command: str, locale: str = "en-US", **options):
        handle = await self.double.invoke_slash(who, command, channel=self.general, options=options, locale=locale)
        await handle.wait_response()
        return handle


@pytest.fixture
async def server(discord_double: DiscordDouble, tmp_path: Path) -> Server:
    guild = discord_double.create_guild("Modules")
    general = discord_double.create_channel(guild, "general")
    logs = discord_double.create_channel(guild, "mod-log")
    moderator = discord_double.add_member(guild, "mod", display_name="Mod")
    discord_double.give_role(moderator, discord_double.create_role(guild, "mods", permissions=["manage_guild"]))
    member = discord_double.add_member(guild, "newcomer", display_name="Newcomer")
    return Server(discord_double, guild, general, logs, moderator, member, f"sqlite+aiosqlite:///{tmp_path / 'q.sqlite3'}")


async def test_a_disabled_module_answers_with_a_clear_localised_message(server: Server) -> None:
    async with server.bot():
        done = await server.run(server.moderator, "modules disable", name="bridge")
        assert done.ephemeral and "off" in done.response_text
        refused = await server.run(server.moderator, "bridge list", locale="zh-CN")
        assert refused.ephemeral
        assert "已关闭" in refused.response_text and "/modules enable" in refused.response_text


async def test_module_switches_survive_a_restart(server: Server) -> None:
    async with server.bot():
        await server.run(server.moderator, "modules disable", name="cattax")
    async with server.bot():
        listing = await server.run(server.moderator, "modules list")
    lines = {line.split("`")[1]: line for line in listing.response_text.splitlines()}
    assert lines["cattax"].endswith("off") and lines["bridge"].endswith("on")


@pytest.mark.parametrize("command", ["modules list", "modules enable", "modules disable", "qiao log-channel"])
async def test_members_without_manage_server_are_refused_privately(server: Server, command: str) -> None:
    options = {"name": "topics"} if command.startswith("modules e") or command.startswith("modules d") else {}
    async with server.bot() as bot:
        refused = await server.run(server.member, command, locale="zh-TW", **options)
        assert refused.ephemeral
        assert refused.response_text == bot.i18n.t("core.error.not_moderator", "zh-TW")
        assert await bot.guild_config.module_enabled(server.guild.id, "topics") is True


async def test_moderator_notices_go_to_the_configured_log_channel(server: Server) -> None:
    async with server.bot() as bot:
        await server.run(server.moderator, "qiao log-channel", channel=server.logs)
        guild = bot.get_guild(server.guild.id)
        sent = await bot.moderator_notices.notify_once(guild, "test-problem", "core.log_channel.cleared")
        again = await bot.moderator_notices.notify_once(guild, "test-problem", "core.log_channel.cleared")
        notice = await server.double.wait_for_message(server.logs, lambda view: view.is_bot)
    assert (sent, again) == (True, False)
    assert "system channel" in notice.content and "系统频道" in notice.content
    assert [view for view in server.double.view(server.logs) if view.is_bot] == [notice]


async def test_sync_is_a_deliberate_command_with_localised_descriptions(server: Server, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(REPO_ROOT),
        "DISCORD_TOKEN": server.double.token, "DISCORD_API_BASE_URL": server.double.api_base_url,
        "DISCORD_GATEWAY_URL": server.double.gateway_url, "DATABASE_URL": server.database_url.replace("+aiosqlite", ""),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sync", "--guild", str(server.guild.id), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output = (await asyncio.wait_for(process.communicate(), 60))[0].decode()
    assert process.returncode == 0, output
    assert f"to server {server.guild.id}" in output
    synced = {command["name"]: command for command in server.double.world.commands[server.guild.id]}
    assert {"modules", "qiao", "bridge"} <= set(synced)
    modules = synced["modules"]
    assert modules["description_localizations"]["zh-CN"] == "为此服务器开启或关闭 Qiao 的功能"
    assert modules["description_localizations"]["zh-TW"] == "為此伺服器開啟或關閉 Qiao 的功能"
    assert int(modules["default_member_permissions"]) == 0x20, "hidden from non-moderators by default"
