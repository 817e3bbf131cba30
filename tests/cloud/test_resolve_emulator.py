"""Resolution through the real SDK against the emulator: each path, its result, its call count.

Every path runs under both readings of what the API reference leaves open (the IP filter
ignored without ``InstanceNetworkType=vpc``, or not; secondary IPs matched, or not) and must
give the same groups under both: nothing wider than what holds the service's addresses.
"""

from __future__ import annotations

import pytest

from bot.cloud.port import CloudPort, Gateway
from bot.cloud.resolve import find_gateway, resolve_target
from tests.cloud.adapter_support import PROD_ACK, PROD_GW, SERVERLESS_ACK, make_cloud
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
from vocabulary.errors import InvalidInput, NotFound

POOL_GROUPS = ("sg-ackpoola01", "sg-ackpoolb01", "sg-ackpoolb02")
POOLS_PATH = (
    "ACK cluster prod-ack (c8f2…) → node pool np-web (sg-ackpoola01), "
    "np-multi (sg-ackpoolb01, sg-ackpoolb02)"
)
OVERLAY = "(on the overlay 172.16.0.0/16)"
OVERLAY_WHY = "pods on an overlay network reach the VPC through whichever node runs them"
CLUSTER_WIDE = (
    f"grant is cluster-wide: {OVERLAY_WHY}, so every node of ACK cluster prod-ack (c8f2…) is "
    "opened (4 nodes now)"
)
SERVERLESS_PATH = (
    "ACK Serverless cluster serverless-ack (c1a2…) → cluster security group sg-asksrvless01"
)
# What a service costs before its cluster is walked, and what walking a managed cluster costs.
SERVICE_SOURCE_CALLS = {"ListGatewayService": 1, "ListServiceSource": 1}
POOL_WALK_CALLS = {
    "DescribeClusterDetail": 1,
    "DescribeClusterNodePools": 1,
    "DescribeClusterNodes": 1,  # concurrently with the pools
    "DescribeInstances": 1,  # the nodes' own groups
    "DescribeSecurityGroups": 1,
}


def card(hops: str, *notes: str) -> str:
    """The path the approval card shows: the hops, then each note on a line of its own."""
    return "\n".join([hops, *(f"⚠ {note}" for note in notes)])


async def prod_gateway(emulator: EmulatorHandle) -> tuple[CloudPort, Gateway]:
    """The adapter and the gateway resolutions start from; the calls made to find it are
    forgotten, so the counts a test reads are the resolution's alone."""
    cloud = make_cloud(emulator)
    gateway = await find_gateway(cloud, GatewayRef(value=PROD_GW))
    emulator.reset_calls()
    return cloud, gateway


async def test_gateway_by_id_is_one_get_gateway(emulator: EmulatorHandle) -> None:
    gateway = await find_gateway(make_cloud(emulator), GatewayRef(value=PROD_GW))
    assert (gateway.name, gateway.security_group_id, gateway.vpc_id) == (
        "prod-gw",
        "sg-gwprod0001",
        "vpc-demo01",
    )
    assert emulator.calls() == {"GetGateway": 1}


async def test_gateway_by_name_matches_exactly_among_fuzzy_hits(emulator: EmulatorHandle) -> None:
    # "staging-gw" contains "gw" too; only the exact name may win.
    gateway = await find_gateway(make_cloud(emulator), GatewayRef(value="staging-gw"))
    assert gateway.unique_id == "gw-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    assert emulator.calls() == {"ListGateway": 1, "GetGateway": 1}


async def test_partial_gateway_name_is_not_found(emulator: EmulatorHandle) -> None:
    with pytest.raises(NotFound, match="no gateway named 'gw'"):
        await find_gateway(make_cloud(emulator), GatewayRef(value="gw"))


async def test_unknown_gateway_id_is_not_found_despite_http_200(emulator: EmulatorHandle) -> None:
    with pytest.raises(NotFound, match=r"no gateway gw-0{32}") as caught:
        await find_gateway(make_cloud(emulator), GatewayRef(value="gw-" + "0" * 32))
    assert caught.value.request_id
    assert emulator.calls() == {"GetGateway": 1}


