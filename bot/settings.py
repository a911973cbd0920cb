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
        )
        try:
            values["translation"] = TranslationSettings.from_env(env)
        except ConfigError as error:
            problems.extend(error.problems)
            invalid.add(TRANSLATION_SETTINGS)
        return SettingsReading(cls(**values), problems, frozenset(invalid))

    def secret_values(self) -> tuple[str, ...]:
        """Every credential, so log output can mask them."""
        from dataclasses import fields

        from bot.translation.settings import Secret

        found = [self.discord_token]
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
