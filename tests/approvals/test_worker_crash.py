"""A worker process killed mid-apply: another worker claims its job and finishes it once.

The kill falls after the round of adds has landed in the cloud and before the listing that
reads the new rules' ids has answered: nothing is recorded yet, and the resumed job must find
the rules by their description, own them, and add nothing twice."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from datetime import timedelta

import pytest

from approvals.coordination import RuleKey
from approvals.model import Request, RequestState, RuleOutcome, Verdict
from approvals.worker import Worker, WorkerConfig
from tests.approvals.workflow import ORDERS_GROUPS, Flow, authorize, open_flow
from tests.cloud.adapter_support import PROD_GW
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


async def adds_landed(flow: Flow, request_id: str, process: asyncio.subprocess.Process) -> Request:
    """The request once every one of its rules is in the cloud (the add round has answered).

    Polls the cloud and the store (not a timing assumption: it waits for a state, up to a
    limit). With the emulator's latency the confirming listing is still on its way then.
    """
    description = f"sgbot {request_id}"
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        made = [r for r in flow.mse_rules() if r["description"].startswith(description)]
        if len(made) == len(ORDERS_GROUPS):
            return await flow.store.require(request_id)
        assert process.returncode is None, "the worker process exited on its own"
        await asyncio.sleep(0.01)
    pytest.fail(f"the adds of {request_id} never landed")


async def test_worker_killed_between_the_adds_and_their_listing_resumes_on_its_own_rules(
    redis_url: str, emulator: EmulatorHandle
) -> None:
    prefix = f"crash-{uuid.uuid4().hex[:8]}"
    async with open_flow(redis_url, emulator, prefix=prefix) as flow:
        request = await flow.submit_and_resolve(authorize())
        await flow.decide(request.id, Verdict.APPROVE)
        emulator.set_faults(latency_ms=500)

        process = await asyncio.create_subprocess_exec(
            *[sys.executable, "-m", "bot", "worker", "--consumer", "doomed"],
            env=worker_env(redis_url, prefix, emulator),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            in_flight = await adds_landed(flow, request.id, process)
        finally:
            process.kill()  # SIGKILL: no chance to read the new ids or record them
            await process.wait()
        assert in_flight.state is RequestState.APPLYING
        assert in_flight.results == ()  # killed before the confirming listing answered
        emulator.clear_faults()

        rescuer = Worker(
            flow.context, WorkerConfig(consumer="rescuer", claim_idle=timedelta(milliseconds=1))
        )
        emulator.reset_calls()
        await rescuer.run_until_idle()

        applied = await flow.store.require(request.id)
        assert applied.state is RequestState.APPLIED
        assert sorted(r.security_group_id for r in applied.results) == sorted(ORDERS_GROUPS)
        # Its own rules, recognised by their description: created by this grant, never again.
        assert {r.outcome for r in applied.results} == {RuleOutcome.CREATED}
        assert "AddSecurityGroupRule" not in emulator.calls()
        assert all(len(flow.rules_for(group)) == 1 for group in ORDERS_GROUPS)
        assert all(len(flow.backend_permissions(group)) == 1 for group in ORDERS_GROUPS)
        for result in applied.results:
            assert result.rule_id is not None
            key = RuleKey(PROD_GW, result.security_group_id, result.port_range)
            assert await flow.store.work.owners(key) == {request.id}
        audit = [e for e in await flow.store.audit.read() if e.request_id == request.id]
        assert sum("(found after a restart)" in e.detail for e in audit) == len(ORDERS_GROUPS)
        told = await flow.told_kinds(request.id)
        assert told[told.index("update_card") :] == [
            "update_card",  # the approval
            "update_card",
            "thread_reply",
            "tell_requester",
        ]
        assert await flow.store.work.jobs.depth() == 0
