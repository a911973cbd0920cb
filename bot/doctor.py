"""`python -m bot doctor`: one ✓/✗ line per check, with the fix for each ✗."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass

import aiohttp

from bot.errors import ConfigError
from bot.settings import TOKEN_HELP, Settings, redact_database_url

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
    out = out or sys.stdout
    env = os.environ if env is None else env
    try:
        settings = Settings.from_env(env)
    except ConfigError as error:
        print("✗ settings:", file=out)
        for problem in error.problems:
            print(f"    {problem}", file=out)
        return 1
    print("✓ settings: all values valid", file=out)
    results = await gather_checks(settings)
    for result in results:
        print(result.line(), file=out)
    return 0 if all(result.ok for result in results) else 1


async def gather_checks(settings: Settings) -> list[CheckResult]:
    results = [await check_database(settings)]
    timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        results.append(await check_discord_token(settings, session))
        results.extend(await check_translation_providers(settings, session))
    return results


async def check_database(settings: Settings) -> CheckResult:
    from bot.storage import Database, latest_version

    shown = redact_database_url(settings.database_url)
    try:
        db = await asyncio.wait_for(Database.open(settings.database_url), CHECK_TIMEOUT_SECONDS)
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
