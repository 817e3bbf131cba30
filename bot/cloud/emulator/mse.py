"""MSE 2019-05-31 wire handlers: RPC parameters in, the MSE envelope out.

Each handler takes the backend and the request's parameters and returns the body without its
``RequestId``. MSE reads that name an unknown gateway or service answer HTTP 200 with
``Success: false, Code: 404`` (GetGateway, GetGatewayServiceDetail, ListSecurityGroup,
ListSecurityGroupRule, ListServiceSource), as the real service does; the writes
(AddSecurityGroupRule, DeleteSecurityGroupRule) fail with HTTP 404 ``NotFound`` instead.
ListGateway and ListGatewayService match ``Name`` as a substring, so callers must filter exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.cloud.emulator.backend import Backend, CloudError
from bot.cloud.emulator.params import Params, page
from bot.cloud.emulator.state import Gateway, GatewayService

Body = dict[str, Any]
CREATED = "2024-01-01 00:00:00"


def _ok(data: Any) -> Body:
    return {"Code": 200, "HttpStatusCode": 200, "Message": "success", "Success": True, "Data": data}


def _not_found_in_body(message: str) -> Body:
    return {"Code": 404, "HttpStatusCode": 404, "Message": message, "Success": False}


def _gateway_or_none(backend: Backend, params: Params) -> Gateway | None:
    return backend.gateway(params.required("GatewayUniqueId"))


def _gateway(backend: Backend, params: Params) -> Gateway:
    gateway = _gateway_or_none(backend, params)
    if gateway is None:
        raise CloudError(404, "NotFound", "The gateway does not exist.")
    return gateway


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
        "StatusDesc": "Running" if gateway.status == 2 else "Changing",
        "ChargeType": "POSTPAY",
        "GmtCreate": CREATED,
        "GmtModified": CREATED,
    }


def get_gateway(backend: Backend, params: Params) -> Body:
    gateway = _gateway_or_none(backend, params)
    if gateway is None:
        return _not_found_in_body("The gateway does not exist.")
    return _ok(
        {
            **_gateway_summary(backend, gateway),
            "SecurityGroup": gateway.security_group_id,
            "Vpc": gateway.vpc_id,
            "Vswitch": gateway.vswitch_id,
            "Vswitch2": "",
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
    number, size = params.integer("PageNumber", 1), params.integer("PageSize", 10)
    result = [
        {
            **_gateway_summary(backend, g),
            "GatewayType": g.gateway_type,
            "VpcId": g.vpc_id,
            "Vswitch2": "",
            "Slb": [],
        }
        for g in gateways
    ]
    return _ok(
        {
            "PageNumber": number,
            "PageSize": size,
            "TotalSize": len(result),
            "Result": page(result, number, size),
        }
    )


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
    number, size = params.integer("PageNumber", 1), params.integer("PageSize", 10)
    result = []
    for service in services:
        gateway = backend.gateway(service.gateway_unique_id)
        assert gateway is not None  # the estate validator guarantees it
        result.append({**_service_fields(service, gateway), "HealthCheck": True})
    return _ok(
        {
            "PageNumber": number,
            "PageSize": size,
            "TotalSize": len(result),
            "Result": page(result, number, size),
        }
    )


def get_gateway_service_detail(backend: Backend, params: Params) -> Body:
    gateway = _gateway_or_none(backend, params)
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
        return _not_found_in_body("The service does not exist.")
    detail = _service_fields(service, gateway)
    # The detail call types HealthCheck as a string where the list call has a boolean.
    detail |= {"HealthCheck": "true", "LabelDetails": [], "VersionDetails": []}
    return _ok(detail | {"PortTrafficPolicyList": []})


def list_service_source(backend: Backend, params: Params) -> Body:
    gateway = _gateway_or_none(backend, params)
    if gateway is None:
        return _not_found_in_body("The gateway does not exist.")
    wanted = (params.optional("Source") or "").lower()
    return _ok(
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


def list_security_group(backend: Backend, params: Params) -> Body:
    gateway = _gateway_or_none(backend, params)
    if gateway is None:
        return _not_found_in_body("The gateway does not exist.")
    return _ok(
        [
            {
                "SecurityGroupId": group.security_group_id,
                "SecurityGroupName": group.name,
                "SecurityGroupType": group.type,
                "VpcId": group.vpc_id,
            }
            for group in backend.estate.security_groups
            if group.vpc_id == gateway.vpc_id
        ]
    )


def list_security_group_rule(backend: Backend, params: Params) -> Body:
    gateway = _gateway_or_none(backend, params)
    if gateway is None:
        return _not_found_in_body("The gateway does not exist.")
    rules = []
    for rule in backend.mse_rules(gateway.gateway_unique_id):
        group = backend.group(rule.security_group_id)
        enterprise = group is not None and group.type == "enterprise"
        rules.append(
            {
                "Id": str(rule.id),
                "SecurityGroupId": rule.security_group_id,
                "PortRange": rule.port_range,
                "IpProtocol": rule.ip_protocol,
                "AuthCidrs": [gateway.vswitch_cidr] if enterprise else [],
                "Description": rule.description,
                "GatewayId": gateway.id,
                "GatewayUniqueId": gateway.gateway_unique_id,
                "GmtCreate": rule.gmt_create,
                "GmtModified": rule.gmt_create,
            }
        )
    return _ok(rules)


def add_security_group_rule(backend: Backend, params: Params) -> Body:
    rule = backend.add_mse_rule(
        _gateway(backend, params),
        params.required("SecurityGroupId"),
        params.required("PortRange"),
        params.optional("Description") or "",
    )
    return _ok(backend.add_data(rule))


def delete_security_group_rule(backend: Backend, params: Params) -> Body:
    gateway = _gateway(backend, params)
    rule = backend.delete_mse_rule(gateway, params.integer("Id"), params.boolean("CascadingDelete"))
    return _ok(
        {
            "Id": rule.id,
            "SecurityGroupId": rule.security_group_id,
            "PortRange": rule.port_range,
            "IpProtocol": rule.ip_protocol,
            "Description": rule.description,
            "GatewayId": gateway.id,
            "GatewayUniqueId": gateway.gateway_unique_id,
            "GmtCreate": rule.gmt_create,
            "GmtModified": rule.gmt_create,
        }
    )


ACTIONS: dict[str, Callable[[Backend, Params], Body]] = {
    "GetGateway": get_gateway,
    "ListGateway": list_gateway,
    "ListGatewayService": list_gateway_service,
    "GetGatewayServiceDetail": get_gateway_service_detail,
    "ListServiceSource": list_service_source,
    "ListSecurityGroup": list_security_group,
    "ListSecurityGroupRule": list_security_group_rule,
    "AddSecurityGroupRule": add_security_group_rule,
    "DeleteSecurityGroupRule": delete_security_group_rule,
}
