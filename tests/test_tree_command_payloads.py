"""The whole command tree as real Discord would take it at sync time: names, descriptions and the
zh-CN / zh-TW localisations from the catalogues, choice lengths, option order and counts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from babel.messages.pofile import read_po

from bot.app import open_bot
from bot.i18n import DEFAULT_LOCALE_DIR
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.commands import chat_input_name_problem
from discord_double.server import DiscordDouble


async def test_every_command_syncs_under_discords_rules(discord_double: DiscordDouble, tmp_path: Path) -> None:
    discord_double.create_guild("Everything")
    settings = dataclasses.replace(
        Settings.from_env({}, require_token=False),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'q.sqlite3'}",
        discord_api_base_url=discord_double.api_base_url, discord_gateway_url=discord_double.gateway_url,
    )
    async with open_bot(settings, guild_ready_timeout=0.05) as bot:
        async with run_client(bot, discord_double):
            assert not bot.failed_extensions, bot.failed_extensions
            synced = await bot.tree.sync()  # the double answers 400 50035 for anything Discord refuses
    names = {command.name for command in synced}
    assert {"bridge", "cattax", "topics", "modules"} <= names
    for command in discord_double.world.commands[None]:
        if command["type"] == 1:
            assert set((command.get("description_localizations") or {})) <= {"zh-CN", "zh-TW"}


def _catalogue_entries():
    for path in sorted(DEFAULT_LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if isinstance(message.id, str) and message.id.startswith("commands.") and message.string:
                yield path, message.id, message.string


def test_command_strings_in_every_catalogue_fit_discords_limits() -> None:
    problems = []
    seen = 0
    for path, key, text in _catalogue_entries():
        seen += 1
        where = f"{path.parent.parent.name}/{path.name}: {key} = {text!r}"
        is_name = key.endswith(".name") and ".param." not in key and ".choice." not in key
        if is_name and "menu" not in key:
            if chat_input_name_problem(text):
                problems.append(f"{where}: not a valid command/option name (lowercase, 1-32, no spaces)")
        elif is_name:
            if not 1 <= len(text) <= 32:
                problems.append(f"{where}: context-menu name must be 1-32 characters")
        elif not 1 <= len(text) <= 100:
            problems.append(f"{where}: {len(text)} characters, Discord allows 1-100")
    assert seen > 50
    assert not problems, "\n".join(problems)
