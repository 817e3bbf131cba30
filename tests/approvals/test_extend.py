"""Extending a grant: the end moves on approval, policy may auto-approve, limits hold."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from approvals.extend import extended_end
from approvals.extend_service import Extensions
from approvals.model import ReplyTo, Request, RequestState, Surface, Verdict
from approvals.worker import Worker, WorkerConfig
from bot.settings import load_settings
from tests.approvals.examples import T0, make_user
from tests.approvals.test_policy_flow import with_policy
from tests.approvals.workflow import APPROVER_IDS, Flow, authorize, open_flow
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.errors import PolicyRefused

pytestmark = pytest.mark.redis

REQUESTER = "U0REQUESTER"


def limit(flow: Flow, *, longest: timedelta, most: int = 3) -> None:
    """Run the flow with SGBOT_MAX_DURATION and SGBOT_MAX_EXTENSIONS set."""
    flow.service.settings = load_settings(
        SGBOT_MAX_DURATION=f"{int(longest.total_seconds())}s", SGBOT_MAX_EXTENSIONS=str(most)
    )
    flow.context = replace(flow.context, max_duration=longest, max_extensions=most)
    flow.worker = Worker(flow.context, WorkerConfig(consumer="test-worker"))


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator) as opened:
        limit(opened, longest=timedelta(days=30))
        yield opened


async def four_hour_grant(flow: Flow) -> Request:
    grant = await flow.grant(authorize(ports=(8080,), duration=timedelta(hours=4)))
    assert grant.state is RequestState.APPLIED
    assert grant.grant_expires_at == T0 + timedelta(hours=4)
    return grant


async def ask(flow: Flow, grant_id: str, by: timedelta, user_id: str = REQUESTER) -> str:
    created = await Extensions(flow.service).ask(
        grant_id,
        by,
        make_user(user_id),
        reply_to=ReplyTo(surface=Surface.SLASH, channel_id="C0DEV"),
        intake_key=f"test:extend:{grant_id}:{by}:{flow.clock.now().isoformat()}",
        approver_ids=APPROVER_IDS,
    )
    await flow.worker.run_until_idle()
    return created.request_id


async def test_an_approved_extension_moves_the_end(flow: Flow) -> None:
    grant = await four_hour_grant(flow)
    await flow.advance(timedelta(hours=1))

    extension_id = await ask(flow, grant.id, timedelta(hours=2))
    extension = await flow.store.require(extension_id)
    assert extension.state is RequestState.PENDING
    assert extension.extends == grant.id
    await flow.grant_pending(extension_id)

    extended = await flow.store.require(grant.id)
    assert extended.grant_expires_at == T0 + timedelta(hours=6)
    assert extended.extensions == 1
    assert (await flow.store.require(extension_id)).state is RequestState.APPLIED
    # The old end passes with the rules in place; the new one ends the grant.
    await flow.advance(timedelta(hours=3, minutes=30))
    assert (await flow.store.require(grant.id)).state is RequestState.APPLIED
    assert len(flow.rules_for("sg-ackpoola01")) == 1
    await flow.advance(timedelta(hours=2))
    assert (await flow.store.require(grant.id)).state is RequestState.REVOKED
    assert flow.rules_for("sg-ackpoola01") == []


async def test_policy_may_auto_approve_an_extension(flow: Flow, tmp_path: Path) -> None:
    grant = await four_hour_grant(flow)
    with_policy(
        flow,
        tmp_path / "p.yaml",
        "rules:\n"
        "  - {name: extend-freely, match: {verbs: [extend], max_duration: 2h}, "
        "decide: {auto_approve: {per_day: 3}}}\n",
    )
    limit(flow, longest=timedelta(days=30))

    extension_id = await ask(flow, grant.id, timedelta(hours=1))

    extension = await flow.store.require(extension_id)
    assert extension.state is RequestState.APPLIED
    assert extension.policy is not None
    assert extension.policy.rule == "extend-freely"
    assert (await flow.store.require(grant.id)).grant_expires_at == T0 + timedelta(hours=5)


async def test_the_new_end_is_at_most_max_duration_after_the_approval(flow: Flow) -> None:
    limit(flow, longest=timedelta(hours=6))
    grant = await four_hour_grant(flow)
    await flow.advance(timedelta(hours=1))

    extension_id = await ask(flow, grant.id, timedelta(hours=5))
    await flow.advance(timedelta(minutes=30))  # approved at T0 + 1h30
    await flow.grant_pending(extension_id)

    extended = await flow.store.require(grant.id)
    assert extended.grant_expires_at == T0 + timedelta(hours=7, minutes=30)  # not T0 + 9h
    assert extended_end(T0, timedelta(hours=1), T0 - timedelta(hours=9), timedelta(hours=6)) == T0


async def test_extending_an_ended_grant_says_so_and_offers_a_new_request(flow: Flow) -> None:
    grant = await four_hour_grant(flow)
    await flow.advance(timedelta(hours=4))
    assert (await flow.store.require(grant.id)).state is RequestState.REVOKED

    with pytest.raises(PolicyRefused) as refused:
        await ask(flow, grant.id, timedelta(hours=1))

    said = str(refused.value)
    assert f"{grant.id} has already ended (revoked)" in said
    assert "ask for new access instead: `authorize gateway prod-gw to service orders" in said
    audit = await flow.store.audit.read()
    assert any(e.event == "refused" and e.request_id == grant.id for e in audit)


async def test_a_grant_ending_while_its_extension_waits_settles_it_as_too_late(
    flow: Flow,
) -> None:
    grant = await four_hour_grant(flow)
    extension_id = await ask(flow, grant.id, timedelta(hours=1))

    await flow.advance(timedelta(hours=4))

    assert (await flow.store.require(grant.id)).state is RequestState.REVOKED
    late = await flow.store.require(extension_id)
    assert late.state is RequestState.CANCELLED
    assert late.state_reason is not None
    assert late.state_reason.startswith(f"too late: {grant.id} ended before this extension")
    assert "ask for new access instead" in late.state_reason
    assert "tell_requester" in await flow.told_kinds(extension_id)


async def test_at_most_max_extensions_and_only_requester_or_approver(flow: Flow) -> None:
    limit(flow, longest=timedelta(days=30), most=1)
    grant = await four_hour_grant(flow)

    with pytest.raises(PolicyRefused, match="Only the requester or an approver"):
        await ask(flow, grant.id, timedelta(hours=1), user_id="U0STRANGER")
    first = await ask(flow, grant.id, timedelta(hours=1), user_id="U0BOB")  # an approver
    await flow.decide(first, Verdict.APPROVE)
    await flow.worker.run_until_idle()
    assert (await flow.store.require(grant.id)).extensions == 1
    with pytest.raises(PolicyRefused, match="extended once, the most allowed"):
        await ask(flow, grant.id, timedelta(hours=1))
