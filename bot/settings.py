"""Settings from environment variables and an optional `.env` file, validated once in `main()`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.translation.settings import TranslationSettings

DISCORD_API_BASE_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
DEFAULT_SQLITE_PATH = "qiao.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Room for discord.py's own retries of a 500/502/504 at login (it sleeps 1+3+5+7+9 s between five tries),
# short enough that a start-up against a Discord that never answers ends with a message, not a hang.
DEFAULT_LOGIN_TIMEOUT = 30
DEFAULT_REDIS_KEY_PREFIX = "qiao:"
# A job's lease across processes (bot/jobs.py): long enough to ride out a slow Redis answer, short enough
# that a dead holder's job resumes elsewhere within a minute. Renewed every third of it.
DEFAULT_JOB_LEASE_SECONDS = 30
# Far above what any bot needs (Discord recommends one shard per ~1,000 servers), low enough to catch a typo.
MAX_SHARD_COUNT = 100_000
# Stands in SettingsReading.invalid for any problem in the translation variables.
TRANSLATION_SETTINGS = "translation settings"

# Three dot-separated base64url parts: user id, timestamp, HMAC. Anything else is a paste error.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")

TOKEN_HELP = (
    "Create a bot at https://discord.com/developers/applications (New Application → Bot → "
    "Reset Token), put the token in DISCORD_TOKEN (environment or .env), and on the same Bot page "
    "enable the privileged intents MESSAGE CONTENT and SERVER MEMBERS."
)

CORE_ENV_VARS: tuple[tuple[str, str, str], ...] = (
    ("DISCORD_TOKEN", "Bot token from the Discord developer portal (required).", ""),
    (
        "DATABASE_URL",
        "postgres://… (as Heroku sets it), postgresql://… or sqlite:///path. "
        "Unset: a local SQLite file, which an ephemeral file system wipes on restart.",
        f"sqlite:///{DEFAULT_SQLITE_PATH}",
    ),
    ("LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR.", "INFO"),
    ("DISCORD_API_BASE_URL", "Discord REST base URL; change only to run behind a REST proxy.", DISCORD_API_BASE_URL),
    ("DISCORD_GATEWAY_URL", "Discord gateway URL; change only to run behind a gateway proxy.", DISCORD_GATEWAY_URL),
    (
        "DISCORD_LOGIN_TIMEOUT",
        "Seconds to wait at startup for Discord to accept the login before stopping with a message.",
        str(DEFAULT_LOGIN_TIMEOUT),
    ),
    ("MESSAGE_MAP_RETENTION_DAYS", "Days to remember which copy belongs to which original (edits, deletes, replies).", "30"),
    ("CATCH_UP_WINDOW_MINUTES", "After downtime, relay messages posted up to this many minutes ago (0 = off).", "60"),
    ("IGNORE_OTHER_BOTS", "true: messages from other bots are not relayed.", "true"),
    ("SYNC_GUILD_ID", "Optional server id: `python -m bot sync` then syncs commands to that server only (instant).", ""),
    ("METRICS_PORT", "Optional port for Prometheus metrics (/metrics) and a health check (/healthz); unset: none.", ""),
    (
        "SHARD_COUNT",
        "Shards the bot is split into: a number, or auto for Discord's recommendation. Unset: one connection "
        "for every server (README: Running at scale).",
        "",
    ),
    (
        "SHARD_IDS",
        "The shards this process runs, e.g. 0, 0-3 or 0,2 (needs a numeric SHARD_COUNT). Unset: all of them. "
        "A process running only some needs REDIS_URL.",
        "",
    ),
    ("REDIS_URL", "redis://… shared by every process of one bot when they run different SHARD_IDS; unset: one process.", ""),
    ("REDIS_KEY_PREFIX", "Prefix of every Redis key of this bot (two bots sharing one Redis need different ones).", DEFAULT_REDIS_KEY_PREFIX),
    (
        "JOB_LEASE_SECONDS",
        "With REDIS_URL: seconds a process holds a job that runs in one process only (fill-ins) without renewing "
        "it (every third of it); a dead holder's job moves to another process within 4/3 of this.",
        str(DEFAULT_JOB_LEASE_SECONDS),
    ),
)


@dataclass(frozen=True)
class Settings:
    discord_token: str = field(repr=False)
    database_url: str = field(repr=False)
    log_level: str = "INFO"
    discord_api_base_url: str = DISCORD_API_BASE_URL
    discord_gateway_url: str = DISCORD_GATEWAY_URL
    message_map_retention_days: int = 30
    catch_up_window_minutes: int = 60
    ignore_other_bots: bool = True
    sync_guild_id: int | None = None
    discord_login_timeout: int = DEFAULT_LOGIN_TIMEOUT
    metrics_port: int | None = None  # 0 (tests only, not accepted from the environment): any free port
    # SHARD_COUNT: None when unset (one connection, no sharding) or when `auto` (then shard_count_auto).
    shard_count: int | None = None
    shard_count_auto: bool = False
    shard_ids: tuple[int, ...] | None = None  # SHARD_IDS; None: every shard of shard_count
    redis_url: str | None = field(default=None, repr=False)
    redis_key_prefix: str = DEFAULT_REDIS_KEY_PREFIX
    job_lease_seconds: int = DEFAULT_JOB_LEASE_SECONDS
    translation: TranslationSettings = field(default_factory=lambda: TranslationSettings.from_env({}))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Settings:
        reading = cls.read(env, require_token=require_token)
        if reading.problems:
            raise ConfigError(reading.problems)
        return reading.settings

    @classmethod
    def read(cls, env: Mapping[str, str] | None = None, *, require_token: bool = True) -> SettingsReading:
        """Every value that parses, the default in place of each one that does not, and the problems found:
        what `doctor` needs to go on checking the parts a bad or missing setting does not touch."""
        env = os.environ if env is None else env
        problems: list[str] = []
        invalid: set[str] = set()

        token = env.get("DISCORD_TOKEN", "").strip()
        if require_token:
            if not token:
                problems.append(f"DISCORD_TOKEN is not set. {TOKEN_HELP}")
                invalid.add("DISCORD_TOKEN")
            elif not _TOKEN_SHAPE.match(token):
                problems.append(
                    "DISCORD_TOKEN does not look like a bot token (three parts separated by dots); "
                    f"it may be a client secret or cut off when pasted. {TOKEN_HELP}"
                )
                invalid.add("DISCORD_TOKEN")

        def parse(name: str, default: str, parser):
            raw = env.get(name, "").strip() or default
            try:
                return parser(raw)
            except ValueError as error:
                problems.append(f"{name}={raw!r}: {error}")
                invalid.add(name)
                return parser(default)

        values = dict(
            discord_token=token,
            database_url=parse("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}", normalise_database_url),
            log_level=parse("LOG_LEVEL", "INFO", _log_level),
            discord_api_base_url=parse("DISCORD_API_BASE_URL", DISCORD_API_BASE_URL, _http_url),
            discord_gateway_url=parse("DISCORD_GATEWAY_URL", DISCORD_GATEWAY_URL, _websocket_url),
            discord_login_timeout=parse("DISCORD_LOGIN_TIMEOUT", str(DEFAULT_LOGIN_TIMEOUT), _bounded_int(1, 600)),
            message_map_retention_days=parse("MESSAGE_MAP_RETENTION_DAYS", "30", _bounded_int(1, 3650)),
            catch_up_window_minutes=parse("CATCH_UP_WINDOW_MINUTES", "60", _bounded_int(0, 7 * 24 * 60)),
            ignore_other_bots=parse("IGNORE_OTHER_BOTS", "true", _boolean),
            sync_guild_id=parse("SYNC_GUILD_ID", "", _optional_snowflake),
            metrics_port=parse("METRICS_PORT", "", _optional_port),
            redis_url=parse("REDIS_URL", "", _optional_redis_url),
            redis_key_prefix=parse("REDIS_KEY_PREFIX", DEFAULT_REDIS_KEY_PREFIX, _redis_key_prefix),
            job_lease_seconds=parse("JOB_LEASE_SECONDS", str(DEFAULT_JOB_LEASE_SECONDS), _bounded_int(3, 600)),
        )
        values.update(_read_shards(env, values["redis_url"], problems, invalid))
        try:
            values["translation"] = TranslationSettings.from_env(env)
        except ConfigError as error:
            problems.extend(error.problems)
            invalid.add(TRANSLATION_SETTINGS)
        return SettingsReading(cls(**values), problems, frozenset(invalid))

    @property
    def sharded(self) -> bool:
        """SHARD_COUNT is set: the bot connects with discord.py's sharding (AutoShardedBot)."""
        return self.shard_count is not None or self.shard_count_auto

    @property
    def several_processes(self) -> bool:
        """This process runs only some of the shards: the others run elsewhere and share Redis."""
        return self.shard_ids is not None and self.shard_count is not None and len(self.shard_ids) < self.shard_count

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process's shards serve the server (Discord routes it to (id >> 22) % count)."""
        from bot.sharding import owns_guild

        return owns_guild(guild_id, self.shard_count, self.shard_ids)

    def secret_values(self) -> tuple[str, ...]:
        """Every credential, so log output can mask them."""
        from dataclasses import fields

        from bot.translation.settings import Secret

        found = [self.discord_token]
        if self.redis_url and (password := urlsplit(self.redis_url).password):
            found.append(password)
        for item in fields(self.translation):
            value = getattr(self.translation, item.name)
            if isinstance(value, Secret):
                found.append(value.reveal())
        return tuple(secret for secret in found if secret)


