"""The Bot subclass: owns no feature, holds the services cogs use, and shuts down in order."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import aiohttp
import discord
from discord.ext import commands, tasks

from bot.background import stop_loops
from bot.discord_failures import explain_connection_failure
from bot.guild_config import GuildConfig
from bot.i18n import I18n
from bot.jobs import JobClaims, holder_name, once_per_tick
from bot.listeners import MessageListeners, people_only
from bot.rest_limits import SharedRestLimit, install_shared_rest_limit
from bot.metrics import Metrics, MetricsServer, MetricsSources, ShardState
from bot.moderator_notices import ModeratorNotices
from bot.personal_language import PersonalLanguages
from bot.pipeline.detect import warm_up as warm_up_detection
from bot.settings import Settings
from bot.storage import Database
from bot.tree import CatalogueTranslator, QiaoTree

# The collector is steered (full passes, freezing long-lived state) only in a process that runs one bot,
# as `python -m bot` does: a test process builds hundreds, and each full pass walks its whole heap.
_bots_built = 0
log = logging.getLogger(__name__)

TRANSLATION_CACHE_MAX_AGE = timedelta(days=30)
PRUNE_TRANSLATION_CACHE_EVERY = timedelta(hours=6)
# At shutdown, event handlers already running get this long to finish before the cogs unload:
# an interaction must be answered within 3 s anyway, and platforms send SIGKILL 30 s after SIGTERM,
# most of which the bridge's drain may need (handlers waiting on a paused outbox are stopped later).
HANDLER_DRAIN_SECONDS = 3.0
# Then the bridge's copies still waiting get this long to be posted: it leaves the gateway and the
# database time to close before that SIGKILL.
BRIDGE_DRAIN_SECONDS = 20.0
HANDLER_CANCEL_SECONDS = 5.0
# Names discord.py gives the tasks it runs handlers in: events, slash commands, components, modals.
_HANDLER_TASK_NAMES = (
    "discord.py: ", "CommandTree-invoker", "discord-ui-view-dispatch-", "discord-ui-view-timeout-",
    "discord-ui-dynamic-item-", "discord-ui-modal-dispatch-",
)

DEFAULT_EXTENSIONS: tuple[str, ...] = (
    "cogs.admin",
    "cogs.people",
    "cogs.bridge",
    "cogs.cattax",
    "cogs.topics",
    "cogs.guidance",
    "cogs.learning",
    "cogs.flags",
    "cogs.welcome",
)


# discord.py fires on_ready this long after the last GUILD_CREATE (its default: 2 s, most of a
# start on an existing database). Discord sends a session's servers back to back; one that comes
# later (an outage) is caught up by the bridge when it arrives (cogs/bridge/catch_up.py), and
# messages are relayed before on_ready anyway.
GUILD_READY_TIMEOUT = 0.5


def default_intents() -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    return intents


class QiaoBot(MessageListeners, commands.Bot):
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
        global _bots_built
        _bots_built += 1
        options.setdefault("intents", default_intents())
        options.setdefault("guild_ready_timeout", GUILD_READY_TIMEOUT)
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        options.setdefault("http_trace", self._status_trace())
        super().__init__(command_prefix=commands.when_mentioned, tree_cls=QiaoTree, help_command=None, **options)
        self.settings = settings
        self.db = db
        self.own_webhook_ids: set[int] = set()  # filled by the bridge's webhook sender (bot/listeners.py)
        self.session = session
        self.translation = translation
        self.i18n = i18n or I18n.load()
        self.guild_config = GuildConfig(db)
        self.personal_languages = PersonalLanguages(db)
        self.moderator_notices = ModeratorNotices(self)
        self.initial_extensions = tuple(extensions)
        self.accepting_work = True
        self.handler_drain_seconds = HANDLER_DRAIN_SECONDS
        # Attributes rather than module constants: discord.py re-imports a cog's modules each time it
        # loads the extension, so a module constant cannot be set from outside for the next start.
        self.bridge_drain_seconds = BRIDGE_DRAIN_SECONDS
        self.failed_extensions: dict[str, str] = {}
        self._closing = asyncio.Event()
        self._closed = asyncio.Event()
        self.command_ids_task: asyncio.Task[None] | None = None
        self._login_deadline: asyncio.Timeout | None = None
        self._last_discord_status: int | None = None
        self.discord_rate_limited = 0  # 429 answers to discord.py's own requests (the bridge counts its webhooks')
        self.metrics: Metrics | None = None
        self._metrics_server: MetricsServer | None = None
        self._job_claims: JobClaims | None = None
        self._holder = holder_name()  # this process, in the leases it holds
        # The processes' shared Redis (REDIS_URL; redis.asyncio), set by bot.app.open_bot; None without it.
        self.redis = None

    @property
    def job_claims(self) -> JobClaims:
        """Where jobs that run once across processes are claimed: the processes' shared Redis when
        REDIS_URL is set (`self.redis`), else this process alone."""
        redis = getattr(self, "redis", None)
        if self._job_claims is None or self._job_claims.redis is not redis:
            self._job_claims = JobClaims(redis, prefix=self.settings.redis_key_prefix, holder=self._holder,
                                         lease_seconds=self.settings.job_lease_seconds)
        return self._job_claims

    def share_rest_limit(self) -> SharedRestLimit | None:
        """With REDIS_URL, every process of the bot takes its REST requests from one bucket in Redis
        (Discord's global 50 a second per bot). Behind a rate-limit proxy (DISCORD_API_BASE_URL) that
        already holds them all to it, the bucket is redundant and harmless."""
        redis = getattr(self, "redis", None)
        if redis is None or getattr(self.http, "shared_rest_limit", None) is not None:
            return getattr(self.http, "shared_rest_limit", None)
        limit = SharedRestLimit(redis, f"{self.settings.redis_key_prefix}rest:global")
        install_shared_rest_limit(self.http, limit)
        log.info("REST requests share Discord's global limit with the bot's other processes through Redis")
        return limit

    def _status_trace(self) -> aiohttp.TraceConfig:
        """Remembers Discord's last HTTP status, so a login that runs out of time says what Discord answered."""

        async def remember(_session, _context, params: aiohttp.TraceRequestEndParams) -> None:
            self._last_discord_status = params.response.status
            if params.response.status == 429:
                self.discord_rate_limited += 1

        trace = aiohttp.TraceConfig()
        trace.on_request_end.append(remember)
        return trace

    async def serve_metrics(self) -> MetricsServer | None:
        """Start `/metrics` and `/healthz` on METRICS_PORT (nothing when it is unset); `close` stops them.
        Called before the bot starts, so the health check answers 503 until the shards are connected."""
        if self.settings.metrics_port is None or self._metrics_server is not None:
            return self._metrics_server
        self.metrics = Metrics(MetricsSources(
            shards=self.shard_states, relay=lambda: getattr(self._relay_engine(), "stats", None),
            backlog=self._relay_backlog, providers=getattr(self.translation, "usage_totals", dict),
            rate_limited=self._rate_limited,
        ))
        if hasattr(self.translation, "on_provider_call"):  # the real service (tests may hand in a stand-in)
            self.translation.on_provider_call = self.metrics.observe_provider_call
        server = MetricsServer(self.metrics, self.settings.metrics_port)
        await server.start()
        self._metrics_server = server
        return server

    def shard_states(self) -> list[ShardState]:
        shards = getattr(self, "shards", None)
        if isinstance(shards, dict):  # an AutoShardedBot: each shard it runs, connected or not yet
            count = getattr(self, "shard_count", None)
            expected = set(getattr(self, "shard_ids", None) or (range(count) if count else ())) | set(shards)
            states = []
            for shard_id in sorted(expected):
                info = shards.get(shard_id)
                connected = info is not None and not self.is_shutting_down and self.is_ready() and not info.is_closed()
                states.append(ShardState(shard_id, connected, info.latency if connected else None))
            return states
        if self.is_shutting_down:
            return [ShardState(self.shard_id or 0, False, None)]
        ws = self.ws
        connected = self.is_ready() and ws is not None and ws.open
        return [ShardState(self.shard_id or 0, connected, ws.latency if connected else None)]

    def _relay_engine(self):
        relay = getattr(self, "bridge_relay", None)
        return getattr(relay, "engine", None)

    def _rate_limited(self) -> dict[str, int]:
        counts = {"discord.py": self.discord_rate_limited}
        delivery = getattr(self._relay_engine(), "delivery", None)
        if delivery is not None:
            counts["bridge webhooks"] = delivery.counters.rate_limited
        return counts

    def _relay_backlog(self) -> dict[int, int]:
        engine = self._relay_engine()
        outboxes = getattr(engine, "outboxes", {})
        return {channel_id: engine.backlog(channel_id) for channel_id in list(outboxes)}

    async def login(self, token: str) -> None:
        """discord.py's login, given up after DISCORD_LOGIN_TIMEOUT seconds (it waits as long as Discord
        keeps the request open); a failure to reach Discord or a refusal becomes one StartupError line."""
        try:
            async with asyncio.timeout(self.settings.discord_login_timeout) as deadline:
                self._login_deadline = deadline
                await super().login(token)
        except Exception as error:
            explained = self._explained(error)
            if explained is error:
                raise
            raise explained from error
        finally:
            self._login_deadline = None

    async def connect(self, *, reconnect: bool = True) -> None:
        """Reconnects are discord.py's; what it gives up on (a refused token or intents, a fatal close code)
        becomes one StartupError line."""
        try:
            await super().connect(reconnect=reconnect)
        except Exception as error:
            explained = self._explained(error)
            if explained is error:
                raise
            raise explained from error

    def _explained(self, error: Exception) -> Exception:
        # discord.py's sharded client closes itself before it raises a gateway refusal: that is no shutdown.
        refused = isinstance(error, (discord.ConnectionClosed, discord.PrivilegedIntentsRequired))
        if self.is_shutting_down and not refused:
            return error
        explained = explain_connection_failure(
            error, api_base_url=self.settings.discord_api_base_url, timeout=self.settings.discord_login_timeout,
            last_status=self._last_discord_status,
        )
        return explained or error

    async def setup_hook(self) -> None:
        if self._login_deadline is not None:
            # Discord has answered the login; loading extensions is not bounded by its timeout.
            self._login_deadline.reschedule(None)
        self.share_rest_limit()
        await self.tree.set_translator(CatalogueTranslator(self.i18n))
        await self.personal_languages.load()
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
        # No full pass first: READY unfreezes and collects everything once, garbage from set-up included.
        if _bots_built == 1:  # setup_hook runs once per bot: this is the process's one freeze at set-up
            gc.freeze()

    @people_only  # discord.py's prefix commands ignore bots' messages (a webhook's author is a bot)
    async def on_message(self, message: discord.Message) -> None:
        await self.process_commands(message)

    def _schedule_event(self, coro, event_name: str, /, *args: Any, **kwargs: Any) -> asyncio.Task | None:
        # Qiao has no prefix commands (slash commands only): no task per message to build a
        # command Context in every channel, unless one is ever added.
        if event_name == "on_message" and not self.all_commands and coro == self.on_message:
            return None
        return super()._schedule_event(coro, event_name, *args, **kwargs)

    async def on_ready(self) -> None:
        log.info("connected as %s (id=%s) to %d servers", self.user, self.user.id if self.user else "?", len(self.guilds))
        # The servers, channels, roles and members just received live as long as the session: out
        # of the collector's full passes too (thousands of servers made each pass walk them all).
        # Unfrozen first, so the state of a session this one replaced is collected, not kept.
        if _bots_built == 1:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        if self.command_ids_task is None:
            # In the background: replies fall back to plain `/command` text until the ids arrive.
            self.command_ids_task = asyncio.create_task(self.tree.learn_command_ids(list(self.guilds)), name="learn-command-ids")

    async def close(self) -> None:
        """Stop taking work, let handlers already running finish, let cogs drain in `cog_unload`,
        close the gateway and HTTP; then no handler is left that could still use the database.
        A second caller (a signal during shutdown, `async with` ending) waits for the first to finish."""
        if self._closing.is_set():
            await self._closed.wait()
            return
        self._closing.set()
        self.accepting_work = False
        log.info("shutting down: draining in-flight work")
        try:
            if self.command_ids_task is not None:
                self.command_ids_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.command_ids_task
            # Handlers still answering an interaction or relaying need the cogs and HTTP: before those go.
            await self._finish_handlers(self.handler_drain_seconds)
            await super().close()
            await stop_loops(self.prune_translation_cache)
            # Those that started meanwhile, or overran, end now, while the database they may be in
            # the middle of using is still open (the caller closes it after this returns).
            await self._finish_handlers(0)
        finally:
            if self._metrics_server is not None:
                await self._metrics_server.stop()
            self._closed.set()
        log.info("gateway and Discord HTTP closed")

    async def _call_module_finalizers(self, lib, key: str) -> None:
        """An extension unloaded because the bot closes keeps its modules imported.

        discord.py drops an unloaded extension's modules from `sys.modules` (so that loading it
        again runs the new code). At close that only made the next bot of the process (every
        end-to-end test; `python -m bot` builds one) execute every cog module again. Its teardown
        runs as before; an unload or reload while running still drops the modules."""
        if not self._closing.is_set():
            await super()._call_module_finalizers(lib, key)
            return
        try:
            teardown = getattr(lib, "teardown", None)
            if teardown is not None:
                await teardown(self)
        except Exception:
            log.exception("extension %s: teardown failed", key)
        finally:
            self._BotBase__extensions.pop(key, None)  # what discord.py's finalizer does, but the purge

    def dispatch(self, event_name: str, /, *args, **kwargs) -> None:
        # Once closed, nothing runs handlers any more: a task started now (a background job finishing
        # late) would never be awaited and could reach the database after it closed.
        if self._closed.is_set():
            log.debug("shut down: not dispatching %s", event_name)
            return
        super().dispatch(event_name, *args, **kwargs)

    def in_flight_handlers(self) -> set[asyncio.Task]:
        """Tasks discord.py started for events, commands and components that have not finished.

        discord.py keeps no reference to them and nothing waits for them: left running past
        shutdown, one would use the database after it closed, or be cancelled at exit in the
        middle of returning its connection, which then escapes the pool."""
        current = asyncio.current_task()
        return {
            task for task in asyncio.all_tasks()
            if task is not current and not task.done() and task.get_name().startswith(_HANDLER_TASK_NAMES)
        }

    async def _finish_handlers(self, timeout: float) -> None:
        pending = self.in_flight_handlers()
        if not pending:
            return
        if timeout > 0:
            _done, pending = await asyncio.wait(pending, timeout=timeout)
        if pending:
            log.warning("shutting down: stopping %d event handlers still running: %s", len(pending),
                        ", ".join(sorted(task.get_name() for task in pending)))
            for task in pending:
                task.cancel()
            # Cancelled handlers still return their connections on the way out: wait for that.
            await asyncio.wait(pending, timeout=HANDLER_CANCEL_SECONDS)

    @tasks.loop(seconds=PRUNE_TRANSLATION_CACHE_EVERY.total_seconds())
    async def prune_translation_cache(self) -> None:
        # Every process ticks; one of them prunes the shared cache each period.
        await self.job_claims.once_per("prune-translation-cache", once_per_tick(PRUNE_TRANSLATION_CACHE_EVERY),
                                       self.prune_translation_cache_now)

    async def prune_translation_cache_now(self) -> int:
        removed = await self.translation.prune_cache(TRANSLATION_CACHE_MAX_AGE)
        if removed:
            log.info("pruned %d cached translations older than %s", removed, TRANSLATION_CACHE_MAX_AGE)
        return removed

    @prune_translation_cache.error
    async def _prune_failed(self, error: BaseException) -> None:
        log.error("pruning the translation cache failed", exc_info=error)

    @property
    def is_shutting_down(self) -> bool:
        return self._closing.is_set()

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process serves the server: always, unless it runs only some shards (SHARD_IDS)."""
        return self.settings.owns_guild(guild_id)


class ShardedQiaoBot(QiaoBot, commands.AutoShardedBot):
    """QiaoBot on discord.py's sharding: SHARD_COUNT shards (None: Discord's recommendation from
    GET /gateway/bot), of which this process identifies SHARD_IDS (None: all)."""

    def __init__(self, *, settings: Settings, **options: Any) -> None:
        options.setdefault("shard_count", settings.shard_count)
        if settings.shard_ids is not None:
            options.setdefault("shard_ids", list(settings.shard_ids))
        super().__init__(settings=settings, **options)


def bot_class(settings: Settings) -> type[QiaoBot]:
    return ShardedQiaoBot if settings.sharded else QiaoBot
