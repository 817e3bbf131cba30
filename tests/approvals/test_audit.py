"""The audit trail: state changes, every decision, readable by time and gateway."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from approvals.audit import AuditEvent, audit_fields
from approvals.model import RequestState
from tests.approvals.examples import HOME_ENTERPRISE, T0, make_request, make_user
from tests.approvals.store_helpers import GATEWAY, decide, open_store, walk_to_pending
from tests.approvals.workflow import APPROVER_IDS, open_flow, to_group
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.errors import PolicyRefused

pytestmark = pytest.mark.redis


async def test_every_transition_is_audited_in_order(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="approvals.audit")
    async with open_store(redis_url) as store:
        await walk_to_pending(store, "REQ-AAAA1")
        await decide(store, "REQ-AAAA1", now=T0 + timedelta(minutes=3))
        entries = await store.audit.read()
    moves = [(e.from_state, e.to_state) for e in entries if e.event is AuditEvent.STATE]
    assert moves == [
        ("", RequestState.RECEIVED),
        ("received", RequestState.RESOLVING),
        ("resolving", RequestState.PENDING),
        ("pending", RequestState.APPROVED),
    ]
    approved = entries[-1]
    assert approved.actor == f"{HOME_ENTERPRISE}:U0ALICE"
    assert (approved.gateway_id, approved.groups, approved.ports) == (
        GATEWAY,
        ("sg-backend1",),
        ("8080",),
    )
    assert approved.at == T0 + timedelta(minutes=3)
    assert "request REQ-AAAA1 pending -> approved" in caplog.text


async def test_both_approvers_of_a_two_approver_request_are_audited(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        await walk_to_pending(store, "REQ-AAAA1", required_approvals=2)
        for minutes, approver, reason in ((2, "U0ALICE", "checked"), (5, "U0BOB", None)):
            await decide(
                store,
                "REQ-AAAA1",
                user_id=approver,
                reason=reason,
                now=T0 + timedelta(minutes=minutes),
            )
        entries = await store.audit.read()
    decisions = [e for e in entries if e.event is AuditEvent.DECISION]
    assert [(e.actor, e.at, e.reason, e.detail) for e in decisions] == [
        (
            f"{HOME_ENTERPRISE}:U0ALICE",
            T0 + timedelta(minutes=2),
            "checked",
            "approve; 1 of 2 approvals",
        ),
        (f"{HOME_ENTERPRISE}:U0BOB", T0 + timedelta(minutes=5), "", "approve; 2 of 2 approvals"),
    ]
    assert all(e.to_state is None and e.request_id == "REQ-AAAA1" for e in decisions)
    assert entries[-1].to_state is RequestState.APPROVED


async def test_read_filters_by_time_and_gateway(redis_url: str) -> None:
    async with open_store(redis_url) as store:
        await walk_to_pending(store, "REQ-AAAA1", at=T0)
        await walk_to_pending(store, "REQ-AAAA2", at=T0 + timedelta(hours=2), intake_key="k2")
        recent = await store.audit.read(since=T0 + timedelta(hours=1))
        elsewhere = await store.audit.read(gateway_id="gw-" + "b" * 32)
        limited = await store.audit.read(limit=2)
    assert {entry.request_id for entry in recent} == {"REQ-AAAA2"}
    assert elsewhere == []
    assert len(limited) == 2


def test_audit_fields_never_carry_the_response_url() -> None:
    secret = "https://hooks.slack.com/commands/T0/secret-token"
    request = make_request(reply_to={"surface": "slash", "channel_id": "C1", "reply_url": secret})
    assert secret not in repr(audit_fields(None, request, actor=None))


async def test_cloud_writes_and_refusals_are_audited(
    redis_url: str, emulator: EmulatorHandle
) -> None:
    async with open_flow(redis_url, emulator) as flow:
        granted = await flow.grant(to_group("sg-legacyapp01"))
        await flow.service.revoke(granted.id, make_user(), approver_ids=APPROVER_IDS)
        await flow.worker.run_until_idle()
        with pytest.raises(PolicyRefused):
            await flow.service.revoke(
                granted.id, make_user("U0GUEST", is_restricted=True), approver_ids=APPROVER_IDS
            )
        entries = await flow.store.audit.read()
        [result] = (await flow.store.require(granted.id)).results
    writes = [e for e in entries if e.event is AuditEvent.CLOUD_WRITE]
    assert [e.detail for e in writes] == [
        f"add rule {result.rule_id}",
        f"delete rule {result.rule_id} with its backend rule",
    ]
    assert all(e.cloud_request_ids and e.request_id == granted.id for e in writes)
    assert writes[1].cloud_request_ids == (result.cloud_request_id,)
    assert (writes[0].groups, writes[0].ports) == (("sg-legacyapp01",), ("8080/8080",))
    [refusal] = [e for e in entries if e.event is AuditEvent.REFUSED]
    assert (refusal.actor, refusal.detail) == (f"{HOME_ENTERPRISE}:U0GUEST", f"end {granted.id}")
    assert "guest accounts cannot" in refusal.reason