@dataclass(frozen=True)
class SettingsReading:
    settings: Settings
    problems: list[str]
    # Variable names whose value was missing or refused (defaults stand in for them in `settings`).
    invalid: frozenset[str]


def load_dotenv_file(path: Path = Path(".env")) -> None:
    """Read `.env` into the environment without overriding variables that are already set."""
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)


def normalise_database_url(raw: str) -> str:
    """Turn the URLs hosts hand out (postgres://, postgresql://, sqlite:///) into async driver URLs."""
    scheme, sep, rest = raw.partition("://")
    if not sep or not rest:
        raise ValueError("expected postgres://user:password@host:port/name or sqlite:///path/to/file")
    scheme = scheme.lower()
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        rest = rest.replace("sslmode=", "ssl=")
        return f"postgresql+asyncpg://{rest}"
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        return f"sqlite+aiosqlite://{rest}"
    raise ValueError("only PostgreSQL (postgres://, postgresql://) and SQLite (sqlite:///) are supported")


SHARDS_HELP = "README: Running at scale"


def _read_shards(env: Mapping[str, str], redis_url: str | None, problems: list[str], invalid: set[str]) -> dict:
    """SHARD_COUNT and SHARD_IDS, which are only meaningful together (and with REDIS_URL for a part)."""
    raw_count = env.get("SHARD_COUNT", "").strip()
    raw_ids = env.get("SHARD_IDS", "").strip()
    values: dict = {}
    count: int | None = None
    if raw_count.lower() == "auto":
        values["shard_count_auto"] = True
    elif raw_count:
        if not raw_count.isdigit() or not 1 <= int(raw_count) <= MAX_SHARD_COUNT:
            problems.append(
                f"SHARD_COUNT={raw_count!r}: expected a number of shards from 1 to {MAX_SHARD_COUNT}, or auto "
                f"for Discord's recommendation (or leave it unset for one connection; {SHARDS_HELP})."
            )
            invalid.add("SHARD_COUNT")
            return values
        count = values["shard_count"] = int(raw_count)
    if not raw_ids:
        return values
    try:
        ids = parse_shard_ids(raw_ids)
    except ValueError as error:
        problems.append(f"SHARD_IDS={raw_ids!r}: {error} ({SHARDS_HELP}).")
        invalid.add("SHARD_IDS")
        return values
    if values.get("shard_count_auto"):
        problems.append(
            f"SHARD_IDS={raw_ids!r} with SHARD_COUNT=auto: a range needs a fixed count, or the processes would "
            f"split the servers differently when Discord's recommendation changes; set SHARD_COUNT to a number ({SHARDS_HELP})."
        )
        invalid.add("SHARD_IDS")
        return values
    if count is None:
        problems.append(
            f"SHARD_IDS={raw_ids!r} needs SHARD_COUNT: set it to the total number of shards across all processes "
            f"(the same in every process; {SHARDS_HELP})."
        )
        invalid.add("SHARD_IDS")
        return values
    too_big = [shard for shard in ids if shard >= count]
    if too_big:
        problems.append(
            f"SHARD_IDS={raw_ids!r}: shard {too_big[0]} does not exist with SHARD_COUNT={count} (ids run from 0 to "
            f"{count - 1}); raise SHARD_COUNT or lower the ids ({SHARDS_HELP})."
        )
        invalid.add("SHARD_IDS")
        return values
    values["shard_ids"] = ids
    if len(ids) < count and not redis_url:
        problems.append(
            f"SHARD_IDS={raw_ids!r} runs {len(ids)} of {count} shards here, so other processes run the rest; they hand "
            f"each other copies through Redis: set REDIS_URL=redis://host:6379/0 (the same in every process), or leave "
            f"SHARD_IDS unset to run every shard in this process ({SHARDS_HELP})."
        )
        invalid.add("REDIS_URL")
    return values


