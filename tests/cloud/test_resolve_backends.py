"""What runs a service decides its groups: secondary IPs, ECI pods, nodes that drifted from their
pool, nodes outside any pool; and the errors that say which permission or account is missing.

Each resolution runs under both readings of the ambiguous ECS filters and must give the same
groups; only the hop that found them may differ.
"""

from __future__ import annotations

import pytest

from bot.cloud.resolve import Resolution, find_gateway, resolve_target
from bot.cloud.resolve_ips import IpHop, IpTrace, addresses
from bot.cloud.resolve_k8s import listed, service_walk
from tests.cloud.adapter_support import PROD_GW, make_cloud
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import GatewayRef, InstanceTarget, ServiceTarget
from vocabulary.errors import InvalidInput, NotFound, PermissionDenied


async def resolve(emulator: EmulatorHandle, target: ServiceTarget | InstanceTarget) -> Resolution:
    cloud = make_cloud(emulator)
    gateway = await find_gateway(cloud, GatewayRef(value=PROD_GW))
    emulator.reset_calls()
    return await resolve_target(cloud, gateway, target)


async def test_a_secondary_ip_on_an_instance_is_traced_in_either_reading(
    emulator: EmulatorHandle, reading: str
) -> None:
    resolution = await resolve(emulator, ServiceTarget(name="shared"))

    assert [g.security_group_id for g in resolution.groups] == ["sg-nearquota01"]
    # DescribeInstances matches primary IPs only in the stricter reading: the ENI step finds it.
    hop = (
        "ENI eni-shared001 of i-shared001 (sg-nearquota01)"
        if reading == "strict"
        else "ECS i-shared001 (sg-nearquota01)"
    )
    assert resolution.hops == f"shared (VIP) → 10.0.1.41 → {hop}"


async def test_an_eci_pod_is_found_by_its_eni_primary_ip(
    emulator: EmulatorHandle, reading: str
) -> None:
    resolution = await resolve(emulator, ServiceTarget(name="reports"))

    assert [g.security_group_id for g in resolution.groups] == ["sg-eci01"]
    assert resolution.hops == (
        "reports.default → pods 10.0.7.5 → "
        "ENI eni-eci000001 (no instance: ECI or unattached) (sg-eci01)"
    )
    # PrivateIpAddress.N matches secondary IPs only (strict): one more call, by primary IP.
    lookups = emulator.calls()["DescribeNetworkInterfaces"]
    assert lookups == (2 if reading == "strict" else 1)


async def test_overlay_pods_open_every_node_and_say_which_ones_are_odd(
    emulator: EmulatorHandle, reading: str
) -> None:
    resolution = await resolve(emulator, ServiceTarget(name="jobs"))

    assert [g.security_group_id for g in resolution.groups] == [
        "sg-batchpool01",  # the pool's template
        "sg-batchdebug01",  # added to one node after it was created
        "sg-batchold01",  # a node outside any pool
    ]
    cluster_wide, outside, differing = resolution.notes
    assert cluster_wide.startswith("grant is cluster-wide")
    assert cluster_wide.endswith(
        "every node of ACK cluster batch-ack (c5d6…) is opened (3 nodes now)"
    )
    assert outside == "nodes outside any node pool: i-batchold01 (sg-batchold01)"
    assert differing == (
        "nodes whose groups differ from their pool's template: "
        "i-batch002 (sg-batchpool01, sg-batchdebug01) in np-batch (template sg-batchpool01)"
    )
    assert "\n⚠ nodes outside any node pool" in resolution.path