@pytest.mark.parametrize(
    ("target", "groups", "path", "calls"),
    [
        pytest.param(
            ServiceTarget(name="orders"),
            POOL_GROUPS,
            card(
                f"orders.default → pods 172.16.0.10, 172.16.0.11 {OVERLAY} → {POOLS_PATH}",
                CLUSTER_WIDE,
            ),
            SERVICE_SOURCE_CALLS | POOL_WALK_CALLS,
            id="service-k8s-overlay",
        ),
        pytest.param(
            ServiceTarget(name="payments"),
            ("sg-asksrvless01",),
            f"payments.shop → {SERVERLESS_PATH}",
            SERVICE_SOURCE_CALLS | {"DescribeClusterDetail": 1, "DescribeSecurityGroups": 1},
            id="service-k8s-serverless",
        ),
        pytest.param(
            ServiceTarget(name="legacy-billing"),
            ("sg-legacyapp01", "sg-legacyapp02"),
            "legacy-billing (VIP) → 10.0.1.10 → ECS i-legacy001 (sg-legacyapp01); "
            "10.0.1.11 → ECS i-multi002 (sg-legacyapp01, sg-legacyapp02)",
            {"ListGatewayService": 1, "DescribeInstances": 1, "DescribeSecurityGroups": 1},
            id="service-vip-to-ecs",
        ),
        pytest.param(
            ServiceTarget(name="legacy"),
            ("sg-legacy20",),
            "legacy (VIP) → 10.0.1.20 → ECS i-legacy020 (sg-legacy20)",
            {"ListGatewayService": 1, "DescribeInstances": 1, "DescribeSecurityGroups": 1},
            id="service-vip-from-meta-info-in-a-busy-vpc",
        ),
        pytest.param(
            ServiceTarget(name="inventory"),
            ("sg-terwaypods01",),  # the pods' ENI, not the node's sg-terwaynode01
            "inventory.default → pods 10.0.6.21, 10.0.6.22 → "
            "ENI eni-terwaypods01 of i-terway001 (sg-terwaypods01)",
            SERVICE_SOURCE_CALLS
            | {
                "DescribeClusterDetail": 1,
                "DescribeNetworkInterfaces": 1,
                "DescribeSecurityGroups": 1,
            },
            id="service-k8s-terway-secondary-ips",
        ),
        pytest.param(
            ServiceTarget(name="search", namespace="shop"),
            POOL_GROUPS,
            card(f"search.shop → pods 172.16.0.31 {OVERLAY} → {POOLS_PATH}", CLUSTER_WIDE),
            SERVICE_SOURCE_CALLS | POOL_WALK_CALLS,
            id="service-with-namespace",
        ),
        pytest.param(
            InstanceTarget(instance_id="i-multi002"),
            ("sg-legacyapp01", "sg-legacyapp02"),
            "ECS i-multi002 (sg-legacyapp01, sg-legacyapp02)",
            {"DescribeInstances": 1, "DescribeSecurityGroups": 1},
            id="instance-in-two-groups",
        ),
        pytest.param(
            ClusterTarget(cluster_id=PROD_ACK),
            POOL_GROUPS,
            card(POOLS_PATH, CLUSTER_WIDE.replace(OVERLAY_WHY, "the target is the whole cluster")),
            POOL_WALK_CALLS,
            id="cluster-by-id",
        ),
        pytest.param(
            ClusterTarget(cluster_id="serverless-ack"),
            ("sg-asksrvless01",),
            SERVERLESS_PATH,
            {"DescribeClustersV1": 1, "DescribeSecurityGroups": 1},
            id="cluster-by-name-serverless",
        ),
        pytest.param(
            NodePoolTarget(nodepool_id="np-multi", cluster_id=PROD_ACK),
            ("sg-ackpoolb01", "sg-ackpoolb02"),
            card(
                "ACK cluster c8f2… → node pool np-multi (sg-ackpoolb01, sg-ackpoolb02)",
                "grant is pool-wide: the target is a node pool, so every node of node pool "
                "np-multi is opened (2 nodes now)",
            ),
            {
                "DescribeClusterNodePools": 1,
                "DescribeClusterNodes": 1,
                "DescribeInstances": 1,
                "DescribeSecurityGroups": 1,
            },
            id="nodepool",
        ),
        pytest.param(
            SecurityGroupTarget(security_group_id="sg-legacyapp02"),
            ("sg-legacyapp02",),
            "security group sg-legacyapp02",
            {"DescribeSecurityGroups": 1},
            id="security-group-direct",
        ),
    ],
)
@pytest.mark.usefixtures("reading")
async def test_resolution_paths(
    emulator: EmulatorHandle,
    target: Target,
    groups: tuple[str, ...],
    path: str,
    calls: dict[str, int],
) -> None:
    cloud, gateway = await prod_gateway(emulator)

    resolution = await resolve_target(cloud, gateway, target)

    assert tuple(g.security_group_id for g in resolution.groups) == groups
    assert resolution.path == path
    assert card(resolution.hops, *resolution.notes) == path
    assert resolution.gateway_group.security_group_id == "sg-gwprod0001"
    assert resolution.gateway_group.group_type == "normal"
    assert emulator.calls() == calls


