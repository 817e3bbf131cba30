"""A time-bound grant whose second rule the cloud refused: partly applied, and still ending.

The two adds go out together, and the cloud refuses the one for the second port (a quota, as
the issue reproduced it) while it makes the first. What the grant made must be owned, shown,
removed at the grant's end, completed by Retry without moving that end, and removed by a
revoke; cancelling it is refused, never a silent orphan.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.coordination import RuleKey
from approvals.model import Request, RequestState, RuleOutcome, Verdict
from handlers.blocks import card_for, requester_message
from handlers.ids import ActionId
from tests.approvals.examples import T0, make_user
from tests.approvals.workflow import APPROVER, APPROVER_IDS, Flow, to_group
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from tests.handlers.blockkit import action_ids
from vocabulary.commands import PortRange, RevokeRequest
from vocabulary.errors import PolicyRefused

pytestmark = [pytest.mark.redis, pytest.mark.fault]
LEGACY = "sg-legacyapp01"
PORTS = (8080, 8081)
HOUR = timedelta(hours=1)
QUOTA = {
    "action": "AddSecurityGroupRule",
    "code": "QuotaExceeded.SecurityGroupRule",
    "http_status": 400,
    "message": "The maximum number of rules is reached.",
    "count": None,
    "matching": {"PortRange": f"{PORTS[1]}/{PORTS[1]}"},
}


async def partly_applied(flow: Flow, emulator: EmulatorHandle) -> Request:
    """A one-hour grant for two ports whose second add hits a quota."""
    request = await flow.submit_and_resolve(to_group(LEGACY, ports=PORTS, duration=HOUR))
    await flow.decide(request.id, Verdict.APPROVE)
    emulator.set_faults(fail=[QUOTA])
    await flow.worker.run_until_idle()
    emulator.clear_faults()
    return await flow.store.require(request.id)


def rules(flow: Flow, port: int) -> list[dict[str, object]]:
    return flow.rules_for(LEGACY, f"{port}/{port}")


async def test_partial_failure_keeps_what_it_made_and_says_so(
    flow: Flow, emulator: EmulatorHandle
) -> None:
    grant = await partly_applied(flow, emulator)

    assert grant.state is RequestState.PARTLY_APPLIED
    assert [(r.port_range.start, r.outcome) for r in grant.results] == [
        (8080, RuleOutcome.CREATED),
        (8081, RuleOutcome.FAILED),
    ]
    assert "maximum number of rules" in (grant.results[1].error or "")
    assert grant.grant_expires_at == T0 + HOUR  # from its first rule
    assert len(rules(flow, 8080)) == 1
    assert await flow.store.work.owners(
        RuleKey(PROD_GW, LEGACY, PortRange(start=8080, end=8080))
    ) == {grant.id}
    told = await flow.told_kinds(grant.id)
    assert told[-3:] == ["update_card", "thread_reply", "tell_requester"]
    card = card_for(grant, now=T0, emulated=True)
    assert {ActionId.RETRY, ActionId.END_GRANT} <= set(action_ids(card))
    assert ActionId.CANCEL not in action_ids(card)
    said = requester_message(grant, emulated=True)["text"]
    assert "partly applied" in said
    assert "nothing" not in said
    with pytest.raises(PolicyRefused, match="not cancelled but ended"):
        await flow.service.cancel(grant.id, make_user(), approver_ids=APPROVER_IDS)


async def test_partly_applied_grant_ends_on_time_and_removes_what_it_made(
    flow: Flow, emulator: EmulatorHandle
) -> None:
    grant = await partly_applied(flow, emulator)
    await flow.advance(HOUR)

    ended = await flow.store.require(grant.id)
    assert ended.state is RequestState.REVOKED
    assert [r.outcome for r in ended.results] == [RuleOutcome.DELETED]
    assert rules(flow, 8080) == []
    assert flow.backend_permissions(LEGACY, "8080/8080") == []


async def test_retry_completes_the_rest_without_moving_the_end(
    flow: Flow, emulator: EmulatorHandle
) -> None:
    grant = await partly_applied(flow, emulator)
    await flow.advance(timedelta(minutes=20))
    await flow.service.retry(grant.id, make_user(APPROVER), approver_ids=APPROVER_IDS)
    await flow.worker.run_until_idle()

    done = await flow.store.require(grant.id)
    assert done.state is RequestState.APPLIED
    assert [r.outcome for r in done.results] == [RuleOutcome.CREATED] * 2
    assert done.grant_expires_at == T0 + HOUR
    assert [len(rules(flow, port)) for port in PORTS] == [1, 1]
    assert rules(flow, 8081)[0]["description"] == f"sgbot {grant.id} until 2025-03-01T10:00Z"

    await flow.advance(timedelta(minutes=40))
    assert (await flow.store.require(grant.id)).state is RequestState.REVOKED
    assert [rules(flow, port) for port in PORTS] == [[], []]

    with pytest.raises(PolicyRefused, match="only failed or partly applied"):
        await flow.service.retry(grant.id, make_user(APPROVER), approver_ids=APPROVER_IDS)


async def test_revoke_by_request_id_removes_what_a_partial_grant_made(
    flow: Flow, emulator: EmulatorHandle
) -> None:
    grant = await partly_applied(flow, emulator)
    revoke = await flow.grant(RevokeRequest(request_id=grant.id))

    assert revoke.state is RequestState.APPLIED
    assert [r.outcome for r in revoke.results] == [RuleOutcome.DELETED]
    assert (await flow.store.require(grant.id)).state is RequestState.REVOKED
    assert rules(flow, 8080) == []


async def test_a_partial_grant_past_its_end_is_not_retried(
    flow: Flow, emulator: EmulatorHandle
) -> None:
    grant = await partly_applied(flow, emulator)
    flow.clock.advance(HOUR)  # its end is due; the worker has not run yet

    with pytest.raises(PolicyRefused, match="Ask again for new access"):
        await flow.service.retry(grant.id, make_user(APPROVER), approver_ids=APPROVER_IDS)
