"""The embedded worker lets Slack requests go first: ``FrontLoad`` and ``Worker.before_round``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from functools import partial

import pytest

from approvals.model import RequestState
from approvals.worker import Worker, WorkerConfig
from bot.front_load import FrontLoad
from tests.approvals.workflow import Flow, open_flow, to_group
from tests.fixtures.emulator import EmulatorHandle


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator, prefix=f"fl-{uuid.uuid4().hex[:8]}") as opened:
        yield opened


async def settled(task: asyncio.Task[None], turns: int = 20) -> bool:
    for _ in range(turns):
        await asyncio.sleep(0)
    return task.done()


async def test_an_idle_front_never_holds_the_worker() -> None:
    front = FrontLoad()
    assert await settled(asyncio.create_task(front.lull(at_most=60)), turns=2)


async def test_the_worker_waits_until_the_last_request_is_answered_and_none_follows() -> None:
    front = FrontLoad()
    with front.serving():
        with front.serving():
            waiting = asyncio.create_task(front.lull(at_most=60, quiet=0.01))
            assert front.in_flight == 2
            assert not await settled(waiting)
        assert not await settled(waiting)
    await asyncio.wait_for(waiting, timeout=10)
    assert front.in_flight == 0


def test_the_front_is_quiet_only_after_a_gap_without_new_requests() -> None:
    now = [100.0]
    front = FrontLoad(monotonic=lambda: now[0])
    with front.serving():
        now[0] += 5
        assert front.quiet_for() == 0.0  # one in flight, however long
    assert front.quiet_for() == 5.0  # counted from when the last request came in
    with front.serving():
        pass
    assert front.quiet_for() == 0.0
    now[0] += 0.5
    assert front.quiet_for() == 0.5


async def test_a_front_that_is_never_quiet_only_slows_the_worker() -> None:
    front = FrontLoad()
    with front.serving():
        await asyncio.wait_for(front.lull(at_most=0.05), timeout=10)
        assert front.in_flight == 1


def test_a_request_that_fails_is_no_longer_counted() -> None:
    front = FrontLoad()
    with pytest.raises(RuntimeError), front.serving():
        raise RuntimeError("the listener failed")
    assert front.in_flight == 0


@pytest.mark.redis
async def test_a_worker_beside_a_busy_front_resolves_once_the_front_is_idle(flow: Flow) -> None:
    front = FrontLoad()
    worker = Worker(
        flow.context,
        WorkerConfig(consumer="beside-front"),
        before_round=partial(front.lull, at_most=3600),
    )
    stop = asyncio.Event()
    with front.serving():
        request_id = await flow.submit(to_group("sg-legacyapp01"))
        running = asyncio.create_task(worker.run(stop))
        for _ in range(50):
            await asyncio.sleep(0.01)  # time enough for many rounds, were it not waiting
        assert (await flow.store.require(request_id)).state is RequestState.RECEIVED
    for _ in range(500):
        if (await flow.store.require(request_id)).state is not RequestState.RECEIVED:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, timeout=30)
    assert (await flow.store.require(request_id)).state is RequestState.PENDING
