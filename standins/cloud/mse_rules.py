"""MSE 2019-05-31 security group handlers: the candidate groups and the gateway's rules."""

from __future__ import annotations

from collections.abc import Callable

from standins.cloud.backend import Backend
from standins.cloud.mse_envelope import (
    Body,
    gateway_in_body,
    ok,
    require_gateway,
)
from standins.cloud.params import Params
from standins.cloud.state import Gateway


@gateway_in_body
def list_security_group(backend: Backend, params: Params, gateway: Gateway) -> Body:
    return ok(
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


@gateway_in_body
def list_security_group_rule(backend: Backend, params: Params, gateway: Gateway) -> Body:
    rules = []
    for rule in backend.mse_rules(gateway.gateway_unique_id):
        rules.append(
            {
                "Id": str(rule.id),
                "SecurityGroupId": rule.security_group_id,
                "PortRange": rule.port_range,
                "IpProtocol": rule.ip_protocol,
                "AuthCidrs": backend.authorizations.auth_cidrs(gateway, rule),
                "Description": rule.description,
                "GatewayId": gateway.id,
                "GatewayUniqueId": gateway.gateway_unique_id,
                "GmtCreate": rule.gmt_create,
                "GmtModified": rule.gmt_create,
            }
        )
    return ok(rules)


def add_security_group_rule(backend: Backend, params: Params) -> Body:
    rule = backend.authorizations.add(
        require_gateway(backend, params),
        params.required("SecurityGroupId"),
        params.required("PortRange"),
        params.optional("Description") or "",
    )
    return ok(backend.authorizations.add_data(rule))


def delete_security_group_rule(backend: Backend, params: Params) -> Body:
    gateway = require_gateway(backend, params)
    rule = backend.authorizations.delete(
        gateway, params.integer("Id"), params.boolean("CascadingDelete")
    )
    return ok(
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
    "ListSecurityGroup": list_security_group,
    "ListSecurityGroupRule": list_security_group_rule,
    "AddSecurityGroupRule": add_security_group_rule,
    "DeleteSecurityGroupRule": delete_security_group_rule,
}
