"""`python -m bot doctor`: one ✓/✗ line per check, with the fix for each ✗."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass

import aiohttp

from bot.settings import TOKEN_HELP, TRANSLATION_SETTINGS, Settings, redact_database_url

CHECK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        text = f"{mark} {self.name}: {self.detail}"
        if not self.ok and self.fix:
            text += f"\n    fix: {self.fix}"
        return text


async def run_doctor(env=None, out=None) -> int:
    """Every check that a missing or bad setting does not make meaningless still runs."""
    out = out or sys.stdout
    env = os.environ if env is None else env
    reading = Settings.read(env)
    if reading.problems:
        print("✗ settings:", file=out)
        for problem in reading.problems:
            print(f"    {problem}", file=out)
    else:
        print("✓ settings: all values valid", file=out)
    results = await gather_checks(reading.settings, unusable=reading.invalid)
    for result in results:
        print(result.line(), file=out)
    return 0 if not reading.problems and all(result.ok for result in results) else 1


def not_checked(name: str, unusable: frozenset[str], *needs: str) -> CheckResult | None:
    """The line for a check that cannot run because a setting it needs is missing or refused."""
    missing = [need for need in needs if need in unusable]
    if not missing:
        return None
    return CheckResult(name, False, f"not checked: {' and '.join(missing)} must be fixed first (see settings above)")


async def gather_checks(settings: Settings, unusable: frozenset[str] = frozenset()) -> list[CheckResult]:
    results = [not_checked("database", unusable, "DATABASE_URL") or await check_database(settings)]
    timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        results.append(
            not_checked("discord token", unusable, "DISCORD_TOKEN", "DISCORD_API_BASE_URL")
            or await check_discord_token(settings, session)
        )
        skipped = not_checked("translators", unusable, TRANSLATION_SETTINGS)
        results.extend([skipped] if skipped else await check_translation_providers(settings, session))
    shards = not_checked("shards", unusable, "SHARD_COUNT", "SHARD_IDS")
    results.append(shards or describe_shards(settings))
    if settings.redis_url or "REDIS_URL" in unusable:
        results.append(not_checked("redis", unusable, "REDIS_URL") or await check_redis(settings))
    return results


def describe_shards(settings: Settings) -> CheckResult:
    if not settings.sharded:
        return CheckResult("shards", True, "one connection for every server (SHARD_COUNT unset)")
    if settings.shard_count_auto:
        return CheckResult("shards", True, "every shard in this process, as many as Discord recommends (SHARD_COUNT=auto)")
    ids = settings.shard_ids if settings.shard_ids is not None else tuple(range(settings.shard_count))
    shown = ", ".join(str(shard) for shard in ids[:10]) + (", …" if len(ids) > 10 else "")
    where = "the others in other processes sharing REDIS_URL" if settings.several_processes else "all of them"
    return CheckResult("shards", True, f"this process runs {len(ids)} of {settings.shard_count} shards ({shown}); {where}")


async def check_redis(settings: Settings) -> CheckResult:
    import redis.asyncio as redis

    shown = redact_database_url(settings.redis_url)
    client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
                                  socket_timeout=CHECK_TIMEOUT_SECONDS)
    try:
        await client.ping()
        info = await client.info("server")
    except Exception as error:
        return CheckResult(
            "redis", False, f"cannot reach {shown}: {type(error).__name__}: {error}",
            "check REDIS_URL (host, port, password, database number) and that the Redis server is running",
        )
    finally:
        await client.aclose()
    version = str(info.get("redis_version", "?"))
    if tuple(int(part) for part in version.split(".")[:2] if part.isdigit()) < (6, 2):
        return CheckResult("redis", False, f"{shown} runs Redis {version}", "use Redis 6.2 or later (XAUTOCLAIM)")
    return CheckResult("redis", True, f"{shown} reachable, Redis {version}")


async def check_database(settings: Settings) -> CheckResult:
    from bot.storage import Database, DatabaseUnavailable, latest_version

    shown = redact_database_url(settings.database_url)
    try:
        # The driver's own connect timeout names the problem; this bound is for migrations that wait on a lock.
        db = await asyncio.wait_for(Database.open(settings.database_url), 2 * CHECK_TIMEOUT_SECONDS)
    except DatabaseUnavailable as error:
        return CheckResult("database", False, f"cannot open {shown}: {error.problem}", _as_fix_line(error.fix))
    except Exception as error:
        return CheckResult(
            "database", False, f"cannot open {shown}: {type(error).__name__}: {error}",
            "check DATABASE_URL (host, port, user, password, database name) and that the server is running",
        )
    try:
        version = await db.current_version()
    finally:
        await db.close()
    return CheckResult("database", True, f"{shown} reachable, schema at version {version} of {latest_version()}")


async def check_discord_token(settings: Settings, session: aiohttp.ClientSession) -> CheckResult:
    url = f"{settings.discord_api_base_url}/users/@me"
    try:
        async with session.get(url, headers={"Authorization": f"Bot {settings.discord_token}"}) as response:
            if response.status == 401:
                return CheckResult("discord token", False, "Discord rejected the token (401)", TOKEN_HELP)
            if response.status >= 400:
                return CheckResult(
                    "discord token", False, f"Discord answered HTTP {response.status}",
                    "try again later; if it persists check DISCORD_API_BASE_URL",
                )
            user = await response.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return CheckResult(
            "discord token", False, f"cannot reach {settings.discord_api_base_url}: {type(error).__name__}",
            "check the network and DISCORD_API_BASE_URL",
        )
    return CheckResult("discord token", True, f"valid, bot user {user.get('username', '?')} ({user.get('id', '?')})")


async def check_translation_providers(settings: Settings, session: aiohttp.ClientSession) -> list[CheckResult]:
    from bot.translation import check_providers

    results = []
    for health in await check_providers(settings.translation, session):
        results.append(CheckResult(f"translator {health.provider}", health.ok, health.detail, health.fix))
    return results


def _as_fix_line(sentence: str) -> str:
    """'Start PostgreSQL …' as doctor's lower-case 'fix: start PostgreSQL …' (an acronym keeps its case)."""
    if len(sentence) > 1 and sentence[1].islower():
        return sentence[0].lower() + sentence[1:]
    return sentence
