"""Text that tells a person to run a command mentions it (`</bridge optin:ID>`) with the id Discord
gave it at the last sync, learned from the sync answer or fetched at start-up; plain `/bridge optin`
only while the id is unknown. Every command named in a catalogue is a real command of the tree."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.app import open_bot
from bot.command_mentions import CommandMentions
from bot.i18n import SUPPORTED_LOCALES, I18n, placeholders
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble

CATALOGUES = I18n.load()


def settings_for(double: DiscordDouble, tmp_path: Path) -> Settings:
    return dataclasses.replace(
        Settings.from_env({}, require_token=False),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'q.sqlite3'}",
        discord_api_base_url=double.api_base_url, discord_gateway_url=double.gateway_url,
    )


def synced_id(double: DiscordDouble, name: str, guild_id: int | None = None) -> str:
    return next(c["id"] for c in double.world.commands[guild_id] if c["name"] == name and c["type"] == 1)


@pytest.fixture
def server(discord_double: DiscordDouble):
    guild = discord_double.create_guild("Mentions")
    channel = discord_double.create_channel(guild, "general")
    member = discord_double.add_member(guild, "ana", display_name="Ana")
    return guild, channel, member


async def optout_answer(double: DiscordDouble, member, channel, locale: str = "en-US") -> str:
    handle = await double.invoke_slash(member, "bridge optout", channel=channel, locale=locale)
    return await handle.wait_text()


async def test_a_reply_mentions_the_command_with_the_id_of_the_sync(discord_double, server, tmp_path) -> None:
    guild, channel, member = server
    async with open_bot(settings_for(discord_double, tmp_path), guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            await bot.tree.sync()
            text = await optout_answer(discord_double, member, channel, locale="zh-CN")
    assert f"</bridge optin:{synced_id(discord_double, 'bridge')}>" in text
    assert "/bridge optin" not in text.replace("</bridge optin:", "")


async def test_ids_synced_by_another_process_are_fetched_at_start(discord_double, server, tmp_path) -> None:
    guild, channel, member = server
    async with open_bot(settings_for(discord_double, tmp_path), guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            await bot.tree.sync()  # what `python -m bot sync` does, in a process of its own
    async with open_bot(settings_for(discord_double, tmp_path), guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            await discord_double.wait_for(lambda: bot.command_ids_task.done())
            text = await optout_answer(discord_double, member, channel)
            moderator_text = bot.i18n.t("core.error.module_disabled", "en-US", module="Cat tax")
    assert discord_double.requests_to("GET", f"/applications/{discord_double.application_id}/commands")
    assert f"</bridge optin:{synced_id(discord_double, 'bridge')}>" in text
    assert f"</modules enable:{synced_id(discord_double, 'modules')}>" in moderator_text


async def test_commands_synced_to_one_server_are_mentioned_with_that_servers_ids(discord_double, server, tmp_path) -> None:
    guild, channel, member = server
    async with open_bot(settings_for(discord_double, tmp_path), guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            target = bot.get_guild(guild.id)
            bot.tree.copy_global_to(guild=target)
            await bot.tree.sync(guild=target)  # `python -m bot sync --guild`
    async with open_bot(settings_for(discord_double, tmp_path), guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            await discord_double.wait_for(lambda: bot.command_ids_task.done())
            text = await optout_answer(discord_double, member, channel)
            elsewhere = bot.i18n.mentions.mention("bridge optin", guild_id=guild.id + 1)
    assert f"</bridge optin:{synced_id(discord_double, 'bridge', guild.id)}>" in text
    assert elsewhere == "/bridge optin"  # another server has no such command: plain text, no broken mention


async def test_before_any_sync_the_text_names_the_command_plainly(discord_double, server, tmp_path) -> None:
    guild, channel, member = server
    async with open_bot(settings_for(discord_double, tmp_path), guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            await discord_double.wait_for(lambda: bot.command_ids_task.done())
            text = await optout_answer(discord_double, member, channel)
    assert "/bridge optin" in text and "</" not in text


async def test_a_failed_fetch_leaves_plain_names_and_the_bot_running(discord_double, server, tmp_path) -> None:
    guild, channel, member = server
    discord_double.faults.fail("GET /applications/*/commands", status=403, times=1)
    async with open_bot(settings_for(discord_double, tmp_path), guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            await discord_double.wait_for(lambda: bot.command_ids_task.done())
            assert bot.command_ids_task.exception() is None
            text = await optout_answer(discord_double, member, channel)
    assert "/bridge optin" in text and "</" not in text


def test_a_mention_carries_subcommands_and_groups() -> None:
    mentions = CommandMentions()
    mentions.learn([("bridge", 111), ("topics", 222)])
    mentions.learn([("bridge", 333)], guild_id=9)
    assert mentions.mention("bridge glossary add") == "</bridge glossary add:111>"
    assert mentions.mention("/topics join") == "</topics join:222>"
    assert mentions.mention("bridge optin", guild_id=9) == "</bridge optin:333>"
    with CommandMentions.for_guild(9):
        assert mentions.mention("bridge optin") == "</bridge optin:333>"
    assert mentions.mention("cattax setup") == "/cattax setup"
    mentions.learn([], guild_id=9)
    assert mentions.mention("bridge optin", guild_id=9) == "</bridge optin:111>"


_COMMAND_WORDS = r"(bridge|cattax|topics|guidance|modules|qiao|language|welcome)\b"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalogues_name_commands_only_through_mention_placeholders(locale: str) -> None:
    plain = {key: text for key, text in CATALOGUES.catalogues[locale].items()
             if not key.startswith("commands.") and re.search(r"(?<![{<\w])/" + _COMMAND_WORDS, text)}
    assert plain == {}


async def test_every_mentioned_command_exists_in_the_tree(discord_double, tmp_path) -> None:
    async with open_bot(settings_for(discord_double, tmp_path), guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            assert not bot.failed_extensions
            real = {command.qualified_name for command in bot.tree.walk_commands()}
    named = {name[1:] for text in CATALOGUES.catalogues["en-US"].values() for name in placeholders(text) if name.startswith("/")}
    assert named and named - real == set()
