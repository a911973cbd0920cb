"""Shutdown and the event handlers discord.py is still running: none may outlive the database.

discord.py keeps no reference to the tasks it runs handlers in. A handler still inside a
transaction when the database closed kept its pooled connection; when the event loop then ended,
it was cancelled in the middle of returning it, and the connection escaped the pool: the garbage
collector found it later, in whatever test was running ("SAWarning: The garbage collector is trying
to clean up non-checked-in connection"). These tests run the real bot against the Discord double
on a real SQLite file, hold a connection in a handler across shutdown, and check that every
connection is back in the pool when the database closes."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import sys
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.app import open_bot
from bot.settings import Settings
from bot.storage import Database
from discord_double.client import run_client
from discord_double.server import DiscordDouble

PROBE = sa.table("shutdown_probe", sa.column("step", sa.Text))


@dataclasses.dataclass
class DatabaseClose:
    """What was still going on when the bot's database closed."""

    checked_out: int | None = None
    handlers_running: set[str] = dataclasses.field(default_factory=set)


def watch_database_close(monkeypatch: pytest.MonkeyPatch) -> DatabaseClose:
    seen = DatabaseClose()
    close = Database.close

    async def observed_close(database: Database) -> None:
        seen.checked_out = database.engine.pool.checkedout()
        seen.handlers_running = {
            task.get_name() for task in asyncio.all_tasks() if not task.done() and task.get_name().startswith("discord.py: ")
        }
        await close(database)

    monkeypatch.setattr(Database, "close", observed_close)
    return seen


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met"
        await asyncio.sleep(0.01)


async def run_bot_with_handler(
    database_url: str, handler: Callable[[object, asyncio.Event], Awaitable[None]], *, drain_seconds: float | None = None
) -> None:
    """Start the bot, post one message whose handler holds a connection, shut down while it does."""
    setup = await Database.open(database_url)
    async with setup.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE shutdown_probe (step TEXT)")
    await setup.close()

    double = DiscordDouble()
    await double.start()
    try:
        double.ratelimiter.config.enabled = False
        guild = double.create_guild("Shutdown")
        channel = double.create_channel(guild, "general")
        member = double.add_member(guild, "ana", display_name="Ana")
        settings = dataclasses.replace(
            Settings.from_env({}, require_token=False), discord_token=double.token, database_url=database_url,
            discord_api_base_url=double.api_base_url, discord_gateway_url=double.gateway_url,
        )
        holding = asyncio.Event()
        async with open_bot(settings, extensions=(), guild_ready_timeout=0.05) as bot:
            if drain_seconds is not None:
                bot.handler_drain_seconds = drain_seconds

            async def on_message(message) -> None:
                if message.author.id == member.id:
                    await handler(bot, holding)

            bot.add_listener(on_message, "on_message")
            async with run_client(bot, double):
                await double.post(member, channel, "hello")
                await asyncio.wait_for(holding.wait(), 5)
    finally:
        await double.stop()


async def steps_stored(database_url: str) -> list[str]:
    database = await Database.open(database_url)
    try:
        async with database.connect() as connection:
            return list((await connection.execute(sa.select(PROBE.c.step))).scalars())
    finally:
        await database.close()


async def test_a_handler_inside_a_transaction_at_shutdown_finishes_before_the_database_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'qiao.sqlite3'}"
    closing = watch_database_close(monkeypatch)

    async def handler(bot, holding: asyncio.Event) -> None:
        async with bot.db.begin() as connection:
            await connection.execute(sa.insert(PROBE).values(step="before shutdown"))
            holding.set()
            await wait_until(lambda: bot.is_shutting_down)
            await connection.execute(sa.insert(PROBE).values(step="during shutdown"))

    await run_bot_with_handler(database_url, handler)

    assert closing.checked_out == 0 and closing.handlers_running == set()
    assert sorted(await steps_stored(database_url)) == ["before shutdown", "during shutdown"]  # nothing lost


def test_a_handler_that_overruns_shutdown_is_stopped_and_its_connection_never_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler still holding its connection when the event loop ends (as a test's or the
    process's does) is cancelled by the loop; cancelled while it is returning the connection, the
    connection escapes the pool. Stopped by the bot during shutdown instead, it returns the
    connection while the database is still open, and nothing is left for the collector."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'qiao.sqlite3'}"
    closing = watch_database_close(monkeypatch)
    released = asyncio.Event()
    stopped: list[BaseException] = []

    async def handler(bot, holding: asyncio.Event) -> None:
        try:
            async with bot.db.connect() as connection:
                await connection.execute(sa.insert(PROBE).values(step="never committed"))
                holding.set()
                await released.wait()  # longer than the bot may wait for it
        except asyncio.CancelledError as cancelled:
            stopped.append(cancelled)
            raise

    async def scenario() -> None:
        await run_bot_with_handler(database_url, handler, drain_seconds=0.1)
        released.set()  # and the event loop ends right away

    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(f"{u.exc_type.__name__}: {u.exc_value}"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(scenario())
        gc.collect()

    assert closing.checked_out == 0 and closing.handlers_running == set()
    assert [str(w.message)[:80] for w in caught if "non-checked-in" in str(w.message)] == [] and unraisable == []
    assert len(stopped) == 1  # stopped by the bot, before the database closed
    assert asyncio.run(steps_stored(database_url)) == []  # rolled back, not half-written
