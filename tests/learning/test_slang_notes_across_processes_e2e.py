"""Two bot processes (two shards sharing the database and Redis): a moderator turning a channel's
slang notes off in one reaches the other, which may be the one relaying that channel's messages."""

from __future__ import annotations

from tests.bridge.conftest import Harness
from tests.bridge.test_fill_ins_across_processes_e2e import DEADLINE, client, process  # noqa: F401 (fixture)


async def test_slang_notes_switched_in_one_process_are_switched_in_the_other(harness: Harness, client, redis_target) -> None:
    channel = harness.chinese.id
    async with process(harness, client, redis_target.prefix, 0) as first, \
            process(harness, client, redis_target.prefix, 1) as second:
        here, there = first.get_cog("BridgeCog").slang_notes, second.get_cog("BridgeCog").slang_notes
        assert here.enabled(channel) and there.enabled(channel)
        await here.set_enabled(channel, False)
        await harness.double.wait_for(lambda: not there.enabled(channel), DEADLINE)
        await here.set_enabled(channel, True)
        await harness.double.wait_for(lambda: there.enabled(channel), DEADLINE)
        # Nothing else was switched: only that channel.
        assert there.enabled(harness.english.id) and here.enabled(channel)
