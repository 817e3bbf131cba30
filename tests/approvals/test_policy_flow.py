"""The policy file deciding real requests: the worker against the emulator and a real Redis."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from approvals.connect import connect
from approvals.jobs import JobContext
from approvals.model import Request, RequestState, Verdict
from approvals.policy_file import default_policy
from approvals.policy_source import PolicySource
from approvals.results import StoreConfig
from approvals.store import RequestStore
from approvals.worker import Worker, WorkerConfig
from handlers.blocks_card import card_for
from tests.approvals.examples import make_user
from tests.approvals.workflow import Flow, authorize, open_flow, to_group
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.errors import PolicyRefused

pytestmark = pytest.mark.redis

POLICY = """
version: 1
rules:
  - name: no-ssh-on-prod
    match: {gateways: [prod-*], ports: {any_of: [22]}}
    decide: {deny: "SSH to prod goes through the bastion; ask in #infra"}
  - name: dba-ports
    match: {ports: {any_of: [5432]}}
    decide: {approvals: 2, approver_group: S0DBAS}
  - name: self-service
    match: {gateways: [prod-gw], ports: {all_within: [8000-8100]}, max_duration: 8h}
    decide: {auto_approve: {per_day: 2}}
"""


class StaticGroups:
    """Slack user groups as a fixed table: the ``GroupMembers`` port without Slack."""

    def __init__(self, members: dict[str, frozenset[str]]) -> None:
        self._members = members

    async def members(self, group_id: str) -> frozenset[str]:
        return self._members.get(group_id, frozenset())


GROUPS = StaticGroups({"S0DBAS": frozenset({"U0CAROL", "U0DAVE"})})


def with_policy(flow: Flow, path: Path, text: str) -> PolicySource:
    path.write_text(text)
    source = PolicySource(region="cn-hangzhou", default=default_policy([22, 5432], 100), path=path)
    flow.context = replace(flow.context, rules=source)
    flow.worker = Worker(flow.context, WorkerConfig(consumer="test-worker"))
    flow.service.rules = source
    flow.service.groups = GROUPS
    return source


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle, tmp_path: Path) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator) as opened:
        with_policy(opened, tmp_path / "policy.yaml", POLICY)
        yield opened


def four_hours(port: int) -> Callable[[], object]:
    return lambda: authorize(ports=(port,), duration=timedelta(hours=4))


async def audit_details(flow: Flow, request_id: str) -> list[str]:
    return [e.detail for e in await flow.store.audit.read() if e.request_id == request_id]


async def test_auto_approved_grant_is_applied_with_an_fyi_card(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize(ports=(8080,), duration=timedelta(hours=4)))

    assert request.state is RequestState.APPLIED
    assert request.policy is not None
    assert request.policy.rule == "self-service"
    assert request.policy.text.startswith("approved by policy rule self-service (policy ")
    assert request.decisions == ()  # nobody clicked
    kinds = await flow.told_kinds(request.id)
    assert kinds[0] == "post_card"  # the FYI card, which offers End access once applied
    assert "update_card" in kinds
    assert len(flow.rules_for("sg-ackpoola01")) == 1
    details = await audit_details(flow, request.id)
    assert any("approved by policy rule self-service" in d for d in details)


async def test_denied_request_posts_no_card_and_tells_the_requester(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize(ports=(22,)))

    assert request.state is RequestState.REJECTED
    assert request.state_reason is not None
    assert "denied by policy rule no-ssh-on-prod" in request.state_reason
    assert "SSH to prod goes through the bastion" in request.state_reason
    assert await flow.told_kinds(request.id) == ["tell_requester"]
    assert flow.rules_for("sg-ackpoola01", "22/22") == []
    assert any("no-ssh-on-prod" in d for d in await audit_details(flow, request.id))


async def test_a_rule_with_its_own_approver_group_replaces_the_approvers(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize(ports=(5432,)))

    assert request.state is RequestState.PENDING
    assert request.required_approvals == 2
    assert request.approver_group == "S0DBAS"
    card = json.dumps(card_for(request, now=flow.clock.now(), emulated=False)["blocks"])
    assert "2 approvals from user group S0DBAS required by policy rule dba-ports" in card
    with pytest.raises(PolicyRefused, match="not an approver"):
        await flow.decide(request.id, Verdict.APPROVE)  # U0ALICE approves by default only
    first = await flow.decide(request.id, Verdict.APPROVE, user_id="U0CAROL")
    assert first.request.state is RequestState.PENDING
    second = await flow.decide(request.id, Verdict.APPROVE, user_id="U0DAVE")
    assert second.request.state is RequestState.APPROVED


async def test_longer_than_the_rule_allows_falls_through_to_people(flow: Flow) -> None:
    request = await flow.submit_and_resolve(authorize(ports=(8080,), duration=timedelta(hours=9)))

    assert request.state is RequestState.PENDING
    assert request.policy is not None
    assert request.policy.rule == "(no rule matched)"


async def test_the_daily_limit_holds_across_replicas(flow: Flow, redis_url: str) -> None:
    ids = [
        await flow.submit(authorize(ports=(port,), duration=timedelta(hours=4)))
        for port in (8081, 8082, 8083)
    ]
    # A second replica: its own Redis connection, store and worker, the same policy.
    other_client = connect(redis_url)
    try:
        other_store = RequestStore(other_client, StoreConfig(wait_for_replicas=False))
        other = Worker(
            JobContext(
                store=other_store,
                cloud=flow.context.cloud,
                clock=flow.clock,
                policy=flow.context.policy,
                rules=flow.context.rules,
                retry=flow.context.retry,
            ),
            WorkerConfig(consumer="other-worker", concurrency=1),
        )
        mine = Worker(flow.context, WorkerConfig(consumer="test-worker", concurrency=1))
        await asyncio.gather(mine.run_until_idle(), other.run_until_idle())
    finally:
        await other_client.aclose()
    requests = [await flow.store.require(i) for i in ids]
    auto = [r for r in requests if r.state is RequestState.APPLIED]
    waiting = [r for r in requests if r.state is RequestState.PENDING]
    assert (len(auto), len(waiting)) == (2, 1)
    note = waiting[0].policy
    assert note is not None
    assert note.note is not None
    assert "limit of 2 auto-approvals a day is reached" in note.note

    # A day later the window has rolled on: the next one is auto-approved again.
    flow.clock.advance(timedelta(hours=24, seconds=1))
    later = await flow.submit_and_resolve(authorize(ports=(8090,), duration=timedelta(hours=4)))
    assert later.state is RequestState.APPLIED


async def test_never_auto_approved_for_someone_not_a_full_member(flow: Flow) -> None:
    request_id = await flow.submit(authorize(ports=(8080,), duration=timedelta(hours=4)))

    def as_guest(current: Request) -> tuple[Request, object] | None:
        from approvals.effects import NO_EFFECTS

        return current.evolve(requester_full_member=False), NO_EFFECTS

    await flow.store.update(request_id, as_guest)  # type: ignore[arg-type]
    await flow.worker.run_until_idle()

    request = await flow.store.require(request_id)
    assert request.state is RequestState.PENDING
    assert request.decisions == ()


async def test_guests_cannot_even_ask(flow: Flow) -> None:
    from approvals.model import ReplyTo, Surface

    with pytest.raises(PolicyRefused):
        await flow.service.submit(
            authorize(ports=(8080,)),
            make_user("U0GUEST", is_restricted=True),
            ReplyTo(surface=Surface.SLASH, channel_id="C0DEV"),
            intake_key="test:guest",
        )


async def test_never_auto_approved_when_preflight_refuses(flow: Flow, tmp_path: Path) -> None:
    with_policy(flow, tmp_path / "open.yaml", "rules: [{name: all, decide: {auto_approve: {}}}]")

    request = await flow.submit_and_resolve(to_group("sg-othervpc01"))

    assert request.state is RequestState.REJECTED
    assert "applying" not in [e.to_state for e in await flow.store.audit.read()]
    assert flow.rules_for("sg-othervpc01") == []


async def test_audit_mode_shows_the_ruling_while_people_decide(flow: Flow, tmp_path: Path) -> None:
    with_policy(flow, tmp_path / "audit.yaml", "mode: audit\n" + POLICY)

    denied = await flow.submit_and_resolve(authorize(ports=(22,)))
    auto = await flow.submit_and_resolve(authorize(ports=(8080,), duration=timedelta(hours=4)))

    assert denied.state is RequestState.PENDING
    assert denied.required_approvals == 2  # the built-in rules: a sensitive port
    assert denied.policy is not None
    assert denied.policy.text.startswith(
        "audit mode: would have been denied by policy rule no-ssh-on-prod"
    )
    assert auto.state is RequestState.PENDING
    assert auto.policy is not None
    assert auto.policy.rule == "self-service"
