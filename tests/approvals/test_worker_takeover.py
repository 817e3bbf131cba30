"""A slow apply keeps its owner: two workers, a 2 s claim idle and 3 s cloud calls.

Each cloud call takes 3 s (the emulator's latency fault), longer than the claim idle, so a job
whose owner did not keep its claim alive would be taken over by the second worker while the
first is still adding rules: both would list, see nothing, and add the same rule twice. With
the claim kept alive by heartbeats, the second worker never gets the job.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from approvals.model import RequestState, RuleOutcome, Verdict
from approvals.worker import Worker, WorkerConfig
from tests.approvals.workflow import Flow, to_group
from tests.fixtures.emulator import EmulatorHandle

pytestmark = [pytest.mark.redis, pytest.mark.fault]
LEGACY = "sg-legacyapp01"
PORTS = (8080, 8081, 8082)
CLAIM_IDLE = timedelta(seconds=2)
CLOUD_LATENCY_MS = 3000
WAIT_LIMIT_S = 120.0


async def test_two_workers_add_each_rule_once_and_record_it_once(
    flow: Flow, emulator: EmulatorHandle
) -> None:
    request = await flow.submit_and_resolve(to_group(LEGACY, ports=PORTS))
    await flow.decide(request.id, Verdict.APPROVE)
    emulator.reset_calls()
    emulator.set_faults(latency_ms=CLOUD_LATENCY_MS)
    stop = asyncio.Event()
    workers = [
        Worker(flow.context, WorkerConfig(consumer=name, claim_idle=CLAIM_IDLE))
        for name in ("first", "second")
    ]
    running = [asyncio.create_task(worker.run(stop)) for worker in workers]
    try:
        deadline = time.monotonic() + WAIT_LIMIT_S
        while (await flow.store.require(request.id)).state is not RequestState.APPLIED:
            assert time.monotonic() < deadline, "the request was never applied"
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.gather(*running)
        emulator.clear_faults()

    applied = await flow.store.require(request.id)
    assert emulator.calls().get("AddSecurityGroupRule") == len(PORTS)
    for port in PORTS:
        assert len(flow.rules_for(LEGACY, f"{port}/{port}")) == 1
        assert len(flow.backend_permissions(LEGACY, f"{port}/{port}")) == 1
    assert [r.outcome for r in applied.results] == [RuleOutcome.CREATED] * len(PORTS)
    recorded = {r.rule_id for r in applied.results}
    assert recorded == {
        rule["id"] for port in PORTS for rule in flow.rules_for(LEGACY, f"{port}/{port}")
    }
