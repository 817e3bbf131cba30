"""A cloud call is re-sent at two levels only: the transport (reads), and the job's step.

The emulator fails ``ListGateway`` a given number of times; its call counts show how often the
read went out. Nothing between the transport and the job may add attempts of its own, so a
read that never succeeds is sent exactly (transport attempts times job attempts) times, and one
that fails fewer times is sent once more than it failed. A write the transport never re-sends:
after a failed add the rule layer only reads, so each of the job's steps sends it once.
"""

from __future__ import annotations

import pytest

from approvals.model import RequestState
from tests.approvals.workflow import ORDERS_GROUPS, authorize, open_flow
from tests.fixtures.emulator import EmulatorHandle

pytestmark = pytest.mark.redis
TRANSPORT_ATTEMPTS = 4  # tests.cloud.adapter_support.make_cloud's default
READ = "ListGateway"


@pytest.mark.parametrize(
    ("failures", "state"),
    [
        (1, RequestState.PENDING),
        (TRANSPORT_ATTEMPTS + 1, RequestState.PENDING),  # the job's second step succeeds
        (None, RequestState.REJECTED),  # fails every time
    ],
    ids=["once", "past-the-transport", "always"],
)
async def test_a_failing_read_is_sent_at_most_transport_times_job_attempts(
    redis_url: str, emulator: EmulatorHandle, failures: int | None, state: RequestState
) -> None:
    async with open_flow(redis_url, emulator) as flow:
        most = TRANSPORT_ATTEMPTS * flow.context.attempts
        emulator.set_faults(
            fail=[{"action": READ, "code": "InternalError", "http_status": 500, "count": failures}]
        )
        emulator.reset_calls()
        request = await flow.submit_and_resolve(authorize())
        sent = emulator.calls()[READ]
    assert request.state is state
    assert sent == (most if failures is None else failures + 1)
    assert sent <= most


async def test_a_failing_add_is_sent_once_per_job_step(
    redis_url: str, emulator: EmulatorHandle
) -> None:
    async with open_flow(redis_url, emulator) as flow:
        pending = await flow.submit_and_resolve(authorize())
        emulator.set_faults(
            fail=[
                {
                    "action": "AddSecurityGroupRule",
                    "code": "InternalError",
                    "http_status": 500,
                    "count": None,
                }
            ]
        )
        emulator.reset_calls()
        ended = await flow.grant_pending(pending.id)
        calls = emulator.calls()
    assert ended.state is RequestState.FAILED
    # Each step sends each planned add once (together), and never again within the step.
    assert calls["AddSecurityGroupRule"] == flow.context.attempts * len(ORDERS_GROUPS)
    assert calls["ListSecurityGroupRule"] > calls["AddSecurityGroupRule"]  # checked by reading
