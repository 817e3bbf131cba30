"""``sgbot reconcile --recover``: Redis lost, the grants and their ends rebuilt from the cloud."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from approvals.coordination import RuleKey
from approvals.descriptions import rule_description
from approvals.effects import TimerKind, timer_member
from approvals.model import RequestState, RuleOutcome
from approvals.reconcile import find_drift
from approvals.recover import RECOVERED_REQUESTER, recover
from tests.approvals.examples import T0
from tests.approvals.test_reconcile import run_cli
from tests.approvals.test_worker_crash import worker_env
from tests.approvals.workflow import Flow, open_flow, to_group
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange

pytestmark = pytest.mark.redis

WARN = timedelta(hours=1)
TIMED = "REQ-AAAAA"  # a time-bound grant, ending two hours after T0
OVERDUE = "REQ-BBBBB"  # a time-bound grant whose end passed while Redis was gone


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator, prefix=f"rcv-{uuid.uuid4().hex[:8]}") as opened:
        yield opened


async def lose_redis(flow: Flow) -> None:
    """Every key of this deployment gone, as after losing a Redis without persistence."""
    client = flow.store.client
    keys = [key async for key in client.scan_iter(match=f"{flow.store.keys.tag}:*")]
    await client.delete(*keys)
    await flow.store.setup()


async def cloud_holds_grants(flow: Flow) -> tuple[str, dict[str, int]]:
    """A permanent grant made through the bot, two time-bound ones described by their
    descriptions, and a rule added in the console; the permanent grant's id and rule ids."""
    permanent = await flow.grant(to_group("sg-legacyapp01"))
    rule_ids = {"permanent": permanent.results[0].rule_id or 0}
    for name, request_id, group, port, until in (
        ("timed-a", TIMED, "sg-legacyapp02", 9000, T0 + timedelta(hours=2)),
        ("timed-b", TIMED, "sg-legacyapp02", 9001, T0 + timedelta(hours=2)),
        ("overdue", OVERDUE, "sg-legacyapp01", 9100, T0 - timedelta(minutes=30)),
    ):
        description = rule_description(request_id, until)
        await flow.cloud.add_rule(PROD_GW, group, PortRange(start=port, end=port), description)
        # AddSecurityGroupRule's Data need not be the record's id: read it from a listing.
        listed = await flow.cloud.list_rules(PROD_GW)
        rule_ids[name] = next(
            r.rule_id for r in listed if r.description == description and r.ports.start == port
        )
    await flow.cloud.add_rule(
        PROD_GW, "sg-legacyapp02", PortRange(start=7000, end=7000), "added in the console"
    )
    return permanent.id, rule_ids


async def test_grants_and_their_ends_come_back_and_end_on_time(flow: Flow) -> None:
    permanent_id, rule_ids = await cloud_holds_grants(flow)
    await lose_redis(flow)
    assert await flow.store.get(permanent_id) is None

    recovery = await recover(flow.store, [flow.cloud], flow.clock.now(), WARN)

    assert sorted(g.request_id for g in recovery.restored) == sorted([permanent_id, TIMED, OVERDUE])
    timed = await flow.store.require(TIMED)
    assert timed.state is RequestState.APPLIED
    assert timed.requester == RECOVERED_REQUESTER
    assert timed.grant_expires_at == T0 + timedelta(hours=2)
    assert {r.rule_id for r in timed.results} == {rule_ids["timed-a"], rule_ids["timed-b"]}
    assert {r.outcome for r in timed.results} == {RuleOutcome.CREATED}
    assert [str(p) for p in timed.ports] == ["9000-9001"]
    assert "rebuilt from the cloud" in (timed.state_reason or "")
    permanent = await flow.store.require(permanent_id)
    assert permanent.grant_expires_at is None
    assert permanent.duration is None
    # What the worker relies on: owners, creators, and the end and warning timers.
    key = RuleKey(PROD_GW, "sg-legacyapp02", PortRange(start=9000, end=9000))
    assert await flow.store.work.owners(key) == {TIMED}
    creators = await flow.store.work.rule_creators(PROD_GW)
    assert creators[rule_ids["permanent"]] == permanent_id
    assert creators[rule_ids["overdue"]] == OVERDUE
    timers = await flow.store.client.zrange(flow.store.keys.timers, 0, -1)
    assert set(timers) == {
        timer_member(TimerKind.GRANT_END, TIMED),
        timer_member(TimerKind.GRANT_WARN, TIMED),
        timer_member(TimerKind.GRANT_END, OVERDUE),
    }
    # Nothing the bot holds is reported gone; only the console's rules are unapproved.
    drift = await find_drift(flow.store, flow.cloud)
    assert {d.kind for d in drift} == {"unapproved"}

    # The overdue grant ends at once; the other at its end, and only its rules go.
    await flow.worker.run_until_idle()
    assert (await flow.store.require(OVERDUE)).state is RequestState.REVOKED
    assert (await flow.store.require(TIMED)).state is RequestState.APPLIED
    await flow.advance(timedelta(hours=2, minutes=1))
    assert (await flow.store.require(TIMED)).state is RequestState.REVOKED
    left = {rule["id"] for rule in flow.mse_rules()}
    assert rule_ids["permanent"] in left
    assert not left & {rule_ids["timed-a"], rule_ids["timed-b"], rule_ids["overdue"]}
    assert (await flow.store.require(permanent_id)).state is RequestState.APPLIED


async def test_a_second_run_or_a_redis_that_lost_nothing_changes_nothing(flow: Flow) -> None:
    permanent_id, _ = await cloud_holds_grants(flow)
    before = await flow.store.require(permanent_id)

    recovery = await recover(flow.store, [flow.cloud], flow.clock.now(), WARN)
    assert recovery.already_stored == (permanent_id,)
    assert sorted(g.request_id for g in recovery.restored) == [TIMED, OVERDUE]
    assert await flow.store.require(permanent_id) == before  # never overwritten

    again = await recover(flow.store, [flow.cloud], flow.clock.now(), WARN)
    assert again.restored == ()
    assert sorted(again.already_stored) == sorted([permanent_id, TIMED, OVERDUE])


async def test_recover_command(flow: Flow, redis_url: str, emulator: EmulatorHandle) -> None:
    permanent_id, rule_ids = await cloud_holds_grants(flow)
    await lose_redis(flow)
    env = worker_env(redis_url, flow.store.keys.prefix, emulator)

    done = run_cli(["reconcile", "--recover"], env)

    assert done.returncode == 0, done.stderr
    restored = {g["request_id"]: g for g in json.loads(done.stdout)["restored"]}
    assert set(restored) == {permanent_id, TIMED, OVERDUE}
    assert restored[TIMED]["until"] == (T0 + timedelta(hours=2)).isoformat()
    assert {r["rule_id"] for r in restored[TIMED]["rules"]} == {
        rule_ids["timed-a"],
        rule_ids["timed-b"],
    }
    assert restored[TIMED]["region_id"] == emulator.region_id
    assert "3 grant(s) rebuilt, 0 already in Redis" in done.stderr
    assert (await flow.store.require(TIMED)).state is RequestState.APPLIED

    again = run_cli(["reconcile", "--recover", "--gateway", "prod-gw"], env)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["restored"] == []
    assert "0 grant(s) rebuilt, 3 already in Redis" in again.stderr
