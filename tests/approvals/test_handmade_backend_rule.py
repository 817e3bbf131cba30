"""A backend rule made by hand before sgbot survives every way sgbot removes access.

``sg-legacyapp01`` already allows 8080 from the gateway's group by a rule made by hand
(``tests.fixtures.handmade``). ECS treats the rule MSE would create as identical, so MSE links
a grant's record to it; deleting that record with a cascade would remove the hand-made rule
and the access it gave before sgbot. The grant's end, End access, an approved ``revoke
REQ-…``, ``revoke rule N`` and ``revoke … from …`` must all leave it, and say so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from approvals.model import Request, RequestState, RuleAction, RuleOutcome
from handlers.blocks import card_for, requester_message
from handlers.describe_plan import plan_lines
from tests.approvals.examples import make_user
from tests.approvals.workflow import APPROVER_IDS, Flow, open_flow, to_group
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.handmade import HANDMADE_GROUP, HANDMADE_RULE
from tests.handlers.blockkit import message_texts
from vocabulary.commands import (
    GatewayRef,
    PortRange,
    RevokeRequest,
    RevokeRule,
    RevokeTarget,
    SecurityGroupTarget,
)

pytestmark = pytest.mark.redis
HOUR = timedelta(hours=1)


@pytest.fixture
async def flow(redis_url: str, handmade: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, handmade) as opened:
        yield opened


def inbound(flow: Flow) -> list[dict[str, Any]]:
    return flow.backend_permissions(HANDMADE_GROUP)


def handmade_kept(flow: Flow) -> bool:
    return [p["security_group_rule_id"] for p in inbound(flow)] == [HANDMADE_RULE]


def said(request: Request) -> str:
    return requester_message(request, emulated=True)["text"]


async def test_the_grants_end_keeps_the_handmade_rule(flow: Flow) -> None:
    pending = await flow.submit_and_resolve(to_group(HANDMADE_GROUP, duration=HOUR))
    [item] = pending.plan
    assert item.action is RuleAction.ADD
    assert item.backend_rule is not None
    assert item.backend_rule.rule_id == HANDMADE_RULE
    assert HANDMADE_RULE in plan_lines(pending)[0]

    granted = await flow.grant_pending(pending.id)
    [created] = granted.results
    assert created.outcome is RuleOutcome.CREATED
    assert created.backend_rule is not None
    assert created.backend_rule.rule_id == HANDMADE_RULE
    assert len(flow.rules_for(HANDMADE_GROUP)) == 1
    assert handmade_kept(flow)  # MSE linked to it; no second inbound rule

    await flow.advance(HOUR)
    ended = await flow.store.require(granted.id)
    assert ended.state is RequestState.REVOKED
    assert flow.rules_for(HANDMADE_GROUP) == []
    assert handmade_kept(flow)
    remains = f"access remains through `{HANDMADE_RULE}`, which sgbot did not create"
    assert remains in said(ended)
    card = "\n".join(message_texts(card_for(ended, now=flow.clock.now(), emulated=True)))
    assert remains in card


async def test_end_access_and_revoke_by_request_keep_the_handmade_rule(flow: Flow) -> None:
    first = await flow.grant(to_group(HANDMADE_GROUP))
    await flow.service.revoke(first.id, make_user(), approver_ids=APPROVER_IDS)
    await flow.worker.run_until_idle()
    assert (await flow.store.require(first.id)).state is RequestState.REVOKED
    assert handmade_kept(flow)

    second = await flow.grant(to_group(HANDMADE_GROUP))
    revoke = await flow.grant(RevokeRequest(request_id=second.id))
    assert revoke.state is RequestState.APPLIED
    assert "stays: " in (revoke.plan[0].reason or "")
    assert (await flow.store.require(second.id)).state is RequestState.REVOKED
    assert flow.rules_for(HANDMADE_GROUP) == []
    assert handmade_kept(flow)


async def test_revoke_rule_says_who_made_it_and_keeps_the_handmade_rule(flow: Flow) -> None:
    granted = await flow.grant(to_group(HANDMADE_GROUP))
    rule_id = granted.results[0].rule_id
    assert rule_id is not None
    pending = await flow.submit_and_resolve(
        RevokeRule(gateway=GatewayRef(value=PROD_GW), rule_id=rule_id)
    )
    [item] = pending.plan
    assert item.created_by == granted.id
    assert item.keep_backend
    assert item.reason is not None
    assert f"made by sgbot for {granted.id}" in item.reason
    assert f"backend rule {HANDMADE_RULE} stays" in item.reason
    assert f"made by sgbot for {granted.id}" in plan_lines(pending)[0]

    revoked = await flow.grant_pending(pending.id)
    assert revoked.state is RequestState.APPLIED
    assert flow.rules_for(HANDMADE_GROUP) == []
    assert handmade_kept(flow)


async def test_revoke_from_a_target_keeps_the_handmade_rule(flow: Flow) -> None:
    await flow.grant(to_group(HANDMADE_GROUP))
    revoke = await flow.grant(
        RevokeTarget(
            gateway=GatewayRef(value="prod-gw"),
            target=SecurityGroupTarget(security_group_id=HANDMADE_GROUP),
            ports=(PortRange(start=8080, end=8080),),
        )
    )
    assert revoke.state is RequestState.APPLIED
    assert revoke.results[0].backend_rule is not None
    assert flow.rules_for(HANDMADE_GROUP) == []
    assert handmade_kept(flow)


async def test_a_rule_sgbot_made_is_still_removed_with_its_record(flow: Flow) -> None:
    granted = await flow.grant(to_group(HANDMADE_GROUP, ports=(9090,), duration=HOUR))
    assert granted.results[0].backend_rule is None
    assert len(flow.backend_permissions(HANDMADE_GROUP, "9090/9090")) == 1
    await flow.advance(HOUR)
    assert flow.backend_permissions(HANDMADE_GROUP, "9090/9090") == []
    assert handmade_kept(flow)


async def test_a_missing_describe_permission_fails_the_apply_naming_it(
    flow: Flow, handmade: EmulatorHandle
) -> None:
    pending = await flow.submit_and_resolve(to_group(HANDMADE_GROUP, ports=(9191,)))
    handmade.set_faults(
        fail=[
            {
                "action": "DescribeSecurityGroupAttribute",
                "code": "Forbidden.RAM",
                "http_status": 403,
                "count": None,
            }
        ]
    )
    failed = await flow.grant_pending(pending.id)
    handmade.clear_faults()
    assert failed.state is RequestState.FAILED
    assert "ecs:DescribeSecurityGroupAttribute" in (failed.state_reason or "")
    assert flow.rules_for(HANDMADE_GROUP, "9191/9191") == []  # nothing added unread
