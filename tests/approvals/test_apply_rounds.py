"""The shape of an apply: one round of reads, one round of adds, one listing for the new ids.

Counted on the emulator's per-action counters, never timed. A gateway that stopped running
between the approval and the apply gets no add at all: the read round sees its status first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from typing import Any, cast

import pytest

from approvals.model import RequestState, RuleOutcome
from bot.cloud.port import CloudPort, Gateway
from tests.approvals.workflow import ORDERS_GROUPS, Flow, authorize

pytestmark = pytest.mark.redis


class Stopped:
    """The real adapter, except that GetGateway says the gateway is changing (status 3)."""

    def __init__(self, cloud: CloudPort) -> None:
        self._cloud = cloud

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cloud, name)

    async def get_gateway(self, unique_id: str) -> Gateway:
        gateway = await self._cloud.get_gateway(unique_id)
        return dataclasses.replace(gateway, status=3)


async def test_three_rules_take_one_read_round_one_add_round_and_one_listing(
    flow: Flow,
) -> None:
    request_id = await flow.approve(authorize())
    flow.emulator.reset_calls()

    await flow.worker.run_until_idle()

    applied = await flow.store.require(request_id)
    assert applied.state is RequestState.APPLIED
    assert {r.outcome for r in applied.results} == {RuleOutcome.CREATED}
    assert flow.emulator.calls() == {
        "GetGateway": 1,
        "ListSecurityGroupRule": 2,  # the read round's, and the one that reads the new ids
        "DescribeSecurityGroupAttribute": len(ORDERS_GROUPS),
        "AddSecurityGroupRule": len(ORDERS_GROUPS),
    }
    ids = {r.rule_id for r in applied.results}
    assert ids == {rule["id"] for group in ORDERS_GROUPS for rule in flow.rules_for(group)}


async def test_a_gateway_no_longer_running_gets_no_add(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    flow.worker.ctx = replace(flow.context, cloud=cast(CloudPort, Stopped(flow.cloud)))
    flow.emulator.reset_calls()

    await flow.worker.run_until_idle()

    failed = await flow.store.require(request_id)
    assert failed.state is RequestState.FAILED
    assert "MSE changes no rules until it runs" in (failed.state_reason or "")
    assert "AddSecurityGroupRule" not in flow.emulator.calls()
    assert all(r.outcome is RuleOutcome.FAILED for r in failed.results)
    assert len(failed.results) == len(ORDERS_GROUPS)
    assert all(flow.rules_for(group) == [] for group in ORDERS_GROUPS)
