"""Job handlers under cloud faults: throttling, refused permissions, late replies, retries."""

from __future__ import annotations

from typing import Any

import pytest

from approvals.effects import NO_EFFECTS, Job, JobKind
from approvals.job_context import take
from approvals.jobs import run_job
from approvals.model import CardRef, RequestState, RuleOutcome
from tests.approvals.examples import make_user
from tests.approvals.workflow import (
    APPROVER,
    APPROVER_IDS,
    ORDERS_GROUPS,
    Flow,
    authorize,
    open_flow,
)
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.errors import PolicyRefused

pytestmark = [pytest.mark.redis, pytest.mark.fault]


def denied(action: str, count: int | None = None) -> dict[str, Any]:
    return {"action": action, "code": "NoPermission", "http_status": 403, "count": count}


async def test_throttled_cloud_still_applies_each_rule_once(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    flow.emulator.set_faults(throttle_fraction=0.4, seed=5, retry_after_ms=0)

    await flow.worker.run_until_idle()

    request = await flow.store.require(request_id)
    assert request.state is RequestState.APPLIED
    assert all(len(flow.rules_for(group)) == 1 for group in ORDERS_GROUPS)
    assert all(len(flow.backend_permissions(group)) == 1 for group in ORDERS_GROUPS)
    assert flow.emulator.calls()["AddSecurityGroupRule"] >= len(ORDERS_GROUPS)


async def test_refused_permission_fails_naming_the_ram_action_then_retry_applies(
    flow: Flow,
) -> None:
    request_id = await flow.approve(authorize())
    flow.emulator.set_faults(fail=[denied("AddSecurityGroupRule", count=None)])

    await flow.worker.run_until_idle()

    failed = await flow.store.require(request_id)
    assert failed.state is RequestState.FAILED
    assert failed.state_reason is not None
    assert "mse:AddSecurityGroupRule" in failed.state_reason
    assert failed.incident_id is not None
    assert failed.incident_id.startswith("INC-")
    assert (await flow.told_kinds(request_id))[-3:] == [
        "update_card",
        "thread_reply",
        "tell_requester",
    ]
    # Sent once for each planned rule (they go out together); permanent: not retried.
    assert flow.emulator.calls()["AddSecurityGroupRule"] == len(ORDERS_GROUPS)

    flow.emulator.clear_faults()
    await flow.service.retry(request_id, make_user(APPROVER), approver_ids=APPROVER_IDS)
    await flow.worker.run_until_idle()

    applied = await flow.store.require(request_id)
    assert applied.state is RequestState.APPLIED
    assert all(len(flow.rules_for(group)) == 1 for group in ORDERS_GROUPS)


async def test_partial_failure_keeps_what_was_created_and_retry_finishes(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    # The first add succeeds, the second is refused once.
    flow.emulator.set_faults(fail=[denied("AddSecurityGroupRule")])
    await flow.worker.run_until_idle()
    assert (await flow.store.require(request_id)).state is RequestState.FAILED
    flow.emulator.clear_faults()
    await flow.service.retry(request_id, make_user(APPROVER), approver_ids=APPROVER_IDS)
    await flow.worker.run_until_idle()

    applied = await flow.store.require(request_id)
    assert applied.state is RequestState.APPLIED
    assert sorted(r.security_group_id for r in applied.results) == sorted(ORDERS_GROUPS)
    assert all(len(flow.rules_for(group)) == 1 for group in ORDERS_GROUPS)


async def test_retry_is_for_approvers_only(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    flow.emulator.set_faults(fail=[denied("AddSecurityGroupRule", count=None)])
    await flow.worker.run_until_idle()

    with pytest.raises(PolicyRefused, match="Only an approver"):
        await flow.service.retry(request_id, make_user("U0NOBODY"), approver_ids=APPROVER_IDS)
    assert (await flow.store.require(request_id)).state is RequestState.FAILED


async def test_add_that_timed_out_but_landed_is_not_repeated(
    redis_url: str, emulator: EmulatorHandle
) -> None:
    async with open_flow(redis_url, emulator, read_timeout_ms=500) as flow:
        await _timed_out_add_is_found(flow)


async def _timed_out_add_is_found(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    # The reply to the first add comes after the client gave up; the rule was created.
    flow.emulator.set_faults(
        timeout_then_succeed={"action": "AddSecurityGroupRule", "delay_ms": 1_500}
    )
    await flow.worker.run_until_idle()

    request = await flow.store.require(request_id)
    assert request.state is RequestState.APPLIED
    assert all(len(flow.rules_for(group)) == 1 for group in ORDERS_GROUPS)
    assert flow.emulator.calls()["AddSecurityGroupRule"] == len(ORDERS_GROUPS)
    # The timed-out add got no answer: its rule was found by listing again.
    assert sum(r.cloud_request_id is None for r in request.results) == 1


async def test_replayed_jobs_do_nothing_twice(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    await flow.worker.run_until_idle()
    adds = flow.emulator.calls()["AddSecurityGroupRule"]

    for kind in JobKind:
        await run_job(flow.context, Job(kind=kind, request_id=request_id))

    request = await flow.store.require(request_id)
    assert request.state is RequestState.APPLIED
    assert [r.outcome for r in request.results] == [RuleOutcome.CREATED] * 3
    assert flow.emulator.calls()["AddSecurityGroupRule"] == adds


async def test_a_write_that_keeps_the_state_does_not_make_an_apply_give_up(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    read_by_worker = await flow.store.require(request_id)
    # The deliverer saves the card's location between the worker's read and its take.
    card = CardRef(channel_id="C0SEC", message_id="1795684519.918081")
    await flow.store.update(request_id, lambda current: (current.with_card(card), NO_EFFECTS))

    taken = await take(
        flow.worker.ctx, read_by_worker, {RequestState.APPROVED}, RequestState.APPLYING
    )
    await flow.worker.run_until_idle()

    assert taken is not None
    assert (taken.state, taken.card) == (RequestState.APPLYING, card)
    assert (await flow.store.require(request_id)).state is RequestState.APPLIED
    assert all(len(flow.rules_for(group)) == 1 for group in ORDERS_GROUPS)
