"""Stopping background loops so they are really gone before the database closes."""

from __future__ import annotations

import asyncio

from discord.ext import tasks


async def stop_loops(*loops: tasks.Loop) -> None:
    """Cancel `loops` and wait for them to finish.

    `Loop.cancel()` only requests cancellation: a loop caught inside a database call keeps its
    connection until it notices, and disposing the engine under it leaves asyncio.run() waiting
    forever for the connection's close at exit.
    """
    running = [task for loop in loops if (task := loop.get_task()) is not None and not task.done()]
    for loop in loops:
        loop.cancel()
    if running:
        await asyncio.gather(*running, return_exceptions=True)
