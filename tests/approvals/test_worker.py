"""Full flows through the service and an in-process worker, on real Redis and the emulator."""

from __future__ import annotations

import asyncio

import pytest

from approvals.model import RequestState, RuleAction, RuleOutcome, Verdict
from tests.approvals.examples import make_user
from tests.approvals.workflow import (
    APPROVER_IDS,
    ORDERS_GROUPS,
    Flow,
    authorize,
    to_group,
)
from tests.cloud.adapter_support import PROD_GW
from vocabulary.commands import InstanceTarget, ServiceTarget

pytestmark = pytest.mark.redis


async def test_authorize_service_goes_pending_with_groups_path_and_plan(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize())

    assert request.state is RequestState.PENDING
    assert request.gateway_id == PROD_GW
    assert tuple(g.security_group_id for g in request.groups) == ORDERS_GROUPS
    assert request.resolution_path is not None
    assert "np-web (sg-ackpoola01)" in request.resolution_path
    assert [(p.security_group_id, p.action) for p in request.plan] == [
        (group, RuleAction.ADD) for group in ORDERS_GROUPS
    ]
    assert request.expires_at == flow.clock.now() + flow.context.policy.pending_ttl
    assert request.required_approvals == 1
    assert await flow.told_kinds(request.id) == ["post_card", "tell_requester"]
    assert flow.mse_rules() == flow.emulator.state()["mse_rules"][PROD_GW]
    assert len(flow.mse_rules()) == 1  # nothing written before approval


async def test_approved_request_is_applied_once_per_group(flow: Flow) -> None:
    request = await flow.grant(authorize())

    assert request.state is RequestState.APPLIED
    assert [r.outcome for r in request.results] == [RuleOutcome.CREATED] * 3
    for group in ORDERS_GROUPS:
        assert len(flow.rules_for(group)) == 1
        assert len(flow.backend_permissions(group)) == 1
    assert await flow.told_kinds(request.id) == [
        "post_card",
        "tell_requester",
        "update_card",  # the approval
        "update_card",
        "thread_reply",
        "tell_requester",
    ]
    audit = [e for e in await flow.store.audit.read() if e.request_id == request.id]
    assert [e.to_state or e.event.value for e in audit] == [
        RequestState.RECEIVED,
        RequestState.RESOLVING,
        RequestState.PENDING,
        "decision",
        RequestState.APPROVED,
        RequestState.APPLYING,
        *["cloud_write"] * 3,
        RequestState.APPLIED,
    ]
    assert audit[-1].cloud_request_ids
    assert all(audit[-1].cloud_request_ids)


async def test_denied_request_changes_nothing(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize())
    await flow.decide(request.id, Verdict.DENY)
    await flow.worker.run_until_idle()

    assert (await flow.store.require(request.id)).state is RequestState.DENIED
    assert len(flow.mse_rules()) == 1
    assert "AddSecurityGroupRule" not in flow.emulator.calls()


async def test_sensitive_port_needs_two_approvers(flow: Flow) -> None:
    request = await flow.submit_and_resolve(to_group("sg-legacyapp01", (22,)))
    assert request.required_approvals == 2
    await flow.decide(request.id, Verdict.APPROVE)
    await flow.worker.run_until_idle()
    assert (await flow.store.require(request.id)).state is RequestState.PENDING
    await flow.decide(request.id, Verdict.APPROVE, user_id="U0BOB")
    await flow.worker.run_until_idle()
    assert (await flow.store.require(request.id)).state is RequestState.APPLIED
    assert len(flow.rules_for("sg-legacyapp01", "22/22")) == 1


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        pytest.param(authorize(ServiceTarget(name="crm")), "enterprise", id="enterprise-group"),
        pytest.param(to_group("sg-othervpc01"), "vpc-other02", id="other-vpc"),
        pytest.param(authorize(ServiceTarget(name="partner-api")), "DNS", id="unresolvable"),
        pytest.param(authorize(ServiceTarget(name="nosuch")), "no service", id="unknown"),
    ],
)
async def test_refused_requests_are_rejected_and_only_the_requester_told(
    flow: Flow, command: object, reason: str
) -> None:
    assert not isinstance(command, str)
    request = await flow.submit_and_resolve(command)  # type: ignore[arg-type]

    assert request.state is RequestState.REJECTED
    assert request.state_reason is not None
    assert reason in request.state_reason
    assert await flow.told_kinds(request.id) == ["tell_requester"]
    assert await flow.store.count_pending() == 0


async def test_rule_already_in_place_is_rejected_naming_it(flow: Flow) -> None:
    request = await flow.submit_and_resolve(to_group("sg-ackpoola01", (443,)))

    assert request.state is RequestState.REJECTED
    assert request.state_reason == "already in place: rule 1 covers sg-ackpoola01 ports 443"


async def test_partly_covered_request_plans_only_the_missing_ports(flow: Flow) -> None:
    request = await flow.submit_and_resolve(to_group("sg-ackpoola01", (443, 8443)))

    assert [(str(p.port_range), p.action) for p in request.plan] == [
        ("443", RuleAction.SKIP),
        ("8443", RuleAction.ADD),
    ]


async def test_second_identical_pending_request_points_to_the_first(flow: Flow) -> None:
    first = await flow.submit_and_resolve(authorize(InstanceTarget(instance_id="i-multi002")))
    second = await flow.submit_and_resolve(authorize(InstanceTarget(instance_id="i-multi002")))

    assert first.state is RequestState.PENDING
    assert second.state is RequestState.REJECTED
    assert second.state_reason == f"same as {first.id}, which is pending"


async def test_concurrent_approve_and_deny_have_one_outcome(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize())
    deciders = [f"U0APPR{i:02d}" for i in range(50)]
    verdicts = [Verdict.APPROVE if i % 2 else Verdict.DENY for i in range(50)]

    results = await asyncio.gather(
        *(
            flow.service.decide(
                request.id,
                make_user(user_id),
                verdict,
                approver_ids=APPROVER_IDS | frozenset(deciders),
            )
            for user_id, verdict in zip(deciders, verdicts, strict=True)
        )
    )
    await flow.worker.run_until_idle()

    deciding = [r for r in results if r.outcome is not None]
    assert len(deciding) == 1
    final = await flow.store.require(request.id)
    assert len(final.decisions) == 1
    adds = flow.emulator.calls().get("AddSecurityGroupRule", 0)
    if final.decisions[0].verdict is Verdict.DENY:
        assert final.state is RequestState.DENIED
        assert adds == 0
        assert len(flow.mse_rules()) == 1
    else:
        assert final.state is RequestState.APPLIED
        assert adds == len(ORDERS_GROUPS)
        assert all(len(flow.rules_for(group)) == 1 for group in ORDERS_GROUPS)
