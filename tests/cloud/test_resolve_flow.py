"""A change's whole read (``resolve_named``) on each path: the same answer as the reads made
one after another, and the calls it costs cold and warm, guesses included."""

from __future__ import annotations

import pytest

from bot.cloud import preflight
from bot.cloud.resolve import find_gateway, resolve_target
from bot.cloud.resolve_cache import ResolveCache
from bot.cloud.resolve_flow import resolve_named
from tests.cloud.adapter_support import PROD_ACK, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import (
    ClusterTarget,
    GatewayRef,
    InstanceTarget,
    NodePoolTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)
from vocabulary.errors import NotFound

PROD = GatewayRef(value="prod-gw")
# Every path: the gateway by name, its rules, the groups with the gateway's own.
BASE = {
    "ListGateway": 1,
    "GetGateway": 1,
    "ListSecurityGroupRule": 1,
    "DescribeSecurityGroups": 1,
}
SERVICE = {"ListGatewayService": 1, "ListServiceSource": 1}
NODES = {"DescribeClusterNodePools": 1, "DescribeClusterNodes": 1, "DescribeInstances": 1}
METADATA = ("ListGateway", "ListServiceSource", "DescribeClusterDetail")


@pytest.mark.parametrize(
    ("target", "cold"),
    [
        pytest.param(
            ServiceTarget(name="orders"),
            BASE | SERVICE | NODES | {"DescribeClusterDetail": 1},
            id="service-on-ack-overlay",
        ),
        pytest.param(
            # The pools and nodes are read on a guess, alongside the cluster's detail.
            ServiceTarget(name="inventory"),
            BASE
            | SERVICE
            | {"DescribeClusterDetail": 1, "DescribeNetworkInterfaces": 1}
            | {"DescribeClusterNodePools": 1, "DescribeClusterNodes": 1},
            id="service-on-terway-enis",
        ),
        pytest.param(
            # ListServiceSource is started before the service's source type is known.
            ServiceTarget(name="legacy-billing"),
            BASE | SERVICE | {"DescribeInstances": 1},
            id="service-vip",
        ),
        pytest.param(InstanceTarget(instance_id="i-multi002"), BASE | {"DescribeInstances": 1}),
        pytest.param(SecurityGroupTarget(security_group_id="sg-legacyapp02"), BASE),
        pytest.param(
            ClusterTarget(cluster_id=PROD_ACK), BASE | NODES | {"DescribeClusterDetail": 1}
        ),
        pytest.param(NodePoolTarget(nodepool_id="np-multi", cluster_id=PROD_ACK), BASE | NODES),
    ],
)
async def test_each_path_answers_as_before_and_costs_what_the_docs_say(
    emulator: EmulatorHandle, target: Target, cold: dict[str, int]
) -> None:
    cloud = make_cloud(emulator)
    before = await resolve_target(cloud, await find_gateway(cloud, PROD), target)
    cache = ResolveCache()
    emulator.reset_calls()

    found = await resolve_named(cloud, PROD, target, cache=cache, plannable=preflight.plannable)
    calls = emulator.calls()
    emulator.reset_calls()
    warm = await resolve_named(cloud, PROD, target, cache=cache, plannable=preflight.plannable)
    warm_calls = emulator.calls()

    for each in (found, warm):
        assert each.resolution == before
        assert set(each.ingress) == {g.security_group_id for g in before.groups}
    assert calls.pop("DescribeSecurityGroupAttribute") == len(before.groups)
    assert calls == cold
    assert not set(METADATA) & set(warm_calls)


async def test_the_gateways_errors_come_before_the_targets(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    with pytest.raises(NotFound, match="no gateway named 'nope-gw'"):
        await resolve_named(cloud, GatewayRef(value="nope-gw"), InstanceTarget(instance_id="i-no"))
    with pytest.raises(NotFound, match=r"no gateway gw-0{32}"):
        await resolve_named(cloud, GatewayRef(value="gw-" + "0" * 32), ServiceTarget(name="orders"))


async def test_a_stopped_gateway_has_no_inbound_rules_read(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    target = InstanceTarget(instance_id="i-legacy001")
    found = await resolve_named(
        cloud, GatewayRef(value="dev-gw"), target, plannable=preflight.plannable
    )
    assert not found.resolution.gateway.running
    assert found.ingress == {}
