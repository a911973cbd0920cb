"""The lanes of one process among several: another process's channels get no copies, edits or deletes
from here (they were handed over), but the bridge cog's work it waits for still runs."""

from __future__ import annotations

import asyncio

from bot.bridge.lanes import OrderedPipelines
from bot.bridge.deliver.route import LanesHere

LOCAL, REMOTE = 1, 2


async def test_other_processes_channels_get_no_engine_work_but_awaited_cog_work_runs() -> None:
    ran: list[str] = []
    lanes = LanesHere(OrderedPipelines(), lambda channel_id: channel_id == LOCAL)

    async def nothing() -> None:
        return None

    def deliver(name: str):
        async def done(_: object) -> None:
            ran.append(name)

        return done

    for channel_id, label in [(LOCAL, "message 1"), (REMOTE, "message 1"), (REMOTE, "edit 1"), (REMOTE, "delete [1]"),
                              (REMOTE, "open thread 5"), (REMOTE, "open post 6"), (REMOTE, "thread state 2"),
                              (LOCAL, "edit 1")]:
        lanes.submit(channel_id, nothing, deliver(f"{channel_id}:{label}"), label=label)
    assert await asyncio.wait_for(lanes.drain(10), 20)
    assert sorted(ran) == sorted(["1:message 1", "1:edit 1", "2:open thread 5", "2:open post 6", "2:thread state 2"])
    assert lanes.backlog(REMOTE) == 0  # the rest of the lanes' API is the engine's own
