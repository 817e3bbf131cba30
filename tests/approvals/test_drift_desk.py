"""Each drift button does what it says, for approvers only; cloud changes wait for approval."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from approvals.drift import DriftItem, DriftKind, DriftStatus, find_items
from approvals.drift_desk import DriftAction, DriftDesk
from approvals.model import RequestKind, RequestState, Verdict
from approvals.reconcile import find_drift
from tests.approvals.examples import make_user
from tests.approvals.test_drift import make_drift, next_round, watch_of
from tests.approvals.workflow import APPROVER, APPROVER_IDS, SECOND_APPROVER, Flow, open_flow
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.errors import PolicyRefused

pytestmark = pytest.mark.redis
OUTSIDER = "U0MALLORY"


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator, prefix=f"desk-{uuid.uuid4().hex[:8]}") as opened:
        yield opened


@pytest.fixture
async def items(flow: Flow) -> dict[tuple[DriftKind, int], DriftItem]:
    """The posted items of ``make_drift``, by kind and MSE rule id (the added rule is 0)."""
    _, _, added = await make_drift(flow)
    watch = watch_of(flow)
    await next_round(watch)
    found = await find_items(flow.store, flow.cloud, [PROD_GW], watch.ignore, flow.clock.now())
    return {(i.kind, 0 if i.rule_id == added else i.rule_id): i for i in found}


def desk_of(flow: Flow) -> DriftDesk:
    watch = watch_of(flow)
    return DriftDesk(
        drift=watch.drift,
        service=flow.service,
        cloud=flow.cloud,
        clock=flow.clock,
        policy=flow.service.policy,
        security_channel="C0SEC",
    )


async def press(flow: Flow, item: DriftItem, action: DriftAction, user: str = APPROVER) -> str:
    _, told = await desk_of(flow).act(item.id, action, make_user(user), APPROVER_IDS)
    return told


def gone_of(items: dict[tuple[DriftKind, int], DriftItem]) -> DriftItem:
    return next(item for (kind, _), item in items.items() if kind is DriftKind.GONE)


async def test_only_an_approver_may_press_and_the_refusal_is_audited(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    gone = gone_of(items)
    with pytest.raises(PolicyRefused, match="Only an approver"):
        await press(flow, gone, DriftAction.FORGET, OUTSIDER)
    guest = make_user(APPROVER, is_restricted=True)
    with pytest.raises(PolicyRefused):
        await desk_of(flow).act(gone.id, DriftAction.FORGET, guest, APPROVER_IDS)

    assert (await desk_of(flow).drift.require(gone.id)).status is DriftStatus.OPEN
    refused = [e for e in await flow.store.audit.read(limit=1000) if e.event == "refused"]
    assert [e.detail for e in refused] == [f"forget {gone.id}"] * 2


async def test_forget_stops_expecting_the_gone_rule(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    gone = gone_of(items)

    told = await press(flow, gone, DriftAction.FORGET)

    assert "no longer expect" in told
    assert [d.kind for d in await find_drift(flow.store, flow.cloud)].count("gone") == 0
    assert (await desk_of(flow).drift.require(gone.id)).status is DriftStatus.FORGOTTEN
    with pytest.raises(PolicyRefused, match="already forgotten by <@U0ALICE>"):
        await press(flow, gone, DriftAction.FORGET, SECOND_APPROVER)


async def test_reapply_needs_another_approver_then_the_rule_is_back(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    gone = gone_of(items)

    await press(flow, gone, DriftAction.REAPPLY)
    item = await desk_of(flow).drift.require(gone.id)
    assert item.status is DriftStatus.REAPPLYING
    assert item.follow_up is not None
    await flow.worker.run_until_idle()
    asked = await flow.store.require(item.follow_up)
    assert asked.state is RequestState.PENDING  # nothing in the cloud yet
    assert flow.rules_for("sg-legacyapp01") == []
    with pytest.raises(PolicyRefused, match="cannot decide it yourself"):
        await flow.decide(asked.id, Verdict.APPROVE, APPROVER)  # the one who pressed

    await flow.decide(asked.id, Verdict.APPROVE, SECOND_APPROVER)
    await flow.worker.run_until_idle()
    applied = await flow.store.require(asked.id)

    assert applied.state is RequestState.APPLIED
    assert len(flow.rules_for("sg-legacyapp01")) == 1
    assert [d.kind for d in await find_drift(flow.store, flow.cloud)].count("gone") == 0


async def test_adopt_makes_a_permanent_grant_holding_the_rule(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    added = items[(DriftKind.UNAPPROVED, 0)]

    await press(flow, added, DriftAction.ADOPT)

    item = await desk_of(flow).drift.require(added.id)
    assert item.status is DriftStatus.ADOPTED
    assert item.follow_up is not None
    grant = await flow.store.require(item.follow_up)
    assert (grant.kind, grant.state, grant.grant_expires_at) == (
        RequestKind.AUTHORIZE, RequestState.APPLIED, None,
    )  # fmt: skip
    assert grant.requester.user_id == APPROVER
    unexplained = {d.rule_id for d in await find_drift(flow.store, flow.cloud)}
    assert added.rule_id not in unexplained
    assert len(flow.rules_for("sg-legacyapp02", "9090/9090")) == 1  # the cloud is unchanged


async def test_revoke_deletes_only_after_another_approver_approves(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    added = items[(DriftKind.UNAPPROVED, 0)]

    told = await press(flow, added, DriftAction.REVOKE)

    assert "nothing is deleted until another approver approves" in told
    item = await desk_of(flow).drift.require(added.id)
    assert item.status is DriftStatus.REVOKING
    assert item.follow_up is not None
    await flow.worker.run_until_idle()
    asked = await flow.store.require(item.follow_up)
    assert (asked.kind, asked.state) == (RequestKind.REVOKE, RequestState.PENDING)
    assert len(flow.rules_for("sg-legacyapp02", "9090/9090")) == 1

    await flow.decide(asked.id, Verdict.APPROVE, SECOND_APPROVER)
    await flow.worker.run_until_idle()
    done = await flow.store.require(asked.id)

    assert done.state is RequestState.APPLIED
    assert flow.rules_for("sg-legacyapp02", "9090/9090") == []


async def test_ignore_keeps_the_item_for_good_and_it_is_not_posted_again(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    orphan = next(item for (kind, _), item in items.items() if kind is DriftKind.ORPHAN)
    with pytest.raises(PolicyRefused, match="cannot be forget-ed"):
        await press(flow, orphan, DriftAction.FORGET)

    await press(flow, orphan, DriftAction.IGNORE)

    key = flow.store.keys.drift_item(orphan.id)
    assert await flow.store.client.ttl(key) == -1
    assert await next_round(watch_of(flow)) == []
    assert (await desk_of(flow).drift.require(orphan.id)).status is DriftStatus.IGNORED
    entries = [e for e in await flow.store.audit.read(limit=1000) if e.event == "drift"]
    assert [e.detail for e in entries] == [f"{orphan.id}: ignore"]


async def test_a_denied_revoke_opens_the_item_again(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    added = items[(DriftKind.UNAPPROVED, 0)]
    await press(flow, added, DriftAction.REVOKE)
    asked = (await desk_of(flow).drift.require(added.id)).follow_up
    assert asked is not None
    await flow.worker.run_until_idle()
    await next_round(watch_of(flow))
    assert (await desk_of(flow).drift.require(added.id)).status is DriftStatus.REVOKING

    await flow.decide(asked, Verdict.DENY, SECOND_APPROVER)
    await next_round(watch_of(flow))

    reopened = await desk_of(flow).drift.require(added.id)
    assert (reopened.status, reopened.follow_up) == (DriftStatus.OPEN, None)
    redraws = [n for n in await flow.outbox(added.id) if "reopened" in n.dedupe_key]
    assert len(redraws) == 1
    assert "Adopted" in await press(flow, added, DriftAction.ADOPT, SECOND_APPROVER)


async def test_a_denied_reapply_can_be_asked_again(
    flow: Flow, items: dict[tuple[DriftKind, int], DriftItem]
) -> None:
    gone = gone_of(items)
    await press(flow, gone, DriftAction.REAPPLY)
    first = (await desk_of(flow).drift.require(gone.id)).follow_up
    assert first is not None
    await flow.worker.run_until_idle()
    await flow.decide(first, Verdict.DENY, SECOND_APPROVER)
    await next_round(watch_of(flow))

    await press(flow, gone, DriftAction.REAPPLY, SECOND_APPROVER)

    second = (await desk_of(flow).drift.require(gone.id)).follow_up
    assert second not in (None, first)
