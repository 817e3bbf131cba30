"""MSE 2019-05-31 wire handlers: RPC parameters in, the MSE envelope out.

Each handler takes the backend and the request's parameters and returns the body without its
``RequestId``. MSE reads that name an unknown gateway or service answer HTTP 200 with
``Success: false, Code: 404`` (GetGateway, GetGatewayServiceDetail, ListSecurityGroup,
ListSecurityGroupRule, ListServiceSource), as the real service does; the writes
(AddSecurityGroupRule, DeleteSecurityGroupRule) fail with HTTP 404 ``NotFound`` instead.
ListGateway and ListGatewayService match ``Name`` as a substring, so callers must filter exactly.
Without ``AcceptLanguage=en`` messages are in Chinese (``Reading.MSE_MESSAGES_IN_CHINESE``).
"""

from __future__ import annotations

from collections.abc import Callable

from standins.cloud import mse_rules
from standins.cloud.backend import Backend, CloudError
from standins.cloud.mse_envelope import (
    Body,
    gateway_in_body,
    gateway_or_none,
    not_found_in_body,
    ok,
)
from standins.cloud.params import Params, page
from standins.cloud.readings import Reading
from standins.cloud.state import Gateway, GatewayService

CREATED = "2024-01-01 00:00:00"
STATUS_TEXT = {0: "Creating", 1: "CreateFailed", 2: "Running", 3: "Changing", 8: "Deleting"}
CHINESE = {
    "NotFound": "资源不存在。",
    "InvalidParameter": "参数错误。",
    "IllegalRequest": "网关状态不允许此操作。",
    "AuthorizationLimitExceed": "安全组规则数量已达上限。",
}
"""What a Chinese-speaking MSE says for each code the emulator raises (the gist, not the text)."""


def dispatch(backend: Backend, action: str, params: Params) -> Body:
    """Run ``action``; its messages (errors, failures inside HTTP 200) in the request's language."""
    english = (params.optional("AcceptLanguage") or "").lower() == "en"
    chinese = not english and backend.readings.strict(Reading.MSE_MESSAGES_IN_CHINESE)
    try:
        body = ACTIONS[action](backend, params)
    except CloudError as error:
        if not chinese:
            raise
        message = CHINESE.get(error.code, "请求处理失败。")
        raise CloudError(error.http_status, error.code, message) from error
    if chinese and body.get("Success") is False:
        body["Message"] = CHINESE["NotFound"]
    return body


def _gateway_summary(backend: Backend, gateway: Gateway) -> Body:
    return {
        "Id": gateway.id,
        "GatewayUniqueId": gateway.gateway_unique_id,
        "Name": gateway.name,
        "InstanceId": gateway.instance_id,
        "Region": backend.estate.region_id,
        "Spec": gateway.spec,
        "Replica": gateway.replica,
        "TotalReplica": gateway.replica,
        "Status": gateway.status,
        "StatusDesc": STATUS_TEXT.get(gateway.status, "Unknown"),
        "ChargeType": "POSTPAY",
        "GmtCreate": CREATED,
        "GmtModified": CREATED,
    }


@gateway_in_body
def get_gateway(backend: Backend, params: Params, gateway: Gateway) -> Body:
    return ok(
        {
            **_gateway_summary(backend, gateway),
            "SecurityGroup": gateway.security_group_id,
            "Vpc": gateway.vpc_id,
            "Vswitch": gateway.vswitch_id,
            "Vswitch2": gateway.vswitch2_id,
        }
    )


def list_gateway(backend: Backend, params: Params) -> Body:
    filters = params.json_object("FilterParams")
    gateways = [
        g
        for g in backend.estate.gateways
        if str(filters.get("Name", "")) in g.name
        and filters.get("GatewayUniqueId") in (None, "", g.gateway_unique_id)
        and filters.get("Vpc") in (None, "", g.vpc_id)
        and filters.get("InstanceId") in (None, "", g.instance_id)
    ]
    result = [
        {
            **_gateway_summary(backend, g),
            "GatewayType": g.gateway_type,
            "VpcId": g.vpc_id,
            "Vswitch2": g.vswitch2_id,
            "Slb": [],
        }
        for g in gateways
    ]
    return _paged(params, result)


