"""What sgbot finds in place but did not make stays in place when a grant ends.

Three ways a grant can meet access it did not give: an MSE record made in the console between
pre-flight and the apply (the add finds it and must not adopt it); an enterprise group whose
hand-made inbound rules from the gateway's vSwitch CIDR are what MSE links the record to; and
a job that resumes after its add landed, which must still count the rule as its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from approvals.model import RequestState, RuleOutcome
from approvals.rule_adds import add_rule
from handlers.blocks import requester_message
from tests.approvals.workflow import Flow, open_flow, to_group
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle, running_emulator
from tests.fixtures.handmade import estate_with_rules
from vocabulary.commands import Authorize, GatewayRef, PortRange

pytestmark = pytest.mark.redis
HOUR = timedelta(hours=1)
ENTERPRISE = "sg-enterprise02"  # crm-reports: an enterprise group in edge-gw's VPC
EDGE_GW = "gw-e1d2c3b4a5968778695a4b3c2d1e0f9a"  # edge-gw, whose own group is enterprise too
EDGE_CIDRS = ("10.0.8.0/24", "10.0.9.0/24")  # its vSwitches: what MSE authorizes there
HANDMADE_CIDR_RULE = "sgr-handcidr8080n"
HANDMADE_CIDR_RULES = [f"{HANDMADE_CIDR_RULE}{n}" for n in range(2)]
UNRELATED_CIDR_RULE = "sgr-office8080"


def estate_with_cidr_rules(directory: Path) -> Path:
    """The demo estate; the enterprise group lets edge-gw's vSwitches in on 8080 (by hand) and
    an office range in on 8081."""
    by_hand = [
        {
            "security_group_rule_id": f"{HANDMADE_CIDR_RULE}{n}",
            "port_range": "8080/8080",
            "source_cidr_ip": cidr,
            "description": "gateway subnets, opened by hand",
        }
        for n, cidr in enumerate(EDGE_CIDRS)
    ]
    office = {
        "security_group_rule_id": UNRELATED_CIDR_RULE,
        "port_range": "8081/8081",
        "source_cidr_ip": "172.16.0.0/16",
        "description": "office",
    }
    return estate_with_rules(directory / "cidr-estate.json", ENTERPRISE, *by_hand, office)


@pytest.fixture(scope="module")
def cidr_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    estate = estate_with_cidr_rules(tmp_path_factory.mktemp("estate"))
    with running_emulator("--estate", str(estate)) as handle:
        yield handle


@pytest.fixture
async def flow(redis_url: str, cidr_emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, cidr_emulator.fresh()) as opened:
        yield opened


def to_edge(group_id: str, ports: tuple[int, ...]) -> Authorize:
    return to_group(group_id, ports, duration=HOUR).model_copy(
        update={"gateway": GatewayRef(value="edge-gw")}
    )


def edge_records(flow: Flow, group_id: str, ports: str) -> list[dict[str, Any]]:
    return [
        r
        for r in flow.mse_rules(EDGE_GW)
        if r["security_group_id"] == group_id and r["port_range"] == ports
    ]


def inbound_ids(flow: Flow, group_id: str, ports: str) -> list[str]:
    permissions: list[dict[str, Any]] = flow.emulator.state()["security_groups"][group_id]
    return sorted(p["security_group_rule_id"] for p in permissions if p["port_range"] == ports)


async def test_a_console_record_made_after_preflight_is_relied_on_never_deleted(
    flow: Flow,
) -> None:
    pending = await flow.submit_and_resolve(to_group("sg-ackpoolb01", duration=HOUR))
    # Someone adds the same authorization in the MSE console before approvers decide.
    await flow.cloud.add_rule(
        PROD_GW, "sg-ackpoolb01", PortRange(start=8080, end=8080), "added in the console"
    )
    [console] = flow.rules_for("sg-ackpoolb01")

    granted = await flow.grant_pending(pending.id)
    [result] = granted.results
    assert result.outcome is RuleOutcome.FOUND
    assert result.rule_id == console["id"]
    assert granted.state is RequestState.APPLIED
    assert "sgbot did not create it" in requester_message(granted, emulated=True)["text"]

    await flow.advance(HOUR)
    assert (await flow.store.require(granted.id)).state is RequestState.REVOKED
    assert [r["id"] for r in flow.rules_for("sg-ackpoolb01")] == [console["id"]]


async def test_an_enterprise_groups_handmade_cidr_rule_survives_the_grants_end(
    flow: Flow,
) -> None:
    granted = await flow.grant(to_edge(ENTERPRISE, ports=(8080,)))
    [result] = granted.results
    assert result.outcome is RuleOutcome.CREATED
    assert result.backend_rule is not None
    assert result.backend_rule.rule_id in HANDMADE_CIDR_RULES
    assert inbound_ids(flow, ENTERPRISE, "8080/8080") == HANDMADE_CIDR_RULES  # MSE linked

    await flow.advance(HOUR)
    assert (await flow.store.require(granted.id)).state is RequestState.REVOKED
    assert edge_records(flow, ENTERPRISE, "8080/8080") == []
    assert inbound_ids(flow, ENTERPRISE, "8080/8080") == HANDMADE_CIDR_RULES


async def test_an_unrelated_cidr_rule_does_not_keep_what_mse_made(flow: Flow) -> None:
    granted = await flow.grant(to_edge(ENTERPRISE, ports=(8081,)))
    [result] = granted.results
    assert result.outcome is RuleOutcome.CREATED
    assert result.backend_rule is None  # MSE made rules of its own beside the office's
    made = [i for i in inbound_ids(flow, ENTERPRISE, "8081/8081") if i != UNRELATED_CIDR_RULE]
    assert len(made) == len(EDGE_CIDRS)

    await flow.advance(HOUR)
    assert inbound_ids(flow, ENTERPRISE, "8081/8081") == [UNRELATED_CIDR_RULE]


async def test_a_resumed_add_counts_the_rule_it_made_as_its_own(flow: Flow) -> None:
    granted = await flow.grant(to_group("sg-ackpoolb01", duration=HOUR))
    [first] = granted.results
    assert first.outcome is RuleOutcome.CREATED
    # The job runs again, as after a crash between the add and saving its result.
    writer = flow.context.writer(granted)
    until = granted.grant_expires_at
    again = await add_rule(writer, granted, granted.plan[0], until)
    assert again.outcome is RuleOutcome.CREATED
    assert again.rule_id == first.rule_id
    assert len(flow.rules_for("sg-ackpoolb01")) == 1
