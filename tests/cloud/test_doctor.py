"""The connectivity doctor against the emulator, through the real SDK: one case per FAQ cause.

Authorizations are made the way they are in life, with AddSecurityGroupRule through the
adapter (the emulator writes the backend group's inbound rule as MSE does); the doctor then
reads and judges. Nothing it does writes: the estate is the same after a check.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.cloud.doctor import check
from bot.cloud.doctor_model import CauseKind, Diagnosis
from bot.cloud.port import CloudPort
from bot.grammar import parse_command
from tests.cloud.adapter_support import PROD_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import Check, PortRange
from vocabulary.errors import PermissionDenied


def ports(text: str) -> PortRange:
    return PortRange.from_mse(text)


async def authorize(cloud: CloudPort, group_id: str, port_range: str, description: str) -> None:
    await cloud.add_rule(PROD_GW, group_id, ports(port_range), description)


async def doctor(cloud: CloudPort, text: str) -> Diagnosis:
    command = parse_command(text)
    assert isinstance(command, Check)
    return await check(cloud, command)


def kinds(diagnosis: Diagnosis) -> set[CauseKind]:
    return {cause.kind for cause in diagnosis.causes}


async def test_reachable_names_the_authorization_and_who_asked(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    await authorize(cloud, "sg-legacy20", "8080/8080", "sgbot REQ-7F3K2 by U1")
    before = emulator.state()
    emulator.reset_calls()
    diagnosis = await doctor(cloud, "check gateway prod-gw to service legacy")
    assert diagnosis.reachable
    assert diagnosis.verdict == "reachable as far as security groups go"
    assert diagnosis.ports == (ports("8080/8080"),)  # the service's own port, from MSE
    [endpoint] = diagnosis.endpoints
    assert (endpoint.endpoint.ip, endpoint.endpoint.group_ids) == ("10.0.1.20", ("sg-legacy20",))
    [port] = endpoint.ports
    assert port.covered
    assert port.request_id == "REQ-7F3K2"
    assert port.mse_rule_id is not None
    assert diagnosis.causes == ()
    assert diagnosis.missing == ()
    assert emulator.state() == before  # read-only
    assert not {"AddSecurityGroupRule", "DeleteSecurityGroupRule"} & set(emulator.calls())


async def test_wrong_node_authorization_for_a_group_no_endpoint_is_in(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator)
    await authorize(cloud, "sg-legacyapp01", "8080/8080", "by hand")
    diagnosis = await doctor(cloud, "check gateway prod-gw to service legacy")
    assert not diagnosis.reachable
    assert diagnosis.verdict == "blocked for 1 endpoint of 1"
    assert CauseKind.WRONG_NODE in kinds(diagnosis)
    wrong = next(c for c in diagnosis.causes if c.kind is CauseKind.WRONG_NODE)
    assert "sg-legacyapp01" in wrong.text
    assert "sg-legacy20" in wrong.text
    assert diagnosis.missing == (("sg-legacy20", ports("8080/8080")),)


async def test_several_groups_reachable_but_advises_each_group(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    await authorize(cloud, "sg-legacyapp01", "8080/8080", "by hand")
    diagnosis = await doctor(cloud, "check gateway prod-gw to service legacy-billing")
    assert diagnosis.reachable  # ECS evaluates both groups of i-multi002 together
    several = [c for c in diagnosis.causes if c.kind is CauseKind.SEVERAL_GROUPS]
    assert len(several) == 1
    assert "i-multi002" in several[0].text
    assert "authorize each group" in several[0].text
    assert diagnosis.missing == (("sg-legacyapp02", ports("8080/8080")),)


async def test_drop_of_higher_priority_in_another_group_blocks(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    await authorize(cloud, "sg-legacyapp01", "8080/8080", "by hand")
    diagnosis = await doctor(cloud, "check gateway prod-gw to service legacy-billing")
    facts_groups = {e.endpoint.ip: e for e in diagnosis.endpoints}
    assert not facts_groups["10.0.1.11"].blocked
    # The same judgement with a Drop at priority 1 in the second group: the Drop wins.
    from dataclasses import replace

    from bot.cloud.doctor import gather_facts
    from bot.cloud.doctor_report import diagnose
    from bot.cloud.port import IngressRule
    from bot.cloud.resolve import find_gateway

    command = parse_command("check gateway prod-gw to service legacy-billing")
    assert isinstance(command, Check)
    facts = await gather_facts(cloud, await find_gateway(cloud, command.gateway), command)
    drop = IngressRule("sgr-drop", "Drop", "TCP", "1/65535", "sg-gwprod0001", None, 1, None, "")
    ingress = {**facts.ingress, "sg-legacyapp02": [drop]}
    judged = diagnose(replace(facts, ingress=ingress))
    by_ip = {e.endpoint.ip: e for e in judged.endpoints}
    assert by_ip["10.0.1.11"].blocked
    assert not by_ip["10.0.1.10"].blocked
    assert "dropped by inbound rule sgr-drop" in by_ip["10.0.1.11"].ports[0].why


async def test_service_down_has_no_endpoints(emulator: EmulatorHandle) -> None:
    diagnosis = await doctor(
        make_cloud(emulator), "check gateway prod-gw to service inventory-canary"
    )
    assert not diagnosis.reachable
    assert diagnosis.endpoints == ()
    assert kinds(diagnosis) == {CauseKind.NO_ENDPOINTS}
    assert "down" in diagnosis.causes[0].text


async def test_port_changed(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    await authorize(cloud, "sg-legacy20", "8081/8081", "sgbot REQ-7F3K2 by U1")
    diagnosis = await doctor(cloud, "check gateway prod-gw to service legacy")
    assert not diagnosis.reachable
    changed = next(c for c in diagnosis.causes if c.kind is CauseKind.PORT_CHANGED)
    assert "8081" in changed.text
    assert "now uses 8080" in changed.text
    assert CauseKind.WRONG_NODE not in kinds(diagnosis)


async def test_new_node_outside_its_pool_template(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    await authorize(cloud, "sg-batchpool01", "8080/8080", "by hand")
    diagnosis = await doctor(cloud, "check gateway prod-gw to service jobs in batch")
    blocked = {e.endpoint.via for e in diagnosis.blocked}
    assert blocked == {"node i-batchold01 outside any node pool"}
    new = next(c for c in diagnosis.causes if c.kind is CauseKind.NEW_NODE)
    assert "i-batchold01" in new.text
    assert diagnosis.missing == (
        ("sg-batchdebug01", ports("8080/8080")),
        ("sg-batchold01", ports("8080/8080")),
    )


async def test_one_uncovered_node_pool(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    await authorize(cloud, "sg-ackpoola01", "8080/8080", "by hand")
    diagnosis = await doctor(cloud, "check gateway prod-gw to service orders")
    assert diagnosis.verdict == "blocked for 2 endpoints of 4"
    assert {e.endpoint.pool_id for e in diagnosis.blocked} == {"np-multi"}
    assert [g for g, _ in diagnosis.missing] == ["sg-ackpoolb01", "sg-ackpoolb02"]
    # Its nodes joined in 2025, before this authorization: nothing joined after the grant.
    assert not any("joined after" in cause.text for cause in diagnosis.causes)


async def test_a_node_pool_that_joined_after_the_grant(emulator: EmulatorHandle) -> None:
    # Rule 1 (443 on web's group) dates from 2024; the multi pool's nodes joined in 2025 with
    # exactly their pool's groups, so only their time tells why the grant missed them.
    cloud = make_cloud(emulator)
    diagnosis = await doctor(cloud, "check gateway prod-gw to service orders on 443")
    assert {e.endpoint.pool_id for e in diagnosis.blocked} == {"np-multi"}
    assert all(e.endpoint.group_ids == e.endpoint.template_ids for e in diagnosis.blocked)
    [joined] = [c for c in diagnosis.causes if "joined after" in c.text]
    assert joined.kind is CauseKind.NEW_NODE
    assert "authorization 1 (2024-01-01 00:00 UTC)" in joined.text
    assert "node i-ackmulti001 of np-multi joined at 2025-03-01 02:00 UTC" in joined.text
    assert "i-ackmulti002" in joined.text
    assert "i-ackweb001" not in joined.text  # covered: not listed, whenever it joined


async def test_other_vpc_and_type_mismatch(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    other = await doctor(cloud, "check gateway prod-gw to sg-othervpc01 on 80")
    assert not other.reachable
    assert CauseKind.OTHER_VPC in kinds(other)
    assert other.missing == ()
    mixed = await doctor(cloud, "check gateway prod-gw to sg-enterprise01, sg-legacy20 on 80")
    assert CauseKind.TYPE_MISMATCH in kinds(mixed)
    assert mixed.verdict == "blocked for 2 endpoints of 2"
    assert mixed.missing == (("sg-legacy20", ports("80/80")),)
    assert any("enterprise groups are authorized by CIDR" in s for s in mixed.cannot_see)


async def test_document_is_json_ready(emulator: EmulatorHandle) -> None:
    import json

    diagnosis = await doctor(make_cloud(emulator), "check gateway prod-gw to sg-legacy20 on 80")
    document = json.loads(json.dumps(diagnosis.document()))
    assert document["reachable"] is False
    assert document["missing"] == [{"security_group_id": "sg-legacy20", "ports": "80"}]
    assert document["gateway"]["id"] == PROD_GW


async def test_the_demo_seed_leaves_one_node_pool_of_search_uncovered(
    emulator: EmulatorHandle,
) -> None:
    from standins.demo_seed import CHECK_EXAMPLE, seed_partial_access

    await asyncio.to_thread(
        seed_partial_access,
        emulator.url,
        emulator.region_id,
        emulator.access_key_id,
        emulator.access_key_secret,
    )
    diagnosis = await doctor(make_cloud(emulator), CHECK_EXAMPLE)
    assert diagnosis.verdict == "blocked for 2 endpoints of 4"
    assert {e.endpoint.pool_id for e in diagnosis.blocked} == {"np-multi"}
    assert [g for g, _ in diagnosis.missing] == ["sg-ackpoolb01", "sg-ackpoolb02"]


async def test_enterprise_groups_are_covered_by_the_gateway_cidrs(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator)
    covered = await doctor(cloud, "check gateway edge-gw to service crm on 9443")
    assert covered.reachable
    [endpoint] = covered.endpoints
    assert endpoint.ports[0].mse_rule_id == 101  # the console's CIDR authorization
    assert any("authorized by CIDR" in line for line in covered.cannot_see)
    own = await doctor(cloud, "check gateway edge-gw to service crm")
    assert own.ports == (ports("8443/8443"),)
    assert not own.reachable
    assert own.missing == (("sg-enterprise01", ports("8443/8443")),)


async def test_a_hidden_managed_group_is_refused_as_resolution_refuses_it(
    emulator: EmulatorHandle,
) -> None:
    emulator.set_faults(hidden=["sg-gwprod0001"])
    with pytest.raises(PermissionDenied) as caught:
        await doctor(make_cloud(emulator), "check gateway prod-gw to service legacy")
    assert caught.value.action == "ecs:DescribeSecurityGroups"
    assert "sg-gwprod0001 of gateway prod-gw is not visible" in str(caught.value)
