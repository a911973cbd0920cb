"""Run an unmodified discord.py client against the double, in-process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord

from bot.discord_endpoints import apply_discord_endpoints, reset_discord_endpoints

from .server import DiscordDouble

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.asynccontextmanager
async def run_client(client: ClientT, double: DiscordDouble, *, timeout: float = 5.0,
                     token: str | None = None) -> AsyncIterator[ClientT]:
    """Log `client` in against `double`, connect in a kept task, wait for ready; close cleanly on exit.

    Build Bots with a small `guild_ready_timeout` (e.g. 0.05) or on_ready waits 2 s.
    """
    apply_discord_endpoints(double.api_base_url, double.gateway_url)
    connect: asyncio.Task[None] | None = None
    try:
        await client.login(token if token is not None else double.token)
        connect = asyncio.create_task(client.connect(reconnect=True), name="discord-double-connect")
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({ready, connect}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready
            if connect in done:
                connect.result()
            raise TimeoutError(f"client not ready within {timeout}s")
        yield client
    finally:
        await client.close()
        if connect is not None:
            try:
                await asyncio.wait_for(connect, timeout)
            except (discord.ConnectionClosed, asyncio.CancelledError, discord.LoginFailure):
                pass
        reset_discord_endpoints()