async def test_a_service_without_endpoints_on_pod_enis_cannot_be_traced_yet(
    emulator: EmulatorHandle,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await resolve(emulator, ServiceTarget(name="inventory-canary"))
    assert "has no endpoints, and ACK cluster prod-terway (c3b4…) gives pods" in str(caught.value)
    assert "`sg-…` or `instance i-…`" in str(caught.value)


def test_long_lists_are_cut_for_the_card() -> None:
    hops = tuple(IpHop(f"10.0.6.{n}", "ENI eni-1 of i-1", ("sg-pods",)) for n in range(1, 8))
    trace = IpTrace(hops=hops, unmatched=())
    assert trace.text == (
        "10.0.6.1, 10.0.6.2, 10.0.6.3, 10.0.6.4, 10.0.6.5 and 2 more → ENI eni-1 of i-1 (sg-pods)"
    )
    assert listed([f"i-{n}" for n in range(6)], "; ") == "i-0; i-1; i-2; i-3; i-4 and 1 more"


@pytest.mark.parametrize(
    ("ips", "meta_info", "expected"),
    [
        ((), '["10.0.1.20:8080"]', ["10.0.1.20"]),
        (("10.0.1.10",), '["10.0.1.10:8080","10.0.1.11:8080"]', ["10.0.1.10", "10.0.1.11"]),
        ((), '["api.partner.example:443"]', []),  # a host name: DNS, not traced
        (("10.0.1.10",), "not json", ["10.0.1.10"]),
        ((), '["10.0.1.30"]', ["10.0.1.30"]),
        ((), None, []),
    ],
)
def test_service_addresses_come_from_ips_and_meta_info(
    ips: tuple[str, ...], meta_info: str | None, expected: list[str]
) -> None:
    assert addresses(ips, meta_info) == expected


async def test_ips_no_one_holds_are_refused_naming_the_ram_actions(
    emulator: EmulatorHandle,
) -> None:
    # A RAM policy limited by resource hides the instance: DescribeInstances answers empty.
    emulator.set_faults(hidden=["i-legacy020", "eni-legacy020"])
    with pytest.raises(InvalidInput) as caught:
        await resolve(emulator, ServiceTarget(name="legacy"))
    message = str(caught.value)
    assert "sends traffic to 10.0.1.20, which no ECS instance or network interface" in message
    assert "ecs:DescribeInstances or ecs:DescribeNetworkInterfaces" in message
    assert "empty list rather than an error" in message


async def test_a_hidden_instance_is_not_found_with_the_ram_action_named(
    emulator: EmulatorHandle,
) -> None:
    emulator.set_faults(hidden=["i-multi002"])
    with pytest.raises(NotFound, match=r"i-multi002 .*ecs:DescribeInstances answer an empty list"):
        await resolve(emulator, InstanceTarget(instance_id="i-multi002"))


async def test_an_invisible_managed_group_names_the_likely_causes(
    emulator: EmulatorHandle,
) -> None:
    emulator.set_faults(hidden=["sg-gwprod0001"])
    with pytest.raises(PermissionDenied) as caught:
        await resolve(emulator, InstanceTarget(instance_id="i-multi002"))
    assert caught.value.action == "ecs:DescribeSecurityGroups"
    assert "sg-gwprod0001 of gateway prod-gw is not visible" in str(caught.value)
    assert "another account" in str(caught.value)


@pytest.mark.parametrize(
    ("action", "target", "code", "named"),
    [
        ("DescribeNetworkInterfaces", ServiceTarget(name="inventory"), "Forbidden.RAM",
         "ecs:DescribeNetworkInterfaces"),
        ("DescribeClusterNodes", ServiceTarget(name="jobs"), "ErrorCheckAcl",
         "cs:DescribeClusterNodes"),
        ("DescribeInstances", ServiceTarget(name="legacy"), "Forbidden.RAM",
         "ecs:DescribeInstances"),
    ],
)  # fmt: skip
async def test_a_missing_permission_is_named(
    emulator: EmulatorHandle, action: str, target: ServiceTarget, code: str, named: str
) -> None:
    emulator.set_faults(fail=[{"action": action, "code": code, "http_status": 403}])
    with pytest.raises(PermissionDenied) as caught:
        await resolve(emulator, target)
    assert caught.value.action == named
    assert f"may not call {named}" in str(caught.value)


async def test_an_ip_no_eni_holds_never_opens_a_whole_eni_mode_cluster(
    emulator: EmulatorHandle, reading: str
) -> None:
    # prod-terway gives pods ENIs; 10.0.6.99 is a pod that is gone (or not yet wired).
    cloud = make_cloud(emulator)
    cluster = await cloud.get_cluster("c3b4c5d6e7f8091a2b3c4d5e6f708192a")
    walk = await service_walk(cloud, cluster, "inventory.default", ["10.0.6.21", "10.0.6.99"])
    assert walk.group_ids == ["sg-terwaypods01"]  # not the node pool's sg-terwaynode01
    assert walk.notes == (
        "not opened: 10.0.6.99 (no ENI in the VPC holds them; pods starting or gone)",
    )


async def test_ips_no_eni_holds_in_a_cluster_without_eni_pods_reach_through_the_nodes(
    emulator: EmulatorHandle,
) -> None:
    # Nothing ties the IP to an ENI, and the cluster reports no overlay range: it may be an
    # overlay the API does not report, so every node that can run the pod is opened.
    cloud = make_cloud(emulator)
    cluster = await cloud.get_cluster("c3b4c5d6e7f8091a2b3c4d5e6f708192a")
    walk = await service_walk(cloud, cluster, "inventory.default", ["10.0.6.99"])
    assert walk.group_ids == ["sg-terwaynode01"]
    assert walk.notes[0].startswith("grant is cluster-wide")
