"""Several `python -m bot` processes of one bot, each running some shards, against one Discord double,
one PostgreSQL database and one Redis: what a deployment with SHARD_IDS looks like, for the e2e tests."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.bridge.deliver.coalescing import COMBINED_USERNAME
from discord_double import DiscordDouble
from tests.conftest import POSTGRES_URL, RedisTarget, _postgres_available, server_missing
from tests.bot_process import bot_env, start_bot

DEADLINE = 120.0


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database (the processes migrate it); its postgres:// URL."""
    import asyncpg

    problem = await _postgres_available()
    if problem:
        server_missing(f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})")
    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    name = f"qiao_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield dsn.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@dataclass
class BotProcess:
    """One `python -m bot` with its SHARD_IDS; everything it prints is kept in `output`."""

    shard_ids: str
    env: dict[str, str]
    cwd: Path
    metrics_port: int
    process: asyncio.subprocess.Process | None = None
    output: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.process = await start_bot(env=self.env, cwd=self.cwd, merge_output=True)
        self._reader = asyncio.create_task(self._read(self.process))

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        while line := await process.stdout.readline():
            self.output.append(line.decode(errors="replace").rstrip("\n"))

    def printed(self, pattern: str) -> int:
        return sum(1 for line in self.output if re.search(pattern, line))

    async def wait_printed(self, pattern: str, times: int = 1) -> None:
        await wait_until(lambda: self.printed(pattern) >= times, f"process {self.shard_ids} to print {pattern!r}", self)

    async def kill(self) -> None:
        """kill -9: no shutdown, nothing flushed."""
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        await self._reader
        self.output.append("---- killed ----")

    async def stop(self) -> int:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._reader is not None:
            await self._reader
        return self.process.returncode if self.process is not None else 0

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output[-lines:])


@asynccontextmanager
async def bot_processes(
    double: DiscordDouble, tmp_path: Path, redis_target: RedisTarget, database_url: str, translator_env: dict[str, str],
    shard_ranges: list[str], shard_count: int, *, settings: dict[str, str] | None = None,
) -> AsyncIterator[list[BotProcess]]:
    """Start one process per shard range and wait until each is connected; SIGTERM them all at the end.
    `settings`: more environment variables for every process."""
    processes = []
    for shard_ids in shard_ranges:
        cwd = tmp_path / f"shards-{shard_ids}"
        cwd.mkdir()
        port = free_port()
        env = bot_env(
            cwd, DISCORD_TOKEN=double.token, DISCORD_API_BASE_URL=double.api_base_url,
            DISCORD_GATEWAY_URL=double.gateway_url, DATABASE_URL=database_url, REDIS_URL=redis_target.url,
            REDIS_KEY_PREFIX=redis_target.prefix, SHARD_COUNT=str(shard_count), SHARD_IDS=shard_ids,
            TRANSLATOR="microsoft", TRANSLATION_TIMEOUT="5", METRICS_PORT=str(port), **translator_env,
            **(settings or {}),
        )
        processes.append(BotProcess(shard_ids, env, cwd, port))
    try:
        await asyncio.gather(*(process.start() for process in processes))
        await asyncio.gather(*(process.wait_printed(r"connected as ") for process in processes))
        yield processes
    finally:
        codes = await asyncio.gather(*(process.stop() for process in processes))
        for process, code in zip(processes, codes):
            assert code == 0, f"process {process.shard_ids} exited with {code}:\n{process.tail()}"


async def wait_until(condition: Callable[[], object], what: str, *watched: BotProcess, timeout: float = DEADLINE,
                     describe: Callable[[], str] = lambda: "") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        for process in watched:
            if process.process is not None and process.process.returncode is not None:
                raise AssertionError(f"process {process.shard_ids} exited while waiting for {what}:\n{process.tail()}")
        if loop.time() > deadline:
            details = "\n".join(f"--- {p.shard_ids}:\n{p.tail()}" for p in watched)
            raise AssertionError(f"timed out waiting for {what} {describe()}\n{details}")
        await asyncio.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def health(process: BotProcess) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{process.metrics_port}/healthz") as response:
        return response.status, await response.json(content_type=None)


def relayed_numbers(double: DiscordDouble, channel, pattern: str) -> list[int]:
    """The numbers (`pattern`'s group) of the copies in `channel`, in the order people see them:
    copies posted on their own and the lines of combined posts."""
    numbers: list[int] = []
    for view in double.view(channel):
        if not view.by_webhook:
            continue
        lines = view.content.splitlines() if view.author == COMBINED_USERNAME else view.content.splitlines()[:1]
        for line in lines:
            if line.startswith("-#"):
                continue
            numbers += [int(found) for found in re.findall(pattern, line)]
    return numbers
