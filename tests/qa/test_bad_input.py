"""Bad input for every command with free-text or attachment options, wrong channel types, deleted
channels and roles, unknown topics/terms/codes: a clear localised reply, nothing crashes (no ERROR
logged), nobody pinged, nothing lost."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import pytest

from tests.qa.conftest import PNG, World, all_slash_commands, language_problems, last_id, pings, reply_text
from tests.qa.test_every_command import NAMES as _NAMES, prepare

NAMES = (*_NAMES, "猫")

LONG = "cat " * 550  # 2,200 characters
BAD_TEXT = {
    "empty": "",
    "long": LONG,
    "zero-width": "\u200b\u200c\u200d\ufeff",
    "emoji": "🐱🐶🐼",
    "mentions": "@everyone @here <@{alice}> <@&{role}> hi",
}

# command -> (fixed options, the free-text options to spoil)
FREE_TEXT: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "bridge glossary add": ({"term": "cat", "translation": "猫"}, ("term", "translation")),
    "bridge glossary remove": ({"term": "cat"}, ("term",)),
    "bridge accept": ({"code": "x", "channel": "general", "language": "en"}, ("code",)),
    "cattax setup": ({"channel": "cat_tax"}, ("emoji",)),
    "topics create": ({"name_en": "Hiking", "name_zh": "徒步"}, ("name_en", "name_zh", "description", "emoji")),
    "topics rename": ({"topic": "cats"}, ("topic", "name_en", "name_zh")),
    "topics addprompt": ({"topic": "cats", "en": "Hi?", "zh": "你好？"}, ("topic", "en", "zh")),
    "topics schedule": ({"topic": "cats", "hour": 9}, ("topic", "timezone")),
    "topics join": ({"topic": "cats"}, ("topic",)),
    "topics prompt": ({"topic": "cats"}, ("topic",)),
    "guidance check": ({"text": "hi"}, ("text",)),
    "guidance add": ({"term": "hexie", "explanation_en": "Slang.", "explanation_zh": "俚语。"},
                     ("term", "explanation_en", "explanation_zh", "category")),
    "guidance remove": ({"term": "hexie"}, ("term",)),
    "guidance category": ({"name": "leaders", "enabled": False}, ("name",)),
    "guidance topics": ({}, ("category",)),
}


def _resolve(world: World, options: dict[str, Any]) -> dict[str, Any]:
    return {k: (getattr(world, v) if k == "channel" else v) for k, v in options.items()}


def _problems_for(world: World, handle, label: str, locale: str) -> list[str]:
    if not handle.responded:
        return [f"{label}: no response (interaction failed)"]
    text = reply_text(handle)
    problems = [f"{label}: {p}: {text[:200]!r}" for p in language_problems(text, locale, NAMES, public=not handle.ephemeral)]
    if not handle.ephemeral:
        problems.append(f"{label}: an error/confirmation for bad input was posted publicly: {text[:200]!r}")
    return problems


@pytest.mark.parametrize("command", sorted(FREE_TEXT))
async def test_free_text_options_survive_bad_input(world: World, command: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    fixed, spoiled = FREE_TEXT[command]
    problems: list[str] = []
    async with world.running():
        await prepare(world)
        start = last_id(world.double)
        locales = ["zh-CN", "zh-TW", "en-US"]
        i = 0
        for option in spoiled:
            for kind, template in BAD_TEXT.items():
                value = template.format(alice=world.alice.user.id, role=world.mods_role.id)
                locale = locales[i % 3]
                i += 1
                options = {**_resolve(world, fixed), option: value}
                handle = await world.slash(world.moderator, command, locale=locale, **options)
                problems += _problems_for(world, handle, f"/{command} {option}={kind} in {locale}", locale)
        await world.settle(0.3)
        problems += [f"ping: {p}" for p in pings(world.double, start)]
        # Nothing lost: the bridge still relays after all that.
        await world.double.post(world.alice, world.english, "Hello friends")
        relayed = await world.double.wait_for(
            lambda: [v for v in world.double.view(world.chinese) if v.webhook_id], 8)
        assert relayed
    problems += [f"ERROR logged: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, "\n".join(problems)


async def test_too_long_options_are_refused_privately_in_the_callers_language(world: World) -> None:
    async with world.running() as bot:
        for locale in ("en-US", "zh-CN", "zh-TW"):
            handle = await world.slash(world.moderator, "bridge glossary add", locale=locale, term=LONG, translation="猫")
            assert handle.ephemeral
            assert reply_text(handle) == bot.i18n.t("core.error.option_too_long", locale, option="term", limit=100,
                                                    length=len(LONG))
            handle = await world.slash(world.moderator, "topics schedule", locale=locale, topic="cats", hour=9,
                                       timezone=LONG)
            assert reply_text(handle) == bot.i18n.t("core.error.option_too_long", locale, option="timezone", limit=64,
                                                    length=len(LONG))


async def test_every_option_has_a_length_limit_discord_can_enforce(world: World) -> None:
    """Free text options declare max_length (the client refuses more); required ones min_length too."""
    async with world.running() as bot:
        loose = [
            f"/{command.qualified_name} {parameter.name}"
            for command in all_slash_commands(bot) for parameter in command.parameters
            if parameter.type is discord.AppCommandOptionType.string and not parameter.choices
            and (parameter.max_value is None or (parameter.required and not parameter.min_value))
        ]
    assert loose == []


async def test_autocomplete_answers_huge_input_at_once(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    problems = []
    async with world.running() as bot:
        await prepare(world)
        for command in all_slash_commands(bot):
            for parameter in command.parameters:
                if not parameter.autocomplete:
                    continue
                for value in (LONG, "🐱" * 90, "\u200b" * 50):
                    handle = await world.double.invoke_autocomplete(
                        world.moderator, command.qualified_name, channel=world.general,
                        options={parameter.display_name: value}, focused=parameter.display_name, locale="zh-TW")
                    try:
                        await handle.wait_response(timeout=2)
                    except (TimeoutError, asyncio.TimeoutError):
                        problems.append(f"/{command.qualified_name} {parameter.name}: no autocomplete answer in 2 s")
                        continue
                    if len(handle.choices or []) > 25:
                        problems.append(f"/{command.qualified_name} {parameter.name}: {len(handle.choices)} choices")
    problems += [f"ERROR logged: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, "\n".join(problems)


async def test_timezone_autocomplete_suggests_common_zones_first(world: World) -> None:
    async with world.running():
        await prepare(world)
        handle = await world.double.invoke_autocomplete(world.moderator, "topics schedule", channel=world.general,
                                                        options={"topic": "cats", "timezone": ""}, focused="timezone")
        await handle.wait_response()
    values = [choice["value"] for choice in handle.choices]
    assert values[:3] == ["America/New_York", "America/Los_Angeles", "America/Chicago"]
    assert {"Asia/Shanghai", "Asia/Taipei", "Europe/London", "Australia/Sydney"} <= set(values)
    assert "Africa/Abidjan" not in values


@pytest.mark.parametrize("upload", [
    ("empty.txt", b""),
    ("huge.txt", ("词" * 3000 + "\n").encode() * 200),
    ("cat.png", PNG),
    ("latin1.csv", "term,explanation\ncaf\xe9,x\n".encode("latin-1")),
    ("zero-width.txt", "\u200b\n\u200b\u200b\n".encode()),
    ("mentions.txt", "@everyone\n<@1>\n".encode()),
], ids=lambda u: u[0])
async def test_guidance_import_survives_bad_files(world: World, upload, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    problems: list[str] = []
    async with world.running():
        start = last_id(world.double)
        for locale in ("zh-CN", "zh-TW", "en-US"):
            handle = await world.slash(world.moderator, "guidance import", locale=locale,
                                       file=world.attachment(upload[0], upload[1]))
            problems += _problems_for(world, handle, f"/guidance import {upload[0]} in {locale}", locale)
            if upload[0].endswith(".png") and ("\x00" in reply_text(handle) or "塒" in reply_text(handle)):
                problems.append(f"/guidance import {upload[0]} in {locale}: a binary file was read as a keyword list")
        await world.settle(0.2)
        problems += [f"ping: {p}" for p in pings(world.double, start)]
    problems += [f"ERROR logged: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, "\n".join(problems)


# Discord's client only offers the channel types a command declares, so "wrong" channels are the ones
# a moderator can actually pick: the same channel twice, one Qiao cannot see, one already in use.
WRONG_CHANNELS = {
    "same channel on both sides": ("bridge link", {"english": "english", "chinese": "english"}),
    "hidden channel in a link": ("bridge link", {"english": "hidden", "chinese": "chinese"}),
    "hidden cat-tax channel": ("cattax setup", {"channel": "hidden"}),
    "hidden log channel": ("qiao log-channel", {"channel": "hidden"}),
    "linked channel made mixed": ("bridge mixed", {"channel": "english"}),
}


@pytest.mark.parametrize("case", sorted(WRONG_CHANNELS))
async def test_a_channel_that_cannot_work_is_refused_clearly(world: World, case: str, caplog) -> None:
    caplog.set_level(logging.ERROR)
    command, options = WRONG_CHANNELS[case]
    world.hidden = world.double.create_channel(world.guild, "staff-only")
    world.double.set_bot_permissions(world.hidden, deny=["view_channel"])
    async with world.running():
        await prepare(world)
        problems = []
        for locale in ("zh-CN", "zh-TW", "en-US"):
            handle = await world.slash(world.moderator, command, locale=locale,
                                       **{k: getattr(world, v) for k, v in options.items()})
            problems += _problems_for(world, handle, f"/{command} {case} in {locale}", locale)
    problems += [f"ERROR logged: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, "\n".join(problems)


UNKNOWN = [
    ("topics join", {"topic": "no-such-room"}),
    ("topics leave", {"topic": "no-such-room"}),
    ("topics archive", {"topic": "no-such-room"}),
    ("topics schedule", {"topic": "cats", "timezone": "Mars/Olympus_Mons"}),
    ("topics schedule", {"topic": "cats", "hour": 99}),
    ("guidance remove", {"term": "never-added"}),
    ("guidance category", {"name": "no-such-category", "enabled": True}),
    ("guidance topics", {"category": "no-such-category"}),
    ("bridge accept", {"code": "ZZZZ-0000", "channel": "general", "language": "zh"}),
    ("bridge glossary remove", {"term": "never-added"}),
    ("bridge unlink", {"channel": "general"}),
    ("bridge settings", {"channel": "general", "script": "traditional"}),
]


@pytest.mark.parametrize("command,options", UNKNOWN, ids=[f"{c}-{next(iter(o.values()))}" for c, o in UNKNOWN])
async def test_unknown_topics_terms_and_codes_get_a_clear_localised_answer(world: World, command, options, caplog) -> None:
    caplog.set_level(logging.ERROR)
    problems = []
    async with world.running():
        await prepare(world)
        for locale in ("zh-CN", "zh-TW", "en-US"):
            handle = await world.slash(world.moderator, command, locale=locale, **_resolve(world, options))
            problems += _problems_for(world, handle, f"/{command} {options} in {locale}", locale)
    problems += [f"ERROR logged: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, "\n".join(problems)


def delete_role(world: World, role) -> None:
    guild = world.double.world.guilds[world.guild.id]
    guild.roles.pop(role.id, None)
    for member in guild.members.values():
        if role.id in member.roles:
            member.roles.remove(role.id)
    world.double.world.emit("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)}, guild_id=guild.id)


async def test_a_deleted_bridged_channel_and_a_deleted_tax_role_break_nothing(world: World, caplog) -> None:
    caplog.set_level(logging.ERROR)
    extra = world.double.create_channel(world.guild, "chinese-2")
    async with world.running():
        await prepare(world)
        link = await world.slash(world.moderator, "bridge link", english=world.english, chinese=extra)
        assert link.responded
        world.double.world.delete_channel(world.chinese)
        delete_role(world, world.tax_role)
        await world.settle(0.2)
        problems = []
        for command in ("bridge list", "cattax status", "bridge stats"):
            for locale in ("zh-CN", "zh-TW", "en-US"):
                handle = await world.slash(world.moderator, command, locale=locale)
                problems += _problems_for(world, handle, f"/{command} in {locale}", locale)
        # The rest of the bridge still works.
        await world.double.post(world.alice, world.english, "Hello friends")
        copies = await world.double.wait_for(
            lambda: [v for v in world.double.view(extra) if v.webhook_id and "朋友们好" in v.content], 5)
        assert copies
        # A first-time payer still gets their thread though the role is gone.
        photo = await world.double.post(world.wang, world.cat_tax, "This is my cat, her name is Mimi.",
                                        attachments=[("mimi.png", PNG, "image/png")])
        assert await world.double.wait_for(lambda: world.double.thread_for(photo), 5)
        await world.settle(0.5)
    problems += [f"ERROR logged: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, "\n".join(problems)
