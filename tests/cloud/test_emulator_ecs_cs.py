"""ECS and CS over the wire: the real SDK against the emulator's demo estate."""

from __future__ import annotations

import pytest
from alibabacloud_cs20151215 import models as cs
from alibabacloud_cs20151215.client import Client as CsClient
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from tests.fixtures.emulator import EmulatorHandle

PROD_ACK = "c8f2a1b3c4d5e6f708192a3b4c5d6e7f8"
SERVERLESS_ACK = "c1a2b3c4d5e6f708192a3b4c5d6e7f80a"


@pytest.fixture
def ecs_client(emulator: EmulatorHandle) -> EcsClient:
    return EcsClient(Config(**emulator.sdk_config()))


@pytest.fixture
def cs_client(emulator: EmulatorHandle) -> CsClient:
    return CsClient(Config(**emulator.sdk_config()))


def describe_by_ip(
    ecs_client: EcsClient, network_type: str | None
) -> ecs.DescribeInstancesResponseBody:
    return ecs_client.describe_instances_with_options(
        ecs.DescribeInstancesRequest(
            region_id="cn-hangzhou",
            private_ip_addresses='["10.0.1.11", "10.0.1.12"]',
            instance_network_type=network_type,
            max_results=100,
        ),
        RuntimeOptions(),
    ).body


def test_describe_instances_by_ip_has_the_nested_shape(ecs_client: EcsClient) -> None:
    body = describe_by_ip(ecs_client, "vpc")
    found = {
        i.instance_id: (i.security_group_ids.security_group_id, i.vpc_attributes.vpc_id)
        for i in body.instances.instance
    }
    assert found == {
        "i-multi002": (["sg-legacyapp01", "sg-legacyapp02"], "vpc-demo01"),
        "i-entapp003": (["sg-enterprise01"], "vpc-demo01"),
    }
    first = body.instances.instance[0]
    assert first.vpc_attributes.private_ip_address.ip_address == ["10.0.1.11"]
    (eni,) = first.network_interfaces.network_interface
    assert (eni.primary_ip_address, eni.type) == ("10.0.1.11", "Primary")
    assert [s.private_ip_address for s in eni.private_ip_sets.private_ip_set] == ["10.0.1.11"]


def test_the_ip_filter_needs_the_vpc_network_type(ecs_client: EcsClient, reading: str) -> None:
    # The SDK: PrivateIpAddresses "takes effect when InstanceNetworkType is set to vpc".
    found = {i.instance_id for i in describe_by_ip(ecs_client, None).instances.instance}
    if reading == "strict":
        assert {"i-multi002", "i-entapp003", "i-legacy001", "i-ackweb001"} <= found
    else:
        assert found == {"i-multi002", "i-entapp003"}


def test_the_ip_filter_matches_secondary_ips_only_in_the_friendlier_reading(
    ecs_client: EcsClient, reading: str
) -> None:
    body = ecs_client.describe_instances_with_options(
        ecs.DescribeInstancesRequest(
            region_id="cn-hangzhou",
            private_ip_addresses='["10.0.1.41", "10.0.6.21"]',  # secondary; on a Terway ENI
            instance_network_type="vpc",
        ),
        RuntimeOptions(),
    ).body
    found = sorted(i.instance_id for i in body.instances.instance)
    assert found == ([] if reading == "strict" else ["i-shared001", "i-terway001"])


def describe_enis(ecs_client: EcsClient, **filters: object) -> list[str]:
    body = ecs_client.describe_network_interfaces_with_options(
        ecs.DescribeNetworkInterfacesRequest(
            region_id="cn-hangzhou", vpc_id="vpc-demo01", **filters
        ),
        RuntimeOptions(),
    ).body
    return sorted(e.network_interface_id for e in body.network_interface_sets.network_interface_set)


def test_enis_by_secondary_and_by_primary_ip(ecs_client: EcsClient, reading: str) -> None:
    # PrivateIpAddress.N is sent flattened; the stricter reading matches secondary IPs only.
    assert describe_enis(ecs_client, private_ip_address=["10.0.6.21", "10.0.1.41"]) == [
        "eni-shared001",
        "eni-terwaypods01",
    ]
    by_secondary = describe_enis(ecs_client, private_ip_address=["10.0.7.5"])
    assert by_secondary == ([] if reading == "strict" else ["eni-eci000001"])
    assert describe_enis(ecs_client, primary_ip_address="10.0.7.5") == ["eni-eci000001"]
    assert describe_enis(ecs_client, primary_ip_address="10.0.6.21") == []


