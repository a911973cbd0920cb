"""Ordered per-channel pipelines: concurrent preparation, delivery in submission order."""

import asyncio

from bot.bridge.lanes import OrderedPipelines


async def test_delivery_follows_submission_order_when_preparation_finishes_out_of_order() -> None:
    pipelines = OrderedPipelines()
    delivered: list[int] = []

    def job(number: int, delay: float):
        async def prepare() -> int:
            await asyncio.sleep(delay)
            return number

        async def deliver(value: int) -> None:
            delivered.append(value)

        return prepare, deliver

    for number, delay in enumerate([0.05, 0.0, 0.03, 0.01]):
        pipelines.submit("lane", *job(number, delay))
    assert await pipelines.drain(2)
    assert delivered == [0, 1, 2, 3]


async def test_a_slow_lane_does_not_hold_up_another() -> None:
    pipelines = OrderedPipelines()
    delivered: list[str] = []
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "slow"

    async def fast() -> str:
        return "fast"

    async def deliver(value: str) -> None:
        delivered.append(value)

    pipelines.submit("a", slow, deliver)
    pipelines.submit("b", fast, deliver)
    await asyncio.sleep(0.01)
    assert delivered == ["fast"]
    assert pipelines.backlog("a") == 1
    gate.set()
    assert await pipelines.drain(1)
    assert delivered == ["fast", "slow"]


async def test_a_failing_job_is_logged_and_the_lane_goes_on(caplog) -> None:
    pipelines = OrderedPipelines()
    delivered: list[int] = []

    async def broken() -> int:
        raise RuntimeError("boom")

    async def fine() -> int:
        return 2

    async def deliver(value: int) -> None:
        delivered.append(value)

    pipelines.submit("lane", broken, deliver)
    pipelines.submit("lane", fine, deliver)
    assert await pipelines.drain(1)
    assert delivered == [2]
    assert "bridge job failed" in caplog.text


async def test_drain_times_out_and_cancel_stops_everything() -> None:
    pipelines = OrderedPipelines()
    never = asyncio.Event()

    async def stuck() -> None:
        await never.wait()

    async def deliver(_: object) -> None:
        pass

    pipelines.submit("lane", stuck, deliver)
    assert not await pipelines.drain(0.05)
    await pipelines.cancel()
    assert pipelines.total_backlog == 0
    assert await pipelines.drain(0.01)


async def test_a_lane_prepares_at_most_lookahead_jobs_ahead_and_keeps_order() -> None:
    pipelines = OrderedPipelines(lookahead=3)
    running = 0
    most = 0
    delivered: list[int] = []
    gate = asyncio.Event()

    def job(number: int):
        async def prepare() -> int:
            nonlocal running, most
            running += 1
            most = max(most, running)
            await gate.wait()
            running -= 1
            return number

        async def deliver(value: int) -> None:
            delivered.append(value)

        return prepare, deliver

    for number in range(10):
        pipelines.submit("lane", *job(number))
    await asyncio.sleep(0.01)
    assert running == 3
    gate.set()
    assert await pipelines.drain(2)
    assert delivered == list(range(10))
    assert most == 3