async def test_group_metadata_comes_with_the_groups(emulator: EmulatorHandle) -> None:
    cloud, gateway = await prod_gateway(emulator)
    resolution = await resolve_target(cloud, gateway, InstanceTarget(instance_id="i-entapp003"))
    (group,) = resolution.groups
    assert (group.name, group.group_type, group.vpc_id) == (
        "crm-enterprise",
        "enterprise",
        "vpc-demo01",
    )


async def test_nodepool_by_name_in_cluster_by_name(emulator: EmulatorHandle) -> None:
    cloud, gateway = await prod_gateway(emulator)
    target = NodePoolTarget(nodepool_id="web", cluster_id="prod-ack")
    resolution = await resolve_target(cloud, gateway, target)
    assert [g.security_group_id for g in resolution.groups] == ["sg-ackpoola01"]


@pytest.mark.parametrize(
    ("target", "error", "message"),
    [
        pytest.param(
            SecurityGroupTarget(security_group_id="sg-doesnotexist"),
            NotFound,
            r"sg-doesnotexist does not exist in cn-hangzhou",
            id="unknown-sg",
        ),
        pytest.param(
            ServiceTarget(name="search"),
            InvalidInput,
            r"several namespaces .* say which: `search\.default`, `search\.shop`",
            id="ambiguous-service",
        ),
        pytest.param(
            ServiceTarget(name="partner-api"),
            InvalidInput,
            r"DNS service without IP addresses.*`sg-…` or `instance i-…`",
            id="unresolvable-dns-service",
        ),
        pytest.param(
            ServiceTarget(name="order"),
            NotFound,
            r"routes no service named 'order'",
            id="service-name-is-exact",
        ),
        pytest.param(
            InstanceTarget(instance_id="i-nothere"),
            NotFound,
            r"no ECS instance i-nothere in cn-hangzhou; if it exists, the bot's RAM identity "
            r"may not see it: .* ecs:DescribeInstances answer an empty list",
            id="unknown-instance",
        ),
        pytest.param(
            ClusterTarget(cluster_id="c" + "0" * 32),
            NotFound,
            r"DescribeClusterDetail",
            id="unknown-cluster",
        ),
        pytest.param(
            NodePoolTarget(nodepool_id="np-gpu", cluster_id=PROD_ACK),
            NotFound,
            r"no node pool 'np-gpu' \(it has: np-web, np-multi\)",
            id="unknown-nodepool",
        ),
    ],
)
async def test_resolution_errors_say_what_to_do(
    emulator: EmulatorHandle, target: Target, error: type[Exception], message: str
) -> None:
    cloud, gateway = await prod_gateway(emulator)
    with pytest.raises(error, match=message):
        await resolve_target(cloud, gateway, target)


async def test_serverless_cluster_by_id_skips_node_pools(emulator: EmulatorHandle) -> None:
    cloud, gateway = await prod_gateway(emulator)
    resolution = await resolve_target(cloud, gateway, ClusterTarget(cluster_id=SERVERLESS_ACK))
    assert [g.security_group_id for g in resolution.groups] == ["sg-asksrvless01"]
    assert "DescribeClusterNodePools" not in emulator.calls()
