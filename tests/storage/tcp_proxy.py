"""A TCP proxy on 127.0.0.1 in front of a real server, that can cut every connection for a while.

Used to take a real PostgreSQL away from the bot the way a database restart, a failover or a
network drop does: open connections are reset (RST) and new ones are reset as soon as they are
accepted until `restore()`. Counts what it did so tests can show the outage really happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass
from typing import Self


@dataclass(slots=True)
class ProxyCounters:
    connections: int = 0  # accepted and forwarded
    refused: int = 0  # reset at once while down
    cut: int = 0  # open connections reset by cut()


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.down = False
        self.counters = ProxyCounters()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._pumps: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        self._reset_all()
        for task in list(self._pumps):
            task.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)
        await self._server.wait_closed()

    def cut(self) -> None:
        """Reset every open connection, and every new one until `restore()`."""
        self.down = True
        self.counters.cut += len(self._open) // 2
        self._reset_all()

    def restore(self) -> None:
        self.down = False

    def _reset_all(self) -> None:
        for writer in list(self._open):
            _reset(writer)
        self._open.clear()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self.down:
            self.counters.refused += 1
            _reset(client_writer)
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _reset(client_writer)
            return
        if self.down:  # cut while connecting
            _reset(client_writer)
            _reset(server_writer)
            return
        self.counters.connections += 1
        self._open |= {client_writer, server_writer}
        for source, sink in ((client_reader, server_writer), (server_reader, client_writer)):
            task = asyncio.create_task(self._pump(source, sink, (client_writer, server_writer)))
            self._pumps.add(task)
            task.add_done_callback(self._pumps.discard)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, pair) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            for writer in pair:
                if writer in self._open:
                    self._open.discard(writer)
                    with contextlib.suppress(Exception):
                        writer.close()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST (SO_LINGER 0), as a crashed server or a dropped route looks to the client."""
    sock = writer.get_extra_info("socket")
    with contextlib.suppress(OSError):
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    writer.transport.abort()
