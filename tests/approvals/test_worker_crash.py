"""A worker process killed mid-apply: another worker claims its job and finishes it once."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from datetime import timedelta

import pytest

from approvals.model import Request, RequestState, Verdict
from approvals.worker import Worker, WorkerConfig
from tests.approvals.workflow import ORDERS_GROUPS, Flow, authorize, open_flow
from tests.fixtures.emulator import EmulatorHandle

pytestmark = [pytest.mark.redis, pytest.mark.fault]
WAIT_LIMIT_S = 60.0


def worker_env(redis_url: str, prefix: str, emulator: EmulatorHandle) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": redis_url,
        "SGBOT_KEY_PREFIX": prefix,
        **emulator.bot_env(),
    }


async def first_rule_recorded(
    flow: Flow, request_id: str, process: asyncio.subprocess.Process
) -> Request:
    """Polls the store (not a timing assumption: it waits for a state, up to a limit)."""
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        request = await flow.store.require(request_id)
        if request.state is RequestState.APPLYING and request.results:
            return request
        assert process.returncode is None, "the worker process exited on its own"
        await asyncio.sleep(0.02)
    pytest.fail(f"{request_id} never started applying in the worker process")


async def test_killed_worker_job_is_finished_by_another_without_duplicates(
    redis_url: str, emulator: EmulatorHandle
) -> None:
    prefix = f"crash-{uuid.uuid4().hex[:8]}"
    async with open_flow(redis_url, emulator, prefix=prefix) as flow:
        request = await flow.submit_and_resolve(authorize())
        await flow.decide(request.id, Verdict.APPROVE)
        emulator.set_faults(latency_ms=300)

        process = await asyncio.create_subprocess_exec(
            *[sys.executable, "-m", "bot", "worker", "--consumer", "doomed"],
            env=worker_env(redis_url, prefix, emulator),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            in_flight = await first_rule_recorded(flow, request.id, process)
        finally:
            process.kill()  # SIGKILL: no chance to finish or clean up
            await process.wait()
        assert len(in_flight.results) < len(ORDERS_GROUPS)  # killed part-way

        # Latency stays on: an add the dead worker sent is still acted on before any later
        # listing, as it would be by the cloud.
        rescuer = Worker(
            flow.context, WorkerConfig(consumer="rescuer", claim_idle=timedelta(milliseconds=1))
        )
        await rescuer.run_until_idle()

        applied = await flow.store.require(request.id)
        assert applied.state is RequestState.APPLIED
        assert sorted(r.security_group_id for r in applied.results) == sorted(ORDERS_GROUPS)
        assert all(len(flow.rules_for(group)) == 1 for group in ORDERS_GROUPS)
        assert all(len(flow.backend_permissions(group)) == 1 for group in ORDERS_GROUPS)
        told = await flow.told_kinds(request.id)
        assert told[told.index("update_card") :] == [
            "update_card",  # the approval
            "update_card",
            "thread_reply",
            "tell_requester",
        ]
        assert await flow.store.work.jobs.depth() == 0
