"""Timers driven by the injected clock: reminders, pending expiry, grant warnings and ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.model import RequestState, RuleOutcome, Verdict
from tests.approvals.workflow import Flow, to_group

pytestmark = pytest.mark.redis


async def test_pending_request_is_reminded_then_expires(flow: Flow) -> None:
    request = await flow.submit_and_resolve(to_group("sg-legacyapp01"))
    policy = flow.context.policy

    await flow.advance(policy.pending_ttl - policy.remind_before - timedelta(seconds=1))
    assert "remind_approvers" not in await flow.told_kinds(request.id)
    await flow.advance(timedelta(seconds=1))
    assert (await flow.told_kinds(request.id)).count("remind_approvers") == 1
    assert (await flow.store.require(request.id)).state is RequestState.PENDING

    await flow.advance(policy.remind_before)
    expired = await flow.store.require(request.id)
    assert expired.state is RequestState.EXPIRED
    assert (await flow.told_kinds(request.id))[-2:] == ["update_card", "tell_requester"]
    assert await flow.store.count_pending() == 0


async def test_decided_request_does_not_expire(flow: Flow) -> None:
    request = await flow.submit_and_resolve(to_group("sg-legacyapp01"))
    await flow.decide(request.id, Verdict.APPROVE)
    await flow.advance(flow.context.policy.pending_ttl * 2)

    assert (await flow.store.require(request.id)).state is RequestState.APPLIED
    assert "remind_approvers" not in await flow.told_kinds(request.id)


async def test_time_bound_grant_warns_then_ends_and_rules_go(flow: Flow) -> None:
    granted = await flow.grant(to_group("sg-legacyapp01", duration=timedelta(hours=4)))
    assert granted.grant_expires_at == flow.clock.now() + timedelta(hours=4)
    assert len(flow.rules_for("sg-legacyapp01")) == 1

    await flow.advance(timedelta(hours=3) - timedelta(seconds=1))
    assert "warn_grant_expiry" not in await flow.told_kinds(granted.id)
    await flow.advance(timedelta(seconds=1))  # grant_warn_before (1h) before the end
    assert (await flow.told_kinds(granted.id)).count("warn_grant_expiry") == 1
    assert len(flow.rules_for("sg-legacyapp01")) == 1

    await flow.advance(timedelta(hours=1))
    ended = await flow.store.require(granted.id)
    assert ended.state is RequestState.REVOKED
    assert [r.outcome for r in ended.results] == [RuleOutcome.DELETED]
    assert flow.rules_for("sg-legacyapp01") == []
    assert flow.backend_permissions("sg-legacyapp01") == []  # cascaded
    assert (await flow.told_kinds(ended.id))[-1] == "tell_requester"


async def test_permanent_grant_has_no_end(flow: Flow) -> None:
    granted = await flow.grant(to_group("sg-legacyapp01"))
    await flow.advance(timedelta(days=400))

    assert (await flow.store.require(granted.id)).state is RequestState.APPLIED
    assert len(flow.rules_for("sg-legacyapp01")) == 1
