"""Per-rule leases on a real Redis: one writer at a time, kept alive, checked before a write."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from approvals.coordination import RuleKey
from approvals.leases import LeaseLost, RuleLeases
from approvals.model import PlannedRule, RuleAction, Verdict
from approvals.rule_adds import add_rule
from tests.approvals.workflow import Flow, to_group
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange

pytestmark = pytest.mark.redis
RULE = RuleKey(PROD_GW, "sg-legacyapp01", PortRange(start=8080, end=8080))
TTL = timedelta(milliseconds=300)


def leases(flow: Flow, ttl: timedelta = TTL) -> RuleLeases:
    return RuleLeases(flow.store.client, flow.store.keys, ttl)


async def test_one_holder_at_a_time_and_renewed_past_its_ttl(flow: Flow) -> None:
    order: list[str] = []

    async def writer(name: str, hold_for: float) -> None:
        async with leases(flow).hold(RULE) as lease:
            order.append(f"{name} in")
            await asyncio.sleep(hold_for)  # three TTLs: only renewal keeps it
            await lease.check()
            order.append(f"{name} out")

    first = asyncio.create_task(writer("first", 0.9))
    await asyncio.sleep(0.05)
    await writer("second", 0.0)
    await first
    assert order == ["first in", "first out", "second in", "second out"]
    assert await flow.store.client.exists(leases(flow).key(RULE)) == 0  # released


async def test_a_lost_lease_is_caught_before_the_write_and_not_released(flow: Flow) -> None:
    key = leases(flow).key(RULE)

    async def write_after_losing_it() -> None:
        async with leases(flow).hold(RULE) as lease:
            await flow.store.client.set(key, "another-worker", px=10_000)  # it lapsed; taken
            await lease.check()

    with pytest.raises(LeaseLost):
        await write_after_losing_it()
    assert await flow.store.client.get(key) == "another-worker"


async def test_a_dead_holders_lease_lapses_after_its_ttl(flow: Flow) -> None:
    await flow.store.client.set(leases(flow).key(RULE), "dead-worker", px=300)
    started = time.monotonic()
    async with leases(flow).hold(RULE):
        waited = time.monotonic() - started
    assert 0.2 < waited < 2.0


async def test_add_rule_sends_no_add_once_its_lease_is_taken(
    flow: Flow, emulator: EmulatorHandle
) -> None:
    request = await flow.submit_and_resolve(to_group("sg-legacyapp01"))
    await flow.decide(request.id, Verdict.APPROVE)
    grant = await flow.store.require(request.id)
    item = PlannedRule(
        security_group_id="sg-legacyapp01", port_range=RULE.port_range, action=RuleAction.ADD
    )
    emulator.reset_calls()
    emulator.set_faults(latency_ms=500)  # the reads before the add take a while
    writer = flow.context.writer(grant)
    adding = asyncio.create_task(add_rule(writer, grant, item, None))
    key = writer.leases.key(RULE)
    deadline = time.monotonic() + 30
    while not await flow.store.client.exists(key):
        assert time.monotonic() < deadline, "add_rule never took the lease"
        await asyncio.sleep(0.01)
    await flow.store.client.set(key, "a-worker-that-took-over", px=60_000)
    with pytest.raises(LeaseLost):
        await adding
    emulator.clear_faults()
    assert "AddSecurityGroupRule" not in emulator.calls()
    assert flow.rules_for("sg-legacyapp01") == []
