"""Pre-flight planning: the pure decision table, then the same checks on the emulator's estate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.cloud.port import Gateway, GatewayRule, IngressRule, SecurityGroup
from bot.cloud.preflight import Action, plan, plan_authorization
from bot.cloud.resolve import Resolution
from bot.cloud.rules import ensure_rule
from tests.cloud.adapter_support import PROD_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import GatewayRef, InstanceTarget, PortRange, ServiceTarget
from vocabulary.errors import Conflict

GATEWAY = Gateway(unique_id=PROD_GW, name="prod-gw", security_group_id="sg-gw", vpc_id="vpc-a")
GATEWAY_GROUP = SecurityGroup("sg-gw", "gw", "normal", "vpc-a")


def ports(start: int, end: int | None = None) -> PortRange:
    return PortRange(start=start, end=end or start)


def resolution(*groups: SecurityGroup) -> Resolution:
    return Resolution(GATEWAY, GATEWAY_GROUP, groups, path="test")


def rule(rule_id: int, group_id: str, port_range: PortRange) -> GatewayRule:
    return GatewayRule(rule_id, group_id, port_range, description="")


@pytest.mark.parametrize(
    ("group", "existing", "requested", "action", "reason"),
    [
        (SecurityGroup("sg-b", "b", "normal", "vpc-a"), [], ports(8080), Action.ADD, "open"),
        (
            SecurityGroup("sg-b", "b", "normal", "vpc-a"),
            [rule(7, "sg-b", ports(8000, 9000))],
            ports(8080, 8081),
            Action.SKIP,
            "already allowed by rule 7 (ports 8000-9000)",
        ),
        (
            SecurityGroup("sg-b", "b", "normal", "vpc-a"),
            [rule(7, "sg-b", ports(8000, 8080))],
            ports(8080, 8081),
            Action.ADD,
            "open ports 8080-8081",
        ),
        (
            SecurityGroup("sg-b", "b", "normal", "vpc-a"),
            [rule(7, "sg-other", ports(1, 65535))],
            ports(8080),
            Action.ADD,
            "open",
        ),
        (
            SecurityGroup("sg-e", "e", "enterprise", "vpc-a"),
            [],
            ports(8080),
            Action.REFUSE,
            "its type is enterprise and the gateway group sg-gw's is basic (normal); MSE "
            "authorizes only between groups of one type: select the same security group type "
            "for the gateway as the one used by the backend service",
        ),
        (
            SecurityGroup("sg-o", "o", "normal", "vpc-b"),
            [rule(3, "sg-o", ports(8080))],
            ports(8080),
            Action.REFUSE,
            "it is in vpc-b, the gateway in vpc-a",
        ),
    ],
)
def test_plan_decides_each_group_and_range(
    group: SecurityGroup,
    existing: list[GatewayRule],
    requested: PortRange,
    action: Action,
    reason: str,
) -> None:
    (item,) = plan(resolution(group), [requested], existing).items
    assert item.action is action
    assert reason in item.reason


def test_plan_covers_every_group_and_range_pair() -> None:
    groups = [SecurityGroup(f"sg-{n}", n, "normal", "vpc-a") for n in ("x", "y")]
    result = plan(resolution(*groups), [ports(80), ports(443)], [rule(1, "sg-y", ports(443))])
    decided = [(i.group.security_group_id, i.ports.start, i.action) for i in result.items]
    assert decided == [
        ("sg-x", 80, Action.ADD),
        ("sg-x", 443, Action.ADD),
        ("sg-y", 80, Action.ADD),
        ("sg-y", 443, Action.SKIP),
    ]
    assert [i.existing_rule_id for i in result.items] == [None, None, None, 1]
    result.raise_if_refused()


def test_any_refusal_refuses_the_request_with_every_reason() -> None:
    groups = [
        SecurityGroup("sg-ok", "ok", "normal", "vpc-a"),
        SecurityGroup("sg-far", "far", "enterprise", "vpc-b"),
    ]
    result = plan(resolution(*groups), [ports(80)], [])
    with pytest.raises(Conflict, match=r"sg-far: it is in vpc-b.*; its type is enterprise"):
        result.raise_if_refused()


async def test_enterprise_backend_is_refused(emulator: EmulatorHandle) -> None:
    result = await plan_authorization(
        make_cloud(emulator), GatewayRef(value="prod-gw"), ServiceTarget(name="crm"), [ports(8443)]
    )
    (item,) = result.items
    assert (item.group.security_group_id, item.action) == ("sg-enterprise01", Action.REFUSE)
    assert "enterprise" in item.reason


async def test_backend_in_another_vpc_is_refused(emulator: EmulatorHandle) -> None:
    target = InstanceTarget(instance_id="i-othervpc04")
    cloud = make_cloud(emulator)
    result = await plan_authorization(cloud, GatewayRef(value=PROD_GW), target, [ports(80)])
    (item,) = result.refused
    assert item.group.security_group_id == "sg-othervpc01"
    assert "vpc-other02" in item.reason


async def test_existing_rule_is_skipped_and_the_rest_added(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    result = await plan_authorization(
        cloud, GatewayRef(value=PROD_GW), ServiceTarget(name="orders"), [ports(443)]
    )
    actions = {i.group.security_group_id: i.action for i in result.items}
    assert actions == {
        "sg-ackpoola01": Action.SKIP,
        "sg-ackpoolb01": Action.ADD,
        "sg-ackpoolb02": Action.ADD,
    }
    # The gateway, the resolution and one listing of the rules: nothing fetched twice.
    assert emulator.calls() == {
        "GetGateway": 1,
        "ListGatewayService": 1,
        "ListServiceSource": 1,
        "DescribeClusterDetail": 1,
        "DescribeClusterNodePools": 1,
        "DescribeClusterNodes": 1,
        "DescribeInstances": 1,
        "DescribeSecurityGroups": 1,
        "ListSecurityGroupRule": 1,
        "DescribeSecurityGroupAttribute": 3,  # one per backend group, concurrently
    }
    # The 443 rule of sg-ackpoola01 was there before the bot; the others have none.
    backend = {i.group.security_group_id: i.backend_rule for i in result.items}
    assert backend["sg-ackpoola01"] is not None
    assert backend["sg-ackpoola01"].rule_id == "sgr-demo000001"
    assert backend["sg-ackpoolb01"] is None


def inbound(port_range: str, *, protocol: str = "TCP", source: str = "sg-gw") -> IngressRule:
    return IngressRule(
        rule_id=f"sgr-{protocol.lower()}{port_range.replace('/', '-')}",
        policy="Accept",
        ip_protocol=protocol,
        port_range=port_range,
        source_group_id=source,
        source_cidr_ip=None,
        priority=1,
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
        description="",
    )


def test_an_identical_inbound_rule_is_named_on_adds_and_skips() -> None:
    group = SecurityGroup("sg-b", "b", "normal", "vpc-a")
    far = SecurityGroup("sg-far", "far", "normal", "vpc-b")
    ingress = {
        "sg-b": [inbound("8080/8080"), inbound("443/443", protocol="UDP"), inbound("9000/9000")],
        "sg-far": [inbound("8080/8080")],
    }
    existing = [rule(4, "sg-b", ports(9000))]
    result = plan(resolution(group, far), [ports(8080), ports(443), ports(9000)], existing, ingress)

    named = {
        (i.group.security_group_id, i.ports.start): (i.action, i.backend_rule) for i in result.items
    }
    assert named[("sg-b", 8080)] == (Action.ADD, inbound("8080/8080"))
    assert named[("sg-b", 443)] == (Action.ADD, None)  # UDP is not what MSE makes
    assert named[("sg-b", 9000)] == (Action.SKIP, inbound("9000/9000"))
    assert named[("sg-far", 8080)] == (Action.REFUSE, None)


async def test_a_rule_left_behind_by_hand_is_found_and_reused(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    # A grant that ended keeping its backend rule leaves an inbound rule with no MSE record.
    made = await ensure_rule(cloud, PROD_GW, "sg-legacyapp02", ports(8080), "console")
    await cloud.delete_rule(PROD_GW, made.rule_id, cascade=False)
    target = InstanceTarget(instance_id="i-multi002")

    result = await plan_authorization(cloud, GatewayRef(value=PROD_GW), target, [ports(8080)])

    backend = {i.group.security_group_id: (i.action, i.backend_rule) for i in result.items}
    action, left = backend["sg-legacyapp02"]
    assert action is Action.ADD
    assert left is not None
    assert (left.source_group_id, left.port_range) == ("sg-gwprod0001", "8080/8080")
    assert backend["sg-legacyapp01"] == (Action.ADD, None)
