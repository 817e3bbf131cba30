"""Readiness and the backlog gauges, in process on a real Redis and the emulator."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest

from approvals.effects import Job, JobKind
from approvals.model import RequestState
from approvals.worker import Worker, WorkerConfig
from bot import backlog
from bot.health import Probe
from bot.metrics import Metrics
from tests.approvals.workflow import Flow, open_flow, to_group
from tests.fixtures.emulator import EmulatorHandle

pytestmark = pytest.mark.redis


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator, prefix=f"hl-{uuid.uuid4().hex[:8]}") as opened:
        yield opened


async def until(condition: Callable[[], bool], limit_s: float = 10.0) -> None:
    """Waits for a state, not a duration: returns as soon as ``condition`` holds."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


def gauge(metrics: Metrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels or None)
    assert value is not None, name
    return value


async def test_a_worker_that_stops_finishing_rounds_is_not_ready(flow: Flow) -> None:
    config = WorkerConfig(consumer="probed", claim_idle=timedelta(seconds=5))
    worker = Worker(flow.context, config)
    now = [1000.0]
    probe = Probe(flow.store, Metrics(), flow.clock, "emulator", worker, monotonic=lambda: now[0])
    allowed = (config.claim_idle + config.block).total_seconds()

    assert probe.worker_problem() is None  # just started: it has one interval
    now[0] += allowed + 1
    assert probe.worker_problem() == f"the worker has not finished a round for {allowed + 1:.0f} s"

    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    await until(lambda: worker.last_round_at is not None)
    probe.monotonic = time.monotonic
    assert probe.worker_problem() is None
    assert await probe.redis_problem() is None

    # While it finishes rounds, its heartbeat is recorded for every replica's metrics to see.
    metrics = Metrics()
    await backlog.refresh(metrics, flow.store, flow.clock.now())
    assert gauge(metrics, "sgbot_worker_idle_seconds") == float("inf")
    beating = asyncio.create_task(backlog.beat(probe, "probed", stop))
    for _ in range(200):  # waits for a state, up to 10 s
        if await flow.store.client.zscore(flow.store.keys.workers, "probed") is not None:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(running, beating)
    await backlog.refresh(metrics, flow.store, flow.clock.now() + timedelta(seconds=7))
    assert gauge(metrics, "sgbot_worker_idle_seconds") == 7


async def test_backlog_gauges_show_overdue_ends_and_redelivered_jobs(flow: Flow) -> None:
    grant = await flow.grant(to_group("sg-legacyapp01", duration=timedelta(hours=1)))
    assert grant.state is RequestState.APPLIED
    assert grant.grant_expires_at is not None
    metrics = Metrics()

    await backlog.refresh(metrics, flow.store, grant.grant_expires_at - timedelta(minutes=10))
    assert gauge(metrics, "sgbot_grants_overdue") == 0
    assert gauge(metrics, "sgbot_timers_overdue", kind="grant_end") == 0

    # Nobody runs the timers: the end is due, then overdue.
    late = grant.grant_expires_at + timedelta(minutes=5)
    await backlog.refresh(metrics, flow.store, late)
    assert gauge(metrics, "sgbot_timers_overdue", kind="grant_end") == 1
    assert gauge(metrics, "sgbot_grants_overdue") == 1

    # The removal fails for good: the grant stays applied, its timer is set again ahead, and
    # it is still counted as overdue though no timer is late any more.
    flow.emulator.set_faults(
        fail=[{"action": "DeleteSecurityGroupRule", "code": "Forbidden", "http_status": 403,
               "count": None}]
    )  # fmt: skip
    flow.clock.advance(late - flow.clock.now())
    await flow.worker.run_until_idle()
    kept = await flow.store.require(grant.id)
    assert kept.state is RequestState.APPLIED
    await backlog.refresh(metrics, flow.store, flow.clock.now())
    assert gauge(metrics, "sgbot_timers_overdue", kind="grant_end") == 0
    assert gauge(metrics, "sgbot_grants_overdue") == 1

    # A job one worker read and never finished, taken over by another: handed out twice.
    assert gauge(metrics, "sgbot_jobs_redelivered") == 0
    work = flow.store.work
    await work.enqueue_job(Job(kind=JobKind.RESOLVE, request_id="REQ-00000"))
    await work.read_jobs("dies", 1)
    assert await work.claim_stale_jobs("survivor", 0, 1)
    await backlog.refresh(metrics, flow.store, flow.clock.now())
    assert gauge(metrics, "sgbot_jobs_waiting") == 1
    assert gauge(metrics, "sgbot_jobs_redelivered") == 1


async def test_gauges_before_any_job_or_worker(flow: Flow) -> None:
    await flow.store.client.delete(flow.store.keys.jobs)  # no consumer group either
    metrics = Metrics()
    await backlog.refresh(metrics, flow.store, flow.clock.now())
    assert gauge(metrics, "sgbot_worker_idle_seconds") == float("inf")
    assert gauge(metrics, "sgbot_jobs_waiting") == 0
    assert gauge(metrics, "sgbot_jobs_redelivered") == 0
