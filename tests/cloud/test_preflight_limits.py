"""Pre-flight knows the quotas and types: a basic group's 20 group-referencing rules, enterprise
groups authorized by CIDR, mismatched types, and gateways that are not running.

Planned against the emulator's demo estate under both readings (AuthCidrs listed or blank;
the quota enforced by the add itself or not) — the plan must be right under both.
"""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from bot.cloud.preflight import SAME_TYPE, Action, Plan, plan_authorization
from bot.cloud.rules import ensure_rule
from tests.cloud.adapter_support import PROD_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import GatewayRef, PortRange, ServiceTarget
from vocabulary.errors import InvalidInput

NEAR_QUOTA = "sg-nearquota01"  # 19 rules that reference groups (one of them ALL -1/-1)


def ports(*numbers: int) -> list[PortRange]:
    return [PortRange(start=n, end=n) for n in numbers]


@pytest.mark.usefixtures("reading")
async def test_the_twentieth_group_rule_is_planned_and_the_twenty_first_refused(
    emulator: EmulatorHandle,
) -> None:
    cloud = make_cloud(emulator)
    shared = ServiceTarget(name="shared")

    one = await plan_authorization(cloud, GatewayRef(value="prod-gw"), shared, ports(7001))
    two = await plan_authorization(cloud, GatewayRef(value="prod-gw"), shared, ports(7001, 7002))

    assert [i.action for i in one.items] == [Action.ADD]
    assert [i.action for i in two.items] == [Action.REFUSE, Action.REFUSE]
    assert two.items[0].reason == (
        "it already holds 19 of the 20 rules referencing another security group that a basic "
        "group may have, and this would add 2; remove rules it no longer needs, or ask for "
        "fewer port ranges"
    )


async def test_the_emulator_refuses_a_21st_group_rule_only_in_the_stricter_reading(
    emulator: EmulatorHandle, reading: str
) -> None:
    cloud = make_cloud(emulator)
    await ensure_rule(
        cloud, PROD_GW, NEAR_QUOTA, PortRange(start=7001, end=7001), "sgbot REQ-AAAAA"
    )
    second = ensure_rule(
        cloud, PROD_GW, NEAR_QUOTA, PortRange(start=7002, end=7002), "sgbot REQ-BBBBB"
    )
    if reading == "strict":
        with pytest.raises(
            InvalidInput,
            match=r"AuthorizationLimitExceed: Security group sg-nearquota01 already has 20",
        ):
            await second
    else:
        assert (await second).created


async def test_a_rule_already_in_the_group_does_not_count_against_the_quota(
    emulator: EmulatorHandle,
) -> None:
    # An inbound rule from the gateway's group on 7001 is left behind with no MSE record; it
    # is the group's 20th. A new add for 7001 links to it instead of making a 21st.
    cloud = make_cloud(emulator)
    added = await ensure_rule(
        cloud, PROD_GW, NEAR_QUOTA, PortRange(start=7001, end=7001), "sgbot REQ-AAAAA"
    )
    await cloud.delete_rule(PROD_GW, added.rule_id, cascade=False)  # the ECS rule stays

    def plan(*numbers: int) -> Awaitable[Plan]:
        target = ServiceTarget(name="shared")
        return plan_authorization(cloud, GatewayRef(value="prod-gw"), target, ports(*numbers))

    (linked,) = (await plan(7001)).items
    assert linked.action is Action.ADD
    assert linked.backend_rule is not None
    (new,) = (await plan(7002)).items
    assert new.action is Action.REFUSE
    assert "already holds 20 of the 20" in new.reason


async def test_enterprise_to_enterprise_is_planned_with_the_cidrs_mse_authorizes(
    emulator: EmulatorHandle, reading: str
) -> None:
    result = await plan_authorization(
        make_cloud(emulator), GatewayRef(value="edge-gw"), ServiceTarget(name="crm"),
        ports(8443, 9443),
    )  # fmt: skip

    add, skip = result.items
    assert (add.action, skip.action) == (Action.ADD, Action.SKIP)
    authorized = (
        "the CIDRs of vsw-edge0001, vsw-edge0002"  # AuthCidrs came back blank
        if reading == "strict"
        else "AuthCidrs 10.0.8.0/24, 10.0.9.0/24"
    )
    assert add.reason == (
        "open ports 8443; an enterprise group cannot reference another group, so MSE "
        f"authorizes the gateway's vSwitch CIDRs instead ({authorized})"
    )
    assert skip.existing_rule_id == 101
    # The inbound rule for 9443 is by CIDR: matched on the listed CIDRs, or, when MSE does not
    # list them, on any CIDR source (it may be the one MSE linked to: never cascade to it).
    assert skip.backend_rule is not None
    assert skip.backend_rule.rule_id == "sgr-demo000002"


async def test_a_type_mismatch_is_refused_with_what_to_do(emulator: EmulatorHandle) -> None:
    result = await plan_authorization(
        make_cloud(emulator), GatewayRef(value="prod-gw"), ServiceTarget(name="crm"), ports(8443)
    )
    (item,) = result.items
    assert item.action is Action.REFUSE
    assert item.reason.startswith("its type is enterprise and the gateway group sg-gwprod0001")
    assert item.reason.endswith(SAME_TYPE)


async def test_a_gateway_that_is_not_running_is_refused(emulator: EmulatorHandle) -> None:
    result = await plan_authorization(
        make_cloud(emulator),
        GatewayRef(value="dev-gw"),
        ServiceTarget(name="legacy-billing"),
        ports(8080),
    )
    (item,) = result.items
    assert item.action is Action.REFUSE
    assert item.reason.startswith("gateway dev-gw is changing, not running")
    assert "DescribeSecurityGroupAttribute" not in emulator.calls()