def test_an_eni_shows_its_ips_groups_and_instance(ecs_client: EcsClient) -> None:
    body = ecs_client.describe_network_interfaces_with_options(
        ecs.DescribeNetworkInterfacesRequest(
            region_id="cn-hangzhou", network_interface_id=["eni-terwaypods01"]
        ),
        RuntimeOptions(),
    ).body
    (eni,) = body.network_interface_sets.network_interface_set
    assert (eni.private_ip_address, eni.instance_id, eni.type) == (
        "10.0.6.20",
        "i-terway001",
        "Secondary",
    )
    assert [(s.private_ip_address, s.primary) for s in eni.private_ip_sets.private_ip_set] == [
        ("10.0.6.20", True),
        ("10.0.6.21", False),
        ("10.0.6.22", False),
    ]
    assert eni.security_group_ids.security_group_id == ["sg-terwaypods01"]


def test_describe_instances_pages_with_next_token(ecs_client: EcsClient) -> None:
    seen: list[str] = []
    token = None
    for _ in range(10):
        body = ecs_client.describe_instances_with_options(
            ecs.DescribeInstancesRequest(
                region_id="cn-hangzhou", vpc_id="vpc-demo01", max_results=2, next_token=token
            ),
            RuntimeOptions(),
        ).body
        seen += [instance.instance_id for instance in body.instances.instance]
        token = body.next_token
        if not token:
            break
    assert "i-othervpc04" not in seen
    assert {"i-legacy001", "i-multi002", "i-entapp003", "i-ackweb001"} <= set(seen)
    assert len(seen) == len(set(seen)) == body.total_count


def test_region_is_required_and_scopes_everything(ecs_client: EcsClient) -> None:
    with pytest.raises(ClientException) as caught:
        ecs_client.describe_instances_with_options(ecs.DescribeInstancesRequest(), RuntimeOptions())
    assert (caught.value.code, caught.value.status_code) == ("MissingRegionId", 400)
    body = ecs_client.describe_instances_with_options(
        ecs.DescribeInstancesRequest(region_id="cn-beijing", instance_ids='["i-legacy001"]'),
        RuntimeOptions(),
    ).body
    assert body.instances.instance == []


def test_describe_security_groups_by_ids_and_type(ecs_client: EcsClient) -> None:
    body = ecs_client.describe_security_groups_with_options(
        ecs.DescribeSecurityGroupsRequest(
            region_id="cn-hangzhou",
            security_group_ids='["sg-enterprise01", "sg-othervpc01", "sg-gwprod0001"]',
            security_group_type="normal",
        ),
        RuntimeOptions(),
    ).body
    groups = body.security_groups.security_group
    assert [(g.security_group_id, g.vpc_id) for g in groups] == [
        ("sg-gwprod0001", "vpc-demo01"),
        ("sg-othervpc01", "vpc-other02"),
    ]
    assert groups[0].service_managed is True


def test_security_group_attribute_lists_the_gateway_rule(ecs_client: EcsClient) -> None:
    body = ecs_client.describe_security_group_attribute_with_options(
        ecs.DescribeSecurityGroupAttributeRequest(
            region_id="cn-hangzhou", security_group_id="sg-ackpoola01", direction="ingress"
        ),
        RuntimeOptions(),
    ).body
    [permission] = body.permissions.permission
    assert (permission.source_group_id, permission.port_range) == ("sg-gwprod0001", "443/443")
    assert isinstance(permission.priority, str)
    assert (body.security_group_name, body.vpc_id) == ("ack-pool-web", "vpc-demo01")
    egress = ecs_client.describe_security_group_attribute_with_options(
        ecs.DescribeSecurityGroupAttributeRequest(
            region_id="cn-hangzhou", security_group_id="sg-ackpoola01", direction="egress"
        ),
        RuntimeOptions(),
    ).body
    assert egress.permissions.permission == []


def test_missing_security_group_is_not_found(ecs_client: EcsClient) -> None:
    with pytest.raises(ClientException) as caught:
        ecs_client.describe_security_group_attribute_with_options(
            ecs.DescribeSecurityGroupAttributeRequest(
                region_id="cn-hangzhou", security_group_id="sg-nope"
            ),
            RuntimeOptions(),
        )
    assert (caught.value.code, caught.value.status_code) == ("InvalidSecurityGroupId.NotFound", 404)


