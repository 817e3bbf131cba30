"""Grants sharing rules: ownership decides what a grant's end or revoke may delete."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.coordination import RuleKey
from approvals.model import RequestState, RuleAction, RuleOutcome
from tests.approvals.examples import make_user
from tests.approvals.workflow import APPROVER_IDS, Flow, to_group
from tests.cloud.adapter_support import PROD_GW
from vocabulary.commands import GatewayRef, PortRange, RevokeRequest, RevokeRule

pytestmark = pytest.mark.redis
LEGACY = "sg-legacyapp01"
RULE_KEY = RuleKey(PROD_GW, LEGACY, PortRange(start=8080, end=8080))


async def test_expiring_grant_leaves_the_permanent_ones_rule(flow: Flow) -> None:
    permanent = await flow.grant(to_group(LEGACY))
    temporary = await flow.submit_and_resolve(to_group(LEGACY, duration=timedelta(hours=2)))
    assert [p.action for p in temporary.plan] == [RuleAction.ADD]  # co-owns, not skipped
    temporary = await flow.grant_pending(temporary.id)

    rule_id = permanent.results[0].rule_id
    assert temporary.results[0].outcome is RuleOutcome.EXISTED
    assert temporary.results[0].rule_id == rule_id
    assert await flow.store.work.owners(RULE_KEY) == {permanent.id, temporary.id}

    await flow.advance(timedelta(hours=2))

    ended = await flow.store.require(temporary.id)
    assert ended.state is RequestState.REVOKED
    assert ended.state_reason is not None
    assert f"rule {rule_id} ({LEGACY} ports 8080) stays: still needed by {permanent.id}" in (
        ended.state_reason
    )
    assert [r["id"] for r in flow.rules_for(LEGACY)] == [rule_id]
    assert len(flow.backend_permissions(LEGACY)) == 1
    assert await flow.store.work.owners(RULE_KEY) == {permanent.id}
    audit = [e for e in await flow.store.audit.read() if e.request_id == temporary.id]
    assert "still needed by" in audit[-1].reason


async def test_revoke_by_request_id_through_approval_ends_the_grant(flow: Flow) -> None:
    granted = await flow.grant(to_group(LEGACY))
    revoke = await flow.grant(RevokeRequest(request_id=granted.id))

    assert revoke.state is RequestState.APPLIED
    assert [r.outcome for r in revoke.results] == [RuleOutcome.DELETED]
    assert (await flow.store.require(granted.id)).state is RequestState.REVOKED
    assert flow.rules_for(LEGACY) == []
    assert flow.backend_permissions(LEGACY) == []


async def test_requester_ends_a_grant_early_without_approval(flow: Flow) -> None:
    granted = await flow.grant(to_group(LEGACY))
    await flow.service.revoke(granted.id, make_user(), approver_ids=APPROVER_IDS)
    await flow.worker.run_until_idle()

    assert (await flow.store.require(granted.id)).state is RequestState.REVOKED
    assert flow.rules_for(LEGACY) == []


async def test_revoke_rule_keeping_the_backend_rule(flow: Flow) -> None:
    granted = await flow.grant(to_group(LEGACY))
    rule_id = granted.results[0].rule_id
    assert rule_id is not None
    revoke = await flow.grant(
        RevokeRule(gateway=GatewayRef(value=PROD_GW), rule_id=rule_id, keep_backend_rule=True)
    )

    assert revoke.state is RequestState.APPLIED
    assert revoke.state_reason == (
        f"rule {rule_id} was held by {granted.id}; they no longer rely on it; "
        f"the backend rule stays: {flow.backend_permissions(LEGACY)[0]['security_group_rule_id']} "
        "is kept as asked"
    )
    assert flow.rules_for(LEGACY) == []
    assert len(flow.backend_permissions(LEGACY)) == 1  # kept as asked
    assert await flow.store.work.owners(RULE_KEY) == set()