def _paged(params: Params, result: list[Body]) -> Body:
    """One page of an MSE list (``PageNumber`` from 1, ``PageSize`` 10 by default) and the total."""
    number, size = params.integer("PageNumber", 1), params.integer("PageSize", 10)
    body = {"PageNumber": number, "PageSize": size, "TotalSize": len(result)}
    return ok(body | {"Result": page(result, number, size)})


def _service_fields(service: GatewayService, gateway: Gateway) -> Body:
    fqdn_suffix = {"K8s": f".{service.namespace}.svc.cluster.local", "VIP": ".static"}
    return {
        "Id": service.id,
        "Name": service.name,
        "Namespace": service.namespace,
        "GroupName": service.group_name,
        "SourceType": service.source_type,
        "SourceId": service.source_id,
        "ServiceFQDN": service.name + fqdn_suffix.get(service.source_type, ".dns"),
        "ServiceNameInRegistry": service.name,
        "Ips": service.ips,
        "Ports": service.ports,
        "ServicePort": service.service_port,
        "ServiceProtocol": service.service_protocol,
        "MetaInfo": service.meta_info,
        "HealthStatus": "Healthy" if service.ips else "Unknown",
        "GatewayId": gateway.id,
        "GatewayUniqueId": gateway.gateway_unique_id,
        "GmtCreate": CREATED,
        "GmtModified": CREATED,
    }


def list_gateway_service(backend: Backend, params: Params) -> Body:
    filters = params.json_object("FilterParams")
    exact_filters = {"GatewayUniqueId": "gateway_unique_id", "Namespace": "namespace"}
    exact_filters |= {"GroupName": "group_name", "ServiceProtocol": "service_protocol"}
    services = [
        s
        for s in backend.estate.gateway_services
        if str(filters.get("Name", "")) in s.name
        and all(
            filters.get(key) in (None, "", getattr(s, attribute))
            for key, attribute in exact_filters.items()
        )
        and str(filters.get("SourceType") or s.source_type).lower() == s.source_type.lower()
    ]
    result = []
    for service in services:
        gateway = backend.gateway(service.gateway_unique_id)
        assert gateway is not None  # the estate validator guarantees it
        result.append({**_service_fields(service, gateway), "HealthCheck": True})
    return _paged(params, result)


def get_gateway_service_detail(backend: Backend, params: Params) -> Body:
    gateway = gateway_or_none(backend, params)
    service_id = params.integer("ServiceId")
    service = next(
        (
            s
            for s in backend.estate.gateway_services
            if gateway and s.id == service_id and s.gateway_unique_id == gateway.gateway_unique_id
        ),
        None,
    )
    if gateway is None or service is None:
        return not_found_in_body("The service does not exist.")
    detail = _service_fields(service, gateway)
    # The detail call types HealthCheck as a string where the list call has a boolean.
    detail |= {"HealthCheck": "true", "LabelDetails": [], "VersionDetails": []}
    return ok(detail | {"PortTrafficPolicyList": []})


@gateway_in_body
def list_service_source(backend: Backend, params: Params, gateway: Gateway) -> Body:
    wanted = (params.optional("Source") or "").lower()
    return ok(
        [
            {
                "Id": source.id,
                "Source": source.source,
                "Type": source.source.upper(),
                "Address": source.address,
                "Name": source.name,
                "SourceUniqueId": source.address,
                "BindingWithGateway": 1,
                "Invalid": False,
                "GatewayId": gateway.id,
                "GatewayUniqueId": gateway.gateway_unique_id,
                "IngressOptions": {"EnableIngress": False, "EnableStatus": False},
                "GmtCreate": CREATED,
                "GmtModified": CREATED,
            }
            for source in backend.estate.service_sources
            if source.gateway_unique_id == gateway.gateway_unique_id
            and wanted in ("", source.source.lower())
        ]
    )


ACTIONS: dict[str, Callable[[Backend, Params], Body]] = {
    "GetGateway": get_gateway,
    "ListGateway": list_gateway,
    "ListGatewayService": list_gateway_service,
    "GetGatewayServiceDetail": get_gateway_service_detail,
    "ListServiceSource": list_service_source,
    **mse_rules.ACTIONS,
}
