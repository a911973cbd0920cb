"""QA harness: the real bot (bot.app.open_bot with ALL cogs) against the Discord double, a fake
Microsoft Translator on 127.0.0.1 and a temp SQLite database, plus checks a bilingual reviewer
would make on every reply (language, script, raw keys, pings)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import opencc
import pytest
from discord import app_commands

from bot.app import open_bot
from bot.client import DEFAULT_EXTENSIONS
from bot.settings import Settings
from discord_double.client import run_client
from discord_double.server import DiscordDouble
from tests.translation.fake_servers import FakeDictionary, FakeMicrosoft

ALL_COGS = ("cogs.admin", "cogs.bridge", "cogs.cattax", "cogs.topics", "cogs.guidance", "cogs.people", "cogs.flags",
            "cogs.welcome")
LOCALES = ("en-US", "zh-CN", "zh-TW")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

# What the fake translator knows; anything else comes back as a marked echo (〔译〕...).
TRANSLATIONS = [
    ("Good morning everyone, how are you today?", "大家早上好，你们今天好吗？"),
    ("This is my cat, her name is Mimi.", "这是我的猫，她叫咪咪。"),
    ("I saw the photo of the man standing in front of the tanks", "我看到了坦克人的照片"),
    ("How much is rent in your city?", "你们城市的房租是多少？"),
    ("Hello friends", "朋友们好"),
]


@dataclasses.dataclass
class World:
    double: DiscordDouble
    translator: FakeMicrosoft
    database_url: str
    guild: Any
    general: Any
    english: Any
    chinese: Any
    cat_tax: Any
    mod_log: Any
    category: Any
    forum: Any
    moderator: Any
    alice: Any
    wang: Any
    mods_role: Any
    tax_role: Any
    bot: Any = None
    hidden: Any = None

    def settings(self) -> Settings:
        env = {"TRANSLATOR": "microsoft", "TRANSLATION_TIMEOUT": "2", **self.translator.env()}
        return dataclasses.replace(
            Settings.from_env(env, require_token=False), discord_token=self.double.token,
            database_url=self.database_url, discord_api_base_url=self.double.api_base_url,
            discord_gateway_url=self.double.gateway_url,
        )

    @contextlib.asynccontextmanager
    async def running(self, sync: bool = True) -> AsyncIterator[Any]:
        async with open_bot(self.settings(), extensions=ALL_COGS, guild_ready_timeout=0.05) as bot:
            async with run_client(bot, self.double):
                assert not bot.failed_extensions, bot.failed_extensions
                if sync:
                    await bot.tree.sync()
                cattax = bot.get_cog("CatTax")
                if cattax is not None:
                    cattax.nudge_lifetime = 0.3
                guidance = bot.get_cog("Guidance")
                if guidance is not None:
                    guidance.fallback_reply_seconds = 60.0
                bridge = getattr(bot, "bridge_relay", None)
                if bridge is not None:
                    bridge.engine.fill_in_delays = (0.3, 0.5, 1.0, 2.0, 4.0)
                self.bot = bot
                try:
                    yield bot
                finally:
                    await handlers_finished()

    async def slash(self, member, command: str, *, locale: str = "en-US", where=None, wait: bool = True, **options):
        handle = await self.double.invoke_slash(member, command, channel=where or self.general,
                                                options=options, locale=locale)
        if wait:
            with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                await handle.wait_response()
            if handle.deferred:
                with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                    # Generous: /bridge stats draws a chart, seconds on a busy machine.
                    await self.double.wait_for(lambda: handle.response_text or handle.followups, 60)
        return handle

    def attachment(self, filename: str, data: bytes, channel=None) -> dict:
        return self.double.world.make_attachment((channel or self.general).id, filename, data)

    async def settle(self, seconds: float = 0.3) -> None:
        await asyncio.sleep(seconds)

    def bot_views(self, channel) -> list:
        return [v for v in self.double.view(channel) if v.is_bot and not v.ephemeral]


async def handlers_finished(timeout: float = 5.0) -> None:
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current and t.get_name().startswith("discord.py: on_")]
    if pending:
        await asyncio.wait(pending, timeout=timeout)


@pytest.fixture
async def translator() -> AsyncIterator[FakeMicrosoft]:
    async with FakeMicrosoft(FakeDictionary(TRANSLATIONS)) as server:
        yield server


@pytest.fixture
async def world(discord_double: DiscordDouble, translator: FakeMicrosoft, sqlite_url: str) -> World:
    double = discord_double
    double.ratelimiter.config.enabled = False
    guild = double.create_guild("Bridge Club", owner="owner")
    general = double.create_channel(guild, "general")
    english = double.create_channel(guild, "english")
    chinese = double.create_channel(guild, "chinese")
    cat_tax = double.create_channel(guild, "cat-tax")
    mod_log = double.create_channel(guild, "mod-log")
    category = double.create_channel(guild, "Stuff", type="category")
    forum = double.create_channel(guild, "forum", type="forum")
    mods_role = double.create_role(guild, "mods", permissions=["manage_guild"])
    moderator = double.add_member(guild, "mod", display_name="Mod", roles=[mods_role])
    alice = double.add_member(guild, "alice", display_name="Alice")
    wang = double.add_member(guild, "wang", display_name="王伟")
    tax_role = double.create_role(guild, "Tax Paid")
    return World(double, translator, sqlite_url, guild, general, english,
                 chinese, cat_tax, mod_log, category, forum, moderator, alice, wang, mods_role, tax_role)


# ---- what a reviewer checks on every reply ---------------------------------------------------

_T2S = opencc.OpenCC("t2s")
_S2TW = opencc.OpenCC("s2tw")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
RAW_KEY = re.compile(r"(?<![\w/.:-])[a-z][a-z0-9_]*(?:\.[a-z0-9_]+){2,}(?![\w/-])")
PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\}")
# Quoted names/terms an English reply may show as they are.
_QUOTED = re.compile(r"`[^`]*`|\*\*[^*]*\*\*|\"[^\"]*\"|“[^”]*”|「[^」]*」|<[#@&!]?\d+>|\([^)]*[\u3400-\u9fff][^)]*\)")


def traditional_only(text: str) -> set[str]:
    return {c for c in set(text) if _HAN.match(c) and _T2S.convert(c) != c}


def simplified_only(text: str) -> set[str]:
    return {c for c in set(text) if _HAN.match(c) and _S2TW.convert(c) != c}


# Lists of literal keywords in parentheses, as the guidance cog shows them (the words people type).
_KEYWORD_LIST = re.compile(r"（[^）]*）|\([^)]*\)")


def language_problems(text: str, locale: str, allowed: tuple[str, ...] = (), *, public: bool = False) -> list[str]:
    """Why `text` does not read as a reply in `locale` (empty when it does). A public reply may be
    bilingual (English and Chinese, for both sides of the server) but must still suit the caller."""
    problems: list[str] = []
    if not text.strip():
        return ["empty reply"]
    for key in RAW_KEY.findall(text):
        if not re.search(r"\.(com|org|net|io|png|jpg|csv|txt|py)\b", key):
            problems.append(f"raw key {key!r}")
    if PLACEHOLDER.search(text):
        problems.append(f"unfilled placeholder {PLACEHOLDER.findall(text)}")
    stripped = text
    for name in allowed:
        stripped = stripped.replace(name, "")
    if locale == "en-US":
        plain = _QUOTED.sub("", stripped)
        if public and re.search(r"[A-Za-z]{3,}", plain):
            plain = ""
        if _HAN.search(plain):
            problems.append(f"Han characters in an English reply: {''.join(sorted(set(_HAN.findall(plain))))}")
    else:
        stripped = re.sub(r"`[^`]*`|<[#@&!]?\d+>", "", _KEYWORD_LIST.sub("", stripped))
        if not _HAN.search(stripped):
            problems.append("no Chinese in a Chinese reply")
        if locale == "zh-CN" and (bad := traditional_only(stripped)):
            problems.append(f"Traditional-only characters in zh-CN: {''.join(sorted(bad))}")
        if locale == "zh-TW" and (bad := simplified_only(stripped)):
            problems.append(f"Simplified-only characters in zh-TW: {''.join(sorted(bad))}")
    return problems


def embed_text(embeds: list[dict]) -> str:
    parts: list[str] = []
    for embed in embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for field in embed.get("fields") or []:
            parts += [field.get("name") or "", field.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
        parts.append((embed.get("author") or {}).get("name") or "")
    return "\n".join(p for p in parts if p)


def component_text(components: list[dict]) -> str:
    parts: list[str] = []
    for row in components or []:
        for item in row.get("components", []) or [row]:
            parts.append(item.get("label") or "")
            parts.append(item.get("placeholder") or "")
            for option in item.get("options") or []:
                parts += [option.get("label") or "", option.get("description") or ""]
    return "\n".join(p for p in parts if p)


def reply_text(handle) -> str:
    """Everything the invoker reads: the original response and follow-ups, embeds and buttons."""
    messages = ([handle.message] if handle.message is not None else []) + list(handle.followups)
    parts = []
    for message in messages:
        parts += [message.content or "", embed_text(message.embeds), component_text(message.components)]
    if handle.response_type == 7 and not messages:
        parts.append(handle.response_text or "")
    return "\n".join(p for p in parts if p)


def pings(double: DiscordDouble, since_id: int = 0) -> list[str]:
    """Every message after `since_id` that notified someone (Qiao should never ping)."""
    found = []
    for message in list(double.world.messages.values()):
        if message.id <= since_id or not (message.author.bot or message.webhook_id):
            continue
        guild = double.world.guilds.get(double.world.channels[message.channel_id].guild_id) if message.channel_id in double.world.channels else None
        view = double._render(message, guild)
        if view.notified_user_ids or view.pinged_roles or view.pinged_everyone:
            found.append(f"{message.content[:80]!r} pinged users={view.notified_user_ids} "
                         f"roles={view.pinged_roles} everyone={view.pinged_everyone}")
    return found


def last_id(double: DiscordDouble) -> int:
    return max(double.world.messages, default=0)


def is_moderator_only(command: app_commands.Command | app_commands.ContextMenu) -> bool:
    node: Any = command
    while node is not None:
        perms = getattr(node, "default_permissions", None)
        if perms is not None and (perms.manage_guild or perms.administrator):
            return True
        for check in getattr(node, "checks", []):
            if "moderator_only" in getattr(check, "__qualname__", ""):
                return True
        node = getattr(node, "parent", None)
    return False


def all_slash_commands(bot) -> list[app_commands.Command]:
    return [c for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)]


def all_context_menus(bot) -> list[app_commands.ContextMenu]:
    return [*bot.tree.get_commands(type=discord.AppCommandType.message),
            *bot.tree.get_commands(type=discord.AppCommandType.user)]
