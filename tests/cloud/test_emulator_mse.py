"""MSE over the wire: the real SDK against the emulator, with the API's field names and types."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_mse20190531 import models as mse
from alibabacloud_mse20190531.client import Client as MseClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from standins.cloud.signing import expected_signature
from tests.fixtures.emulator import EmulatorHandle

PROD_GW = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"
STAGING_GW = "gw-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
EDGE_GW = "gw-e1d2c3b4a5968778695a4b3c2d1e0f9a"
DEV_GW = "gw-d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f"


@pytest.fixture
def client(emulator: EmulatorHandle) -> MseClient:
    return MseClient(Config(**emulator.sdk_config()))


def ecs_ingress(emulator: EmulatorHandle, group_id: str) -> list[dict[str, Any]]:
    body = (
        EcsClient(Config(**emulator.sdk_config()))
        .describe_security_group_attribute_with_options(
            ecs.DescribeSecurityGroupAttributeRequest(
                region_id=emulator.region_id, security_group_id=group_id, direction="ingress"
            ),
            RuntimeOptions(),
        )
        .body
    )
    return [permission.to_map() for permission in body.permissions.permission]


def add_rule(client: MseClient, group_id: str, port_range: str) -> str:
    request = mse.AddSecurityGroupRuleRequest(
        gateway_unique_id=PROD_GW,
        security_group_id=group_id,
        port_range=port_range,
        description="sgbot: orders",
    )
    body = client.add_security_group_rule_with_options(request, RuntimeOptions()).body
    assert body.success is True
    assert isinstance(body.data, str)
    # Data need not be the new record's id (the emulator's strict reading): read it back.
    listed = client.list_security_group_rule_with_options(
        mse.ListSecurityGroupRuleRequest(gateway_unique_id=PROD_GW), RuntimeOptions()
    ).body.data
    return str(
        max(
            int(rule.id)
            for rule in listed
            if (rule.security_group_id, rule.port_range) == (group_id, port_range)
        )
    )


def test_get_gateway_names_its_managed_group(client: MseClient) -> None:
    body = client.get_gateway_with_options(
        mse.GetGatewayRequest(gateway_unique_id=PROD_GW), RuntimeOptions()
    ).body
    assert (body.success, body.code, body.http_status_code) == (True, 200, 200)
    assert body.request_id
    assert (body.data.security_group, body.data.vpc, body.data.name) == (
        "sg-gwprod0001",
        "vpc-demo01",
        "prod-gw",
    )
    assert isinstance(body.data.id, int)
    assert body.data.status == 2


def test_unknown_gateway_fails_inside_http_200(client: MseClient) -> None:
    response = client.get_gateway_with_options(
        mse.GetGatewayRequest(gateway_unique_id="gw-missing"), RuntimeOptions()
    )
    assert response.status_code == 200
    assert (response.body.success, response.body.code) == (False, 404)


def test_list_gateway_filters_by_name_and_pages(client: MseClient) -> None:
    def names(filter_name: str, page_size: int = 100) -> tuple[int, list[str]]:
        request = mse.ListGatewayRequest(
            filter_params=mse.ListGatewayRequestFilterParams(name=filter_name),
            page_number=1,
            page_size=page_size,
        )
        data = client.list_gateway_with_options(request, RuntimeOptions()).body.data
        return data.total_size, [item.name for item in data.result]

    assert names("staging-gw") == (1, ["staging-gw"])
    assert names("gw", page_size=1) == (4, ["prod-gw"])
    first = client.list_gateway_with_options(
        mse.ListGatewayRequest(page_number=1, page_size=10), RuntimeOptions()
    ).body.data.result[0]
    assert (first.gateway_unique_id, first.vpc_id) == (PROD_GW, "vpc-demo01")


def test_list_gateway_service_filters_in_filter_params(client: MseClient) -> None:
    request = mse.ListGatewayServiceRequest(
        filter_params=mse.ListGatewayServiceRequestFilterParams(
            gateway_unique_id=PROD_GW, name="search"
        ),
        page_number=1,
        page_size=100,
    )
    data = client.list_gateway_service_with_options(request, RuntimeOptions()).body.data
    assert sorted(item.namespace for item in data.result) == ["default", "shop"]
    assert all(isinstance(item.source_id, int) for item in data.result)
    assert all(item.health_check is True for item in data.result)

    vip = mse.ListGatewayServiceRequest(
        filter_params=mse.ListGatewayServiceRequestFilterParams(
            gateway_unique_id=PROD_GW, name="legacy-billing"
        )
    )
    service = client.list_gateway_service_with_options(vip, RuntimeOptions()).body.data.result[0]
    assert (service.source_type, service.ips) == ("VIP", ["10.0.1.10", "10.0.1.11"])
    assert service.meta_info == '["10.0.1.10:8080","10.0.1.11:8080"]'


def test_service_detail_and_sources(client: MseClient) -> None:
    detail = client.get_gateway_service_detail_with_options(
        mse.GetGatewayServiceDetailRequest(gateway_unique_id=STAGING_GW, service_id=21),
        RuntimeOptions(),
    ).body.data
    assert (detail.name, detail.namespace, detail.source_id) == ("orders", "staging", 3)
    assert detail.health_check == "true"
    sources = client.list_service_source_with_options(
        mse.ListServiceSourceRequest(gateway_unique_id=STAGING_GW), RuntimeOptions()
    ).body.data
    assert [(s.id, s.source, s.address) for s in sources] == [
        (3, "K8s", "c8f2a1b3c4d5e6f708192a3b4c5d6e7f8")
    ]


def test_list_security_group_offers_the_gateway_vpc(client: MseClient) -> None:
    groups = client.list_security_group_with_options(
        mse.ListSecurityGroupRequest(gateway_unique_id=PROD_GW), RuntimeOptions()
    ).body.data
    by_id = {group.security_group_id: group for group in groups}
    assert by_id["sg-enterprise01"].security_group_type == "enterprise"
    assert by_id["sg-ackpoola01"].security_group_name == "ack-pool-web"
    assert "sg-othervpc01" not in by_id


def test_existing_rule_id_is_a_string(client: MseClient) -> None:
    rules = client.list_security_group_rule_with_options(
        mse.ListSecurityGroupRuleRequest(gateway_unique_id=PROD_GW), RuntimeOptions()
    ).body.data
    assert [(r.id, r.security_group_id, r.port_range, r.ip_protocol) for r in rules] == [
        ("1", "sg-ackpoola01", "443/443", "tcp")
    ]
    assert isinstance(rules[0].gateway_id, int)


def test_add_rule_authorizes_the_backend_group_from_the_gateway_group(
    client: MseClient, emulator: EmulatorHandle
) -> None:
    rule_id = add_rule(client, "sg-ackpoolb01", "8080/8080")
    assert int(rule_id) > 1
    [permission] = ecs_ingress(emulator, "sg-ackpoolb01")
    assert permission["SourceGroupId"] == "sg-gwprod0001"
    assert (permission["PortRange"], permission["Policy"]) == ("8080/8080", "Accept")
    assert permission["IpProtocol"].upper() == "TCP"


def test_enterprise_group_is_authorized_by_cidr(
    client: MseClient, emulator: EmulatorHandle
) -> None:
    add_rule(client, "sg-enterprise01", "8443/8443")
    [permission] = [
        p for p in ecs_ingress(emulator, "sg-enterprise01") if p["PortRange"] == "8443/8443"
    ]
    assert permission["SourceGroupId"] == ""
    assert permission["SourceCidrIp"] == "10.0.0.0/24"
    [rule] = [r for r in emulator.state()["mse_rules"][PROD_GW] if r["port_range"] == "8443/8443"]
    assert rule["security_group_id"] == "sg-enterprise01"


def test_a_two_vswitch_gateway_authorizes_both_cidrs(emulator: EmulatorHandle) -> None:
    client = MseClient(Config(**emulator.sdk_config()))
    request = mse.AddSecurityGroupRuleRequest(
        gateway_unique_id=EDGE_GW, security_group_id="sg-enterprise02", port_range="8443/8443"
    )
    client.add_security_group_rule_with_options(request, RuntimeOptions())
    tcp = [p for p in ecs_ingress(emulator, "sg-enterprise02") if p["PortRange"] == "8443/8443"]
    assert sorted(p["SourceCidrIp"] for p in tcp) == ["10.0.8.0/24", "10.0.9.0/24"]


@pytest.mark.parametrize(
    ("reading", "cidrs"),
    [("strict", [""]), ("lenient", ["10.0.8.0/24", "10.0.9.0/24"])],
    indirect=["reading"],
)
def test_auth_cidrs_are_blank_or_the_vswitch_cidrs(
    client: MseClient, reading: str, cidrs: list[str]
) -> None:
    rules = client.list_security_group_rule_with_options(
        mse.ListSecurityGroupRuleRequest(gateway_unique_id=EDGE_GW), RuntimeOptions()
    ).body.data
    by_id = {rule.id: rule for rule in rules}
    assert by_id["101"].auth_cidrs == cidrs
    assert (by_id["102"].port_range, by_id["102"].ip_protocol) == ("-1/-1", "icmp")


def test_writes_to_a_gateway_that_is_not_running_are_refused(client: MseClient) -> None:
    request = mse.AddSecurityGroupRuleRequest(
        gateway_unique_id=DEV_GW,
        security_group_id="sg-legacyapp01",
        port_range="80/80",
        accept_language="en",
    )
    with pytest.raises(ClientException) as caught:
        client.add_security_group_rule_with_options(request, RuntimeOptions())
    assert caught.value.code == "IllegalRequest"
    assert "not running (status 3)" in str(caught.value.message)


@pytest.mark.parametrize("language", [None, "en"])
def test_messages_are_chinese_unless_english_is_asked_for(
    client: MseClient, reading: str, language: str | None
) -> None:
    with pytest.raises(ClientException) as caught:
        client.delete_security_group_rule_with_options(
            mse.DeleteSecurityGroupRuleRequest(
                gateway_unique_id=PROD_GW, id=999, accept_language=language
            ),
            RuntimeOptions(),
        )
    chinese = reading == "strict" and language is None
    assert ("资源不存在" in str(caught.value.message)) is chinese
    assert ("not found" in str(caught.value.message)) is not chinese


def test_repeated_add_makes_a_second_record(client: MseClient, emulator: EmulatorHandle) -> None:
    first = add_rule(client, "sg-ackpoolb02", "9000/9000")
    second = add_rule(client, "sg-ackpoolb02", "9000/9000")
    assert int(second) == int(first) + 1
    records = [r for r in emulator.state()["mse_rules"][PROD_GW] if r["port_range"] == "9000/9000"]
    assert len(records) == 2


@pytest.mark.parametrize(("cascade", "ecs_rules_left"), [(True, 0), (False, 1)])
def test_delete_rule_cascades_only_when_asked(
    client: MseClient, emulator: EmulatorHandle, cascade: bool, ecs_rules_left: int
) -> None:
    rule_id = add_rule(client, "sg-legacyapp02", "7000/7010")
    body = client.delete_security_group_rule_with_options(
        mse.DeleteSecurityGroupRuleRequest(
            gateway_unique_id=PROD_GW, id=int(rule_id), cascading_delete=cascade
        ),
        RuntimeOptions(),
    ).body
    assert body.data.id == int(rule_id)
    assert body.data.port_range == "7000/7010"
    assert len(ecs_ingress(emulator, "sg-legacyapp02")) == ecs_rules_left
    assert all(r["id"] != int(rule_id) for r in emulator.state()["mse_rules"][PROD_GW])


@pytest.mark.parametrize("port_range", ["8080", "0/80", "90/80", "80/70000", "a/b"])
def test_bad_port_range_is_invalid_parameter(client: MseClient, port_range: str) -> None:
    with pytest.raises(ClientException) as caught:
        add_rule(client, "sg-ackpoolb01", port_range)
    assert (caught.value.code, caught.value.status_code) == ("InvalidParameter", 400)


def test_group_outside_the_gateway_vpc_is_refused(client: MseClient) -> None:
    with pytest.raises(ClientException) as caught:
        add_rule(client, "sg-othervpc01", "80/80")
    assert caught.value.code == "InvalidParameter"


def test_deleting_an_unknown_rule_is_not_found(client: MseClient) -> None:
    with pytest.raises(ClientException) as caught:
        client.delete_security_group_rule_with_options(
            mse.DeleteSecurityGroupRuleRequest(gateway_unique_id=PROD_GW, id=999),
            RuntimeOptions(),
        )
    assert (caught.value.code, caught.value.status_code) == ("NotFound", 404)


async def test_async_client_works(emulator: EmulatorHandle) -> None:
    client = MseClient(Config(**emulator.sdk_config()))
    response = await client.list_security_group_rule_with_options_async(
        mse.ListSecurityGroupRuleRequest(gateway_unique_id=PROD_GW), RuntimeOptions()
    )
    assert [rule.id for rule in response.body.data] == ["1"]


def test_parameters_may_come_in_a_form_body(emulator: EmulatorHandle) -> None:
    body = urllib.parse.urlencode({"GatewayUniqueId": PROD_GW}).encode()
    headers = {
        "host": emulator.endpoint,
        "x-acs-action": "ListSecurityGroupRule",
        "x-acs-version": "2019-05-31",
        "x-acs-date": "2024-01-01T00:00:00Z",
        "content-type": "application/x-www-form-urlencoded",
    }
    signed = tuple(sorted(headers))
    signature = expected_signature(
        secret=emulator.access_key_secret,
        method="POST",
        path="/",
        raw_query="",
        headers={name: [value] for name, value in headers.items()},
        signed_headers=signed,
        body=body,
    )
    headers["Authorization"] = (
        f"ACS3-HMAC-SHA256 Credential={emulator.access_key_id},"
        f"SignedHeaders={';'.join(signed)},Signature={signature}"
    )
    request = urllib.request.Request(f"{emulator.url}/", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        reply = json.loads(response.read())
    assert [rule["Id"] for rule in reply["Data"]] == ["1"]
    assert reply["RequestId"]


@pytest.mark.parametrize(
    ("call", "request_type"),
    [
        ("get_gateway_with_options", mse.GetGatewayRequest),
        ("list_service_source_with_options", mse.ListServiceSourceRequest),
        ("list_security_group_with_options", mse.ListSecurityGroupRequest),
        ("list_security_group_rule_with_options", mse.ListSecurityGroupRuleRequest),
    ],
)
def test_an_unknown_gateway_is_a_404_in_a_200_body(
    client: MseClient, call: str, request_type: type[Any]
) -> None:
    response = getattr(client, call)(
        request_type(gateway_unique_id="gw-" + "0" * 32, accept_language="en"), RuntimeOptions()
    )
    assert response.status_code == 200
    assert (response.body.code, response.body.success) == (404, False)
    assert response.body.message == "The gateway does not exist."