def test_cluster_detail_and_missing_cluster(cs_client: CsClient) -> None:
    detail = cs_client.describe_cluster_detail_with_options(PROD_ACK, {}, RuntimeOptions())
    assert detail.headers["x-acs-request-id"]
    assert (detail.body.profile, detail.body.cluster_type, detail.body.security_group_id) == (
        "Default",
        "ManagedKubernetes",
        "sg-ackcluster01",
    )
    with pytest.raises(ClientException) as caught:
        cs_client.describe_cluster_detail_with_options("c-missing", {}, RuntimeOptions())
    assert (caught.value.code, caught.value.status_code) == ("ErrorClusterNotFound", 404)
    assert caught.value.request_id not in ("", "None")


def test_node_pools_carry_their_security_groups(cs_client: CsClient) -> None:
    pools = cs_client.describe_cluster_node_pools_with_options(
        PROD_ACK, cs.DescribeClusterNodePoolsRequest(), {}, RuntimeOptions()
    ).body.nodepools
    groups = {p.nodepool_info.nodepool_id: p.scaling_group.security_group_ids for p in pools}
    assert groups == {"np-web": ["sg-ackpoola01"], "np-multi": ["sg-ackpoolb01", "sg-ackpoolb02"]}
    assert pools[1].scaling_group.security_group_id == "sg-ackpoolb01"
    detail = cs_client.describe_cluster_node_pool_detail_with_options(
        PROD_ACK, "np-multi", {}, RuntimeOptions()
    ).body
    assert detail.nodepool_info.name == "multi"
    assert detail.status.total_nodes == 2


def test_serverless_cluster_has_no_node_pools(cs_client: CsClient) -> None:
    detail = cs_client.describe_cluster_detail_with_options(SERVERLESS_ACK, {}, RuntimeOptions())
    assert (detail.body.profile, detail.body.security_group_id) == ("Serverless", "sg-asksrvless01")
    pools = cs_client.describe_cluster_node_pools_with_options(
        SERVERLESS_ACK, cs.DescribeClusterNodePoolsRequest(), {}, RuntimeOptions()
    ).body.nodepools
    assert pools == []


def test_cluster_nodes_by_pool(cs_client: CsClient) -> None:
    body = cs_client.describe_cluster_nodes_with_options(
        PROD_ACK,
        cs.DescribeClusterNodesRequest(nodepool_id="np-web", page_number="1", page_size="100"),
        {},
        RuntimeOptions(),
    ).body
    assert sorted(node.instance_id for node in body.nodes) == ["i-ackweb001", "i-ackweb002"]
    assert body.page.total_count == 2


def test_clusters_v1_matches_names_fuzzily(cs_client: CsClient) -> None:
    body = cs_client.describe_clusters_v1with_options(
        cs.DescribeClustersV1Request(name="ack", page_size=100, region_id="cn-hangzhou"),
        {},
        RuntimeOptions(),
    ).body
    assert sorted(c.name for c in body.clusters) == ["batch-ack", "prod-ack", "serverless-ack"]
    assert body.page_info.total_count == 3
    serverless = cs_client.describe_clusters_v1with_options(
        cs.DescribeClustersV1Request(profile="Serverless"), {}, RuntimeOptions()
    ).body
    assert [c.cluster_id for c in serverless.clusters] == [SERVERLESS_ACK]


def test_ecs_ram_denial_names_the_ecs_action(
    ecs_client: EcsClient, emulator: EmulatorHandle
) -> None:
    emulator.set_faults(
        fail=[{"action": "DescribeInstances", "code": "Forbidden.RAM", "http_status": 403}]
    )
    with pytest.raises(ClientException) as caught:
        ecs_client.describe_instances_with_options(
            ecs.DescribeInstancesRequest(region_id="cn-hangzhou"), RuntimeOptions()
        )
    assert caught.value.code == "Forbidden.RAM"
    assert caught.value.access_denied_detail["AuthAction"] == "ecs:DescribeInstances"


def test_cs_errors_have_the_roa_shape(cs_client: CsClient, emulator: EmulatorHandle) -> None:
    emulator.set_faults(
        fail=[{"action": "DescribeClusterNodePools", "code": "ErrorCheckAcl", "http_status": 403}]
    )
    with pytest.raises(ClientException) as caught:
        cs_client.describe_cluster_node_pools_with_options(
            PROD_ACK, cs.DescribeClusterNodePoolsRequest(), {}, RuntimeOptions()
        )
    assert caught.value.data["code"] == "ErrorCheckAcl"
    assert caught.value.data["requestId"] == caught.value.request_id
    assert caught.value.access_denied_detail["AuthAction"] == "cs:DescribeClusterNodePools"
    assert emulator.calls() == {"DescribeClusterNodePools": 1}
