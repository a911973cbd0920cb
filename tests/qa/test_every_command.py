"""Every slash command and context menu of the synced tree, all cogs loaded together, invoked by a
moderator and by a plain member in en-US, zh-CN and zh-TW, the way people would.

The reply must arrive within the interaction, be in the caller's language and script, show no raw
message key or `{placeholder}`, ping nobody, and moderator-only commands must refuse members
privately in their language. A command added to the tree without an entry in COMMANDS fails
`test_every_command_in_the_tree_is_covered`, so new commands get covered too.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import discord
import pytest
from discord import app_commands

from tests.qa.conftest import (
    LOCALES, PNG, World, all_context_menus, all_slash_commands, is_moderator_only, language_problems, last_id, pings,
    reply_text,
)

# Every command of the tree -> options besides those filled from autocomplete (a callable gets the world).
# `None` as a value means "ask autocomplete what to pick, as a user would".
COMMANDS: dict[str, dict[str, Any]] = {
    "modules list": {},
    "modules enable": {"name": "topics"},
    "modules disable": {"name": "topics"},
    "qiao log-channel": {"channel": lambda w: w.mod_log},
    "bridge glossary add": {"term": "cat tax", "translation": "猫税"},
    "bridge glossary remove": {"term": "cat tax"},
    "bridge glossary list": {},
    "bridge invite": {"channel": lambda w: w.general},
    "bridge accept": {"code": "NOPE-1234", "channel": lambda w: w.general, "language": "en"},
    "bridge optout": {},
    "bridge optin": {},
    "bridge stats": {},
    "bridge link": {"english": lambda w: w.english, "chinese": lambda w: w.chinese},
    "bridge mixed": {"channel": lambda w: w.general},
    "bridge unlink": {"channel": lambda w: w.chinese},
    "bridge list": {},
    "bridge settings": {"channel": lambda w: w.chinese, "script": "traditional"},
    "cattax setup": {"channel": lambda w: w.cat_tax, "role": lambda w: w.tax_role},
    "cattax disable": {},
    "cattax status": {},
    "cattax options": {"thank_in_channel": True},
    "cattax leaderboard": {},
    "cattax random": {},
    "topics seed": {},
    "topics unarchive": {"topic": None},
    "topics script": {"value": "traditional"},
    "topics create": {"name_en": "Board games", "name_zh": "桌游", "description": "Catan, Go, mahjong"},
    "topics rename": {"topic": None, "name_en": "Cats and dogs"},
    "topics archive": {"topic": None},
    "topics schedule": {"topic": None, "hour": 20, "timezone": None},
    "topics addprompt": {"topic": None, "en": "What did you eat today?", "zh": "你今天吃了什么？"},
    "topics prompt": {"topic": None},
    "topics join": {"topic": None},
    "topics leave": {"topic": None},
    "topics mine": {},
    "topics list": {},
    "guidance check": {"text": "I saw the photo of the man standing in front of the tanks"},
    "guidance topics": {"category": None},
    "guidance mute": {},
    "guidance unmute": {},
    "guidance mode": {"mode": "reply"},
    "guidance category": {"name": None, "enabled": True},
    "guidance add": {"term": "hexie", "explanation_en": "Slang for censorship.", "explanation_zh": "指审查的俚语。"},
    "guidance remove": {"term": None},
    "guidance import": {"file": lambda w: w.attachment("list.txt", "草泥马\n河蟹\n".encode())},
    "guidance undo-import": {},
    "language": {"language": "discord"},  # a fixed language would answer every later locale in it
    "welcome setup": {"channel": lambda w: w.general},
    "welcome test": {},
    "welcome disable": {},
    "qiao forget-me": {},
    "qiao forget-member": {"user": lambda w: w.alice},
}
CONTEXT_MENUS = ("Translate",)

# Names that may show as they are in any language (server data, not UI text).
NAMES = ("Bridge Club", "Cats and dogs", "Board games", "桌游", "猫咪", "猫税", "Tax Paid", "王伟", "Alice", "Mod",
         "草泥马", "河蟹", "hexie", "Cats", "Catan, Go, mahjong", "cat tax")


async def prepare(world: World) -> None:
    """A lived-in server: a bridge, a cat-tax channel, a topic room, a guidance term."""
    for command, options in [
        ("bridge link", {"english": world.english, "chinese": world.chinese}),
        ("cattax setup", {"channel": world.cat_tax, "role": world.tax_role}),
        ("topics create", {"name_en": "Cats", "name_zh": "猫咪"}),
        ("guidance add", {"term": "河蟹", "explanation_en": "Slang for censorship.", "explanation_zh": "指审查的俚语。"}),
        ("bridge glossary add", {"term": "cat tax", "translation": "猫税"}),
    ]:
        handle = await world.slash(world.moderator, command, **options)
        assert handle.responded, command


async def options_for(world: World, member, command: str, locale: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name, value in COMMANDS[command].items():
        if callable(value):
            options[name] = value(world)
        elif value is not None:
            options[name] = value
    for name, value in COMMANDS[command].items():
        if value is None:
            handle = await world.double.invoke_autocomplete(member, command, channel=world.general, options={**_wire(options), name: ""},
                                                            focused=name, locale=locale)
            await handle.wait_response()
            choices = handle.choices or []
            if choices:
                options[name] = choices[0]["value"]
            else:
                options[name] = "cats"
    return options


def _wire(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if isinstance(v, (str, int, bool))}


def find_command(bot, qualified: str) -> app_commands.Command:
    return next(c for c in all_slash_commands(bot) if c.qualified_name == qualified)


async def test_every_command_in_the_tree_is_covered(world: World) -> None:
    async with world.running() as bot:
        names = {c.qualified_name for c in all_slash_commands(bot)}
        menus = {c.name for c in all_context_menus(bot)}
    assert names - set(COMMANDS) == set(), "new commands need an entry in tests/qa COMMANDS"
    assert menus - set(CONTEXT_MENUS) == set(), "new context menus need an entry in tests/qa CONTEXT_MENUS"


def _dump(label: str, handle, text: str) -> None:
    if path := os.environ.get("PYTEST_QA_DUMP"):
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"=== {label} [type={handle.response_type} ephemeral={handle.ephemeral}]\n{text}\n")


XFAIL: dict[str, str] = {}


@pytest.mark.parametrize("command", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=XFAIL[c])) if c in XFAIL else c for c in sorted(COMMANDS)
])
async def test_command_for_moderators_and_members_in_every_language(
    world: World, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    problems: list[str] = []
    async with world.running() as bot:
        await prepare(world)
        definition = find_command(bot, command)
        moderator_only = is_moderator_only(definition)
        start = last_id(world.double)
        for who, member in (("moderator", world.moderator), ("member", world.alice)):
            for locale in LOCALES:
                options = await options_for(world, member, command, locale)
                handle = await world.slash(member, f"{command}", locale=locale, **options)
                label = f"/{command} by {who} in {locale}"
                if not handle.responded:
                    problems.append(f"{label}: no response (interaction failed)")
                    continue
                text = reply_text(handle)
                _dump(label, handle, text)
                for problem in language_problems(text, locale, NAMES, public=not handle.ephemeral):
                    problems.append(f"{label}: {problem}: {text[:300]!r}")
                if who == "member" and moderator_only:
                    refusal = bot.i18n.t("core.error.not_moderator", locale)
                    if not handle.ephemeral or refusal not in text:
                        problems.append(f"{label}: not refused privately: ephemeral={handle.ephemeral} {text[:200]!r}")
        await world.settle(0.3)
        problems += [f"/{command}: ping: {p}" for p in pings(world.double, start)]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    problems += [f"/{command}: ERROR logged: {e}" for e in errors]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
async def test_translate_menu_for_moderators_and_members(world: World, locale: str, caplog) -> None:
    caplog.set_level(logging.ERROR)
    problems = []
    async with world.running():
        await prepare(world)
        start = last_id(world.double)
        english = await world.double.post(world.wang, world.general, "Good morning everyone, how are you today?")
        chinese = await world.double.post(world.alice, world.general, "这是我的猫，她叫咪咪。")
        for who, member in (("moderator", world.moderator), ("member", world.alice)):
            for target in (english, chinese):
                handle = await world.double.invoke_message_command(member, "Translate", target, locale=locale)
                await handle.wait_response()
                if handle.deferred:
                    await world.double.wait_for(lambda: handle.response_text or handle.followups, 10)
                text = reply_text(handle)
                label = f"Translate by {who} in {locale} on {target.content!r}"
                if not handle.ephemeral:
                    problems.append(f"{label}: the translation is not private")
                # The translated text itself is in the caller's language; the original may be quoted.
                for problem in language_problems(text.replace(target.content, ""), locale, NAMES):
                    problems.append(f"{label}: {problem}: {text[:300]!r}")
        await world.settle(0.3)
        problems += [f"ping: {p}" for p in pings(world.double, start)]
    problems += [f"ERROR logged: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, "\n".join(problems)