def parse_shard_ids(raw: str) -> tuple[int, ...]:
    """`0`, `0-3`, `0,2`, `0-1,4` -> sorted distinct shard ids."""
    ids: set[int] = set()
    for part in raw.replace(" ", "").split(","):
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ValueError("expected shard ids such as 0, 0-3 or 0,2 (whole numbers from 0, ranges with a dash)")
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            raise ValueError(f"the range {part} runs backwards; write it {last}-{first}")
        if last - first >= MAX_SHARD_COUNT:
            raise ValueError(f"the range {part} is longer than {MAX_SHARD_COUNT} shards")
        ids.update(range(first, last + 1))
    return tuple(sorted(ids))


def _optional_redis_url(raw: str) -> str | None:
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.netloc or parts.path):
        raise ValueError("expected redis://host:6379/0 (rediss:// for TLS, unix:///path/to/socket), or leave it unset")
    return raw


def _redis_key_prefix(raw: str) -> str:
    if not raw or any(character.isspace() for character in raw) or len(raw) > 64:
        raise ValueError("expected a short prefix without spaces, such as qiao:")
    return raw


def redact_database_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"use one of {', '.join(LOG_LEVELS)}")
    return level


def _http_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("expected an http(s):// URL such as https://discord.com/api/v10")
    return raw.rstrip("/")


def _websocket_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise ValueError("expected a ws(s):// URL such as wss://gateway.discord.gg/")
    return raw


def _bounded_int(low: int, high: int):
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError("expected a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"expected a number from {low} to {high}")
        return value

    return parse


def _boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _optional_port(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ValueError("expected a port number from 1 to 65535 (or leave it unset for no metrics)")
    return int(raw)


def _optional_snowflake(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise ValueError("expected a Discord id (digits only)")
    return int(raw)
