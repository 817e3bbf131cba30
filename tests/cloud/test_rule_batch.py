"""``ensure_rules``: several rules of one gateway in one round of adds and one listing.

Through the real SDK against the emulator: rules already there are kept without a write, the
rest are added once each and their ids read from one confirming listing; a clear failure is
that rule's result while the others are made; an unclear one is re-listed patiently and a late
commit is found instead of being added twice; a guard that refuses stops its own add only after
the others have answered.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.cloud.rule_batch import Wanted, ensure_rules
from bot.cloud.rule_writes import EnsuredRule
from tests.cloud.adapter_support import PROD_GW, RecordingSleep, make_cloud, retry_policy
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange
from vocabulary.errors import InvalidInput

GROUPS = ("sg-ackpoola01", "sg-ackpoolb01", "sg-ackpoolb02")
PORTS = PortRange(start=9100, end=9100)
MINE = "sgbot REQ-ABCDE"


def records(emulator: EmulatorHandle, group_id: str) -> list[dict[str, Any]]:
    return [
        r
        for r in emulator.state()["mse_rules"][PROD_GW]
        if r["security_group_id"] == group_id and r["port_range"] == PORTS.mse
    ]


def wanted(*groups: str) -> list[Wanted]:
    return [Wanted(group, PORTS, MINE) for group in groups]


async def test_missing_rules_are_added_together_and_read_back_from_one_listing(
    emulator: EmulatorHandle, reading: str
) -> None:
    cloud = make_cloud(emulator)
    await cloud.add_rule(PROD_GW, GROUPS[0], PORTS, "made in the console")
    listed = await cloud.list_rules(PROD_GW)
    emulator.reset_calls()

    outcomes = await ensure_rules(cloud, PROD_GW, wanted(*GROUPS), listed)

    assert emulator.calls() == {"AddSecurityGroupRule": 2, "ListSecurityGroupRule": 1}
    first, *added = outcomes
    assert isinstance(first, EnsuredRule)
    assert first.created is False
    assert first.description == "made in the console"
    for group, outcome in zip(GROUPS[1:], added, strict=True):
        assert isinstance(outcome, EnsuredRule)
        (record,) = records(emulator, group)
        assert (outcome.rule_id, outcome.created) == (record["id"], True)


async def test_nothing_is_written_when_every_rule_is_there(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    for group in GROUPS:
        await cloud.add_rule(PROD_GW, group, PORTS, MINE)
    listed = await cloud.list_rules(PROD_GW)
    emulator.reset_calls()

    outcomes = await ensure_rules(cloud, PROD_GW, wanted(*GROUPS), listed)

    assert emulator.calls() == {}
    assert all(isinstance(o, EnsuredRule) and not o.created for o in outcomes)


async def test_a_refused_add_is_its_rules_result_and_the_others_are_made(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator)
    listed = await cloud.list_rules(PROD_GW)
    refused = {"action": "AddSecurityGroupRule", "code": "InvalidParameter", "http_status": 400}
    emulator.set_faults(fail=[refused | {"matching": {"SecurityGroupId": GROUPS[1]}}])

    outcomes = await ensure_rules(cloud, PROD_GW, wanted(*GROUPS), listed)

    assert isinstance(outcomes[1], InvalidInput)
    assert records(emulator, GROUPS[1]) == []
    for index in (0, 2):
        outcome = outcomes[index]
        assert isinstance(outcome, EnsuredRule)
        assert outcome.rule_id == records(emulator, GROUPS[index])[0]["id"]


async def test_an_unclear_add_that_landed_is_found_not_sent_again(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator, read_timeout_ms=500)
    listed = await cloud.list_rules(PROD_GW)
    emulator.set_faults(
        timeout_then_succeed={"action": "AddSecurityGroupRule", "count": 1, "delay_ms": 2500}
    )
    sleep = RecordingSleep()

    outcomes = await ensure_rules(
        cloud, PROD_GW, wanted(*GROUPS), listed, retry=retry_policy(sleep)
    )

    assert emulator.calls()["AddSecurityGroupRule"] == len(GROUPS)
    assert sleep.delays == [1.0]  # one patient re-list, for the one unclear add
    for group, outcome in zip(GROUPS, outcomes, strict=True):
        assert isinstance(outcome, EnsuredRule)
        (record,) = records(emulator, group)
        assert (outcome.rule_id, outcome.created) == (record["id"], True)


async def test_a_guard_that_refuses_is_raised_once_the_other_adds_answered(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator)
    listed = await cloud.list_rules(PROD_GW)

    async def lost() -> None:
        raise RuntimeError("the lease was lost")

    rules = [*wanted(GROUPS[0]), Wanted(GROUPS[1], PORTS, MINE, before_write=lost)]
    with pytest.raises(RuntimeError, match="lease"):
        await ensure_rules(cloud, PROD_GW, rules, listed)

    assert len(records(emulator, GROUPS[0])) == 1  # sent, and it answered
    assert records(emulator, GROUPS[1]) == []  # never sent
