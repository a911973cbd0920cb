"""The Bot subclass: owns no feature, holds the services cogs use, and shuts down in order."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import aiohttp
import discord
from discord.ext import commands, tasks

from bot.background import stop_loops
from bot.guild_config import GuildConfig
from bot.i18n import I18n
from bot.moderator_notices import ModeratorNotices
from bot.pipeline.detect import warm_up as warm_up_detection
from bot.settings import Settings
from bot.storage import Database
from bot.tree import CatalogueTranslator, QiaoTree

log = logging.getLogger(__name__)

TRANSLATION_CACHE_MAX_AGE = timedelta(days=30)

DEFAULT_EXTENSIONS: tuple[str, ...] = (
    "cogs.admin",
    "cogs.bridge",
    "cogs.cattax",
    "cogs.topics",
    "cogs.guidance",
    "cogs.learning",
)


def default_intents() -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    return intents


class QiaoBot(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        session: aiohttp.ClientSession,
        translation: Any,
        i18n: I18n | None = None,
        extensions: Sequence[str] = DEFAULT_EXTENSIONS,
        **options: Any,
    ) -> None:
        options.setdefault("intents", default_intents())
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(command_prefix=commands.when_mentioned, tree_cls=QiaoTree, help_command=None, **options)
        self.settings = settings
        self.db = db
        self.session = session
        self.translation = translation
        self.i18n = i18n or I18n.load()
        self.guild_config = GuildConfig(db)
        self.moderator_notices = ModeratorNotices(self)
        self.initial_extensions = tuple(extensions)
        self.accepting_work = True
        self.failed_extensions: dict[str, str] = {}
        self._closing = asyncio.Event()

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogueTranslator(self.i18n))
        await asyncio.to_thread(warm_up_detection)
        self.prune_translation_cache.start()
        for extension in self.initial_extensions:
            try:
                await self.load_extension(extension)
            except Exception as error:
                self.failed_extensions[extension] = f"{type(error).__name__}: {error}"
                log.exception("extension %s failed to load; the bot runs without it", extension)
        # What is loaded by now (modules, catalogues, detector profiles, caches) lives as long as
        # the process: keep it out of the collector's full passes, which under load otherwise walk
        # it again and again (a third of the bridge's CPU per relay in bench/relay.py).
        gc.collect()
        gc.freeze()

    async def on_message(self, message: discord.Message) -> None:
        # Qiao has no prefix commands (slash commands only): skip building a command Context for
        # every message in every channel unless one is ever added.
        if self.all_commands:
            await self.process_commands(message)

    async def on_ready(self) -> None:
        log.info("connected as %s (id=%s) to %d servers", self.user, self.user.id if self.user else "?", len(self.guilds))

    async def close(self) -> None:
        """Stop taking work, let cogs drain in `cog_unload`, then close the gateway and HTTP."""
        if self._closing.is_set():
            return
        self._closing.set()
        self.accepting_work = False
        log.info("shutting down: draining in-flight work")
        await super().close()
        await stop_loops(self.prune_translation_cache)
        log.info("gateway and Discord HTTP closed")

    @tasks.loop(hours=6)
    async def prune_translation_cache(self) -> None:
        removed = await self.translation.prune_cache(TRANSLATION_CACHE_MAX_AGE)
        if removed:
            log.info("pruned %d cached translations older than %s", removed, TRANSLATION_CACHE_MAX_AGE)

    @prune_translation_cache.error
    async def _prune_failed(self, error: BaseException) -> None:
        log.error("pruning the translation cache failed", exc_info=error)

    @property
    def is_shutting_down(self) -> bool:
        return self._closing.is_set()
