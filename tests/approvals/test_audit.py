"""The audit trail: one entry per state change, readable by time and gateway."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from approvals.audit import audit_fields
from approvals.model import RequestState, Verdict
from tests.approvals.examples import HOME_ENTERPRISE, T0, make_config, make_request, make_user
from tests.approvals.store_helpers import GATEWAY, open_store, walk_to_pending

pytestmark = pytest.mark.redis


async def test_every_transition_is_audited_in_order(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="approvals.audit")
    async with open_store(redis_url) as store:
        await walk_to_pending(store, "REQ-AAAA1")
        await store.decide(
            "REQ-AAAA1",
            make_user("U0ALICE"),
            Verdict.APPROVE,
            reason=None,
            now=T0 + timedelta(minutes=3),
            approver_ids=frozenset(),
            policy=make_config(),
        )
        entries = await store.audit.read()
    moves = [(entry.from_state, entry.to_state) for entry in entries]
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
    request = make_request(
        reply_to={"surface": "slash", "channel_id": "C1", "response_url": secret}
    )
    assert secret not in repr(audit_fields(None, request, actor=None))
