"""Builds the bot with its services and closes them in order; used by `python -m bot` and tests."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from bot.client import DEFAULT_EXTENSIONS, QiaoBot, bot_class
from bot.discord_endpoints import apply_discord_endpoints
from bot.settings import Settings, redact_database_url
from bot.storage import Database
from bot.translation import build_translation_service

log = logging.getLogger(__name__)


async def open_redis(settings: Settings):
    """The Redis client the processes of one bot share (REDIS_URL), checked once; None without REDIS_URL."""
    if not settings.redis_url:
        return None
    import redis.asyncio as redis

    from bot.errors import StartupError

    client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=10, health_check_interval=30)
    try:
        await client.ping()
    except Exception as error:
        await client.aclose()
        shown = redact_database_url(settings.redis_url)
        raise StartupError(
            f"REDIS_URL={shown}: cannot reach Redis ({type(error).__name__}: {error})",
            "Start the Redis server or correct REDIS_URL (host, port, password, database number)",
        ) from error
    log.info("redis ready: %s", redact_database_url(settings.redis_url))
    return client


@asynccontextmanager
async def open_bot(
    settings: Settings, *, extensions: Sequence[str] = DEFAULT_EXTENSIONS, **bot_options: Any
) -> AsyncIterator[QiaoBot]:
    """Shutdown writes in this order: cogs flush their own state in `cog_unload` (the bridge
    drains its relays, then writes its copy map and counters), then the translation service
    writes its cache batch and usage, then the database closes."""
    apply_discord_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
    db = await Database.open(settings.database_url)
    log.info("database ready: %s (schema version %d)", redact_database_url(settings.database_url), await db.current_version())
    try:
        async with aiohttp.ClientSession() as session:
            translation = build_translation_service(settings.translation, session, db)
            redis = await open_redis(settings)
            try:
                bot = bot_class(settings)(
                    settings=settings, db=db, session=session, translation=translation,
                    extensions=extensions, **bot_options,
                )
                bot.redis = redis
                async with bot:
                    yield bot
            finally:
                await translation.aclose()
                if redis is not None:
                    await redis.aclose()
    finally:
        await db.close()
        log.info("database closed")
