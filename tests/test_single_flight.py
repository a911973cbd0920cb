"""One read per key at a time, its result shared; a write made meanwhile keeps it out of the cache."""

import asyncio

import pytest

from bot.single_flight import SingleFlight


class Reads:
    def __init__(self) -> None:
        self.calls = 0
        self.gate = asyncio.Event()
        self.kept: list[str] = []
        self.fail = False

    async def read(self) -> str:
        self.calls += 1
        number = self.calls
        await self.gate.wait()
        if self.fail:
            raise RuntimeError("database unavailable")
        return f"value {number}"


async def test_callers_during_a_read_share_it_and_it_is_kept_once() -> None:
    flights, reads = SingleFlight(), Reads()
    callers = [asyncio.create_task(flights.load("guild", reads.read, reads.kept.append)) for _ in range(50)]
    await asyncio.sleep(0)
    reads.gate.set()
    assert await asyncio.gather(*callers) == ["value 1"] * 50
    assert reads.calls == 1 and reads.kept == ["value 1"]
    assert await flights.load("guild", reads.read, reads.kept.append) == "value 2"  # over: the next caller reads


async def test_a_read_a_write_made_stale_is_returned_to_its_callers_but_not_kept() -> None:
    flights, reads = SingleFlight(), Reads()
    before_write = asyncio.create_task(flights.load("guild", reads.read, reads.kept.append))
    await asyncio.sleep(0)
    flights.forget("guild")
    after_write = asyncio.create_task(flights.load("guild", reads.read, reads.kept.append))
    await asyncio.sleep(0)
    reads.gate.set()
    assert (await before_write, await after_write) == ("value 1", "value 2")
    assert reads.kept == ["value 2"]


async def test_an_error_reaches_every_caller_and_the_next_caller_reads_again() -> None:
    flights, reads = SingleFlight(), Reads()
    reads.fail = True
    callers = [asyncio.create_task(flights.load("guild", reads.read, reads.kept.append)) for _ in range(3)]
    await asyncio.sleep(0)
    reads.gate.set()
    results = await asyncio.gather(*callers, return_exceptions=True)
    assert [type(result) for result in results] == [RuntimeError] * 3 and reads.kept == []
    reads.fail = False
    assert await flights.load("guild", reads.read, reads.kept.append) == "value 2"


async def test_a_cancelled_caller_does_not_cancel_the_read_others_wait_for() -> None:
    flights, reads = SingleFlight(), Reads()
    impatient = asyncio.create_task(flights.load("guild", reads.read, reads.kept.append))
    patient = asyncio.create_task(flights.load("guild", reads.read, reads.kept.append))
    await asyncio.sleep(0)
    impatient.cancel()
    reads.gate.set()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    assert await patient == "value 1" and reads.kept == ["value 1"]


async def test_keys_are_read_independently() -> None:
    flights, reads = SingleFlight(), Reads()
    reads.gate.set()
    assert await asyncio.gather(flights.load(1, reads.read, reads.kept.append), flights.load(2, reads.read, reads.kept.append)) \
        == ["value 1", "value 2"]
