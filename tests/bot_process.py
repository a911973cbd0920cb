"""`python -m bot …` run as a self-hoster runs it, and local servers that fail the way a network can."""

from __future__ import annotations

import asyncio
import atexit
import functools
import os
import shutil
import socket
import struct
import sys
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.storage import Database

REPO_ROOT = Path(__file__).resolve().parents[1]
VALID_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


@functools.cache
def migrated_sqlite_template() -> Path:
    """An SQLite file with every migration applied, made once per test process (each xdist worker)
    and removed when it ends. Tests start their bots on copies of it: migrating a new file costs a
    bot ~0.35 s of CPU (Alembic's import included); the migrations have tests of their own."""
    directory = Path(tempfile.mkdtemp(prefix="qiao-migrated-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "qiao.sqlite3"
    failure: list[BaseException] = []

    async def migrate() -> None:
        database = await Database.open(f"sqlite+aiosqlite:///{path}")
        await database.close()

    def run() -> None:
        try:
            asyncio.run(migrate())
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    # In a thread of its own: no event loop of the tests' is disturbed, whatever is running.
    thread = threading.Thread(target=run, name="migrate-sqlite-template")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return path


def bot_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """A clean environment: only what a self-hoster would set, plus the overrides. Without a
    DATABASE_URL among them, the bot gets an SQLite file of its own already at the current schema."""
    if "DATABASE_URL" not in variables:
        database = tmp_path / "qiao.sqlite3"
        if not database.exists():
            shutil.copyfile(migrated_sqlite_template(), database)
        variables["DATABASE_URL"] = f"sqlite:///{database}"
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO_ROOT),
        "LOG_LEVEL": "INFO",
        **variables,
    }


async def start_bot(*args: str, env: dict[str, str], cwd: Path, merge_output: bool = False) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT if merge_output else asyncio.subprocess.PIPE,
    )


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


async def run_bot(*args: str, env: dict[str, str], cwd: Path, timeout: float = 90) -> Finished:
    """Runs the command to its end without blocking the event loop (a Discord double may serve it)."""
    process = await start_bot(*args, env=env, cwd=cwd)
    communicating = asyncio.ensure_future(process.communicate())
    done, _ = await asyncio.wait([communicating], timeout=timeout)
    if not done:
        process.kill()
        stdout, stderr = await communicating
        raise AssertionError(
            f"python -m bot {' '.join(args)} still ran after {timeout} s:\n{stdout.decode()}{stderr.decode()}"
        )
    stdout, stderr = communicating.result()
    return Finished(process.returncode, stdout.decode(), stderr.decode())


async def stop_with_signal(process: asyncio.subprocess.Process, signum: int, timeout: float = 30) -> str:
    """Sends `signum` and returns everything the process printed (stdout and stderr merged) once it exits."""
    try:
        process.send_signal(signum)
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return output.decode()


def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LocalServer:
    port: int
    connections: int = 0
    received: bytearray = field(default_factory=bytearray)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for_data(self, timeout: float = 90) -> None:
        await asyncio.wait_for(self._arrived.wait(), timeout)


@asynccontextmanager
async def _serving(state: LocalServer, handle) -> AsyncIterator[LocalServer]:
    writers: list[asyncio.StreamWriter] = []

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state.connections += 1
        writers.append(writer)
        await handle(reader, writer)

    server = await asyncio.start_server(tracked, "127.0.0.1", 0)
    state.port = server.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await server.wait_closed()


def silent_server():
    """Accepts connections and reads what comes, never answering: a host that hangs."""
    state = LocalServer(port=0)

    async def hold(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            state.received.extend(data)
            state._arrived.set()

    return _serving(state, hold)


_SSL_REQUEST_CODE = 80877103
_PROTOCOL_3 = 196608


def postgres_refusing_password():
    """Speaks enough of the PostgreSQL wire protocol to refuse a login as a server with `md5` in
    pg_hba.conf does for a wrong password: declines SSL ('N'), asks for an MD5 password
    (AuthenticationMD5Password), then answers the PasswordMessage with PostgreSQL's own FATAL
    ErrorResponse (SQLSTATE 28P01) and closes."""
    state = LocalServer(port=0)

    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            length, code = struct.unpack("!ii", await reader.readexactly(8))
            if code == _SSL_REQUEST_CODE:
                writer.write(b"N")
                await writer.drain()
                length, code = struct.unpack("!ii", await reader.readexactly(8))
            if code != _PROTOCOL_3:
                return
            parameters = (await reader.readexactly(length - 8)).split(b"\0")
            user = dict(zip(parameters[0::2], parameters[1::2])).get(b"user", b"").decode()
            writer.write(b"R" + struct.pack("!ii", 12, 5) + os.urandom(4))
            await writer.drain()
            kind = await reader.readexactly(1)
            (length,) = struct.unpack("!i", await reader.readexactly(4))
            state.received.extend(kind + await reader.readexactly(length - 4))
            state._arrived.set()
            fields = [
                (b"S", b"FATAL"), (b"V", b"FATAL"), (b"C", b"28P01"),
                (b"M", f'password authentication failed for user "{user}"'.encode()),
                (b"F", b"auth.c"), (b"L", b"323"), (b"R", b"auth_failed"),
            ]
            body = b"".join(tag + value + b"\0" for tag, value in fields) + b"\0"
            writer.write(b"E" + struct.pack("!i", len(body) + 4) + body)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return _serving(state, refuse)
