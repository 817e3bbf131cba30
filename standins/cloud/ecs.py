"""ECS 2014-05-26 wire handlers: instances, ENIs, security groups and their inbound rules.

ECS is regional: ``RegionId`` is required (``MissingRegionId``) and a region other than the
estate's holds nothing. List calls page with ``MaxResults``/``NextToken``; the token is the
offset of the next item. Responses keep ECS's XML-born nesting (``Instances.Instance[]``).
DescribeInstances' IP filter and DescribeNetworkInterfaces' secondary-IP filter follow the
readings in force (``standins.cloud.readings``); resources in ``Backend.hidden`` are left
out of every answer, as for a RAM identity limited by resource.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from standins.cloud.backend import Backend, CloudError, Eni
from standins.cloud.params import Params
from standins.cloud.readings import Reading
from standins.cloud.state import Instance, SecurityGroup

Body = dict[str, Any]
CREATED = "2024-01-01T00:00:00Z"


def _in_region(backend: Backend, params: Params) -> bool:
    return params.required("RegionId") == backend.estate.region_id


def _window(items: list[Body], params: Params, default_size: int) -> tuple[list[Body], Body]:
    """One page of ``items`` and the paging fields of the reply."""
    size = params.integer("MaxResults", default_size)
    token = params.optional("NextToken") or "0"
    if not token.isdigit() or not 1 <= size <= 1000:
        raise CloudError(400, "InvalidParameter", "MaxResults or NextToken is not valid.")
    start = int(token)
    window = items[start : start + size]
    next_token = str(start + size) if start + size < len(items) else ""
    return window, {"NextToken": next_token, "TotalCount": len(items)}


def _ip_sets(eni: Eni) -> Body:
    return {
        "PrivateIpSet": [
            {"PrivateIpAddress": ip, "Primary": ip == eni.primary_ip} for ip in eni.ips
        ]
    }


def _instance(instance: Instance, enis: list[Eni], region_id: str) -> Body:
    return {
        "InstanceId": instance.instance_id,
        "InstanceName": instance.name,
        "HostName": instance.name,
        "Status": instance.status,
        "RegionId": region_id,
        "ZoneId": f"{region_id}-h",
        "InstanceNetworkType": "vpc",
        "InstanceType": "ecs.g7.large",
        "CreationTime": CREATED,
        "SecurityGroupIds": {"SecurityGroupId": list(instance.security_group_ids)},
        "VpcAttributes": {
            "VpcId": instance.vpc_id,
            "VSwitchId": "vsw-emulator",
            "PrivateIpAddress": {"IpAddress": [instance.private_ip]},
            "NatIpAddress": "",
        },
        "NetworkInterfaces": {
            "NetworkInterface": [
                {
                    "NetworkInterfaceId": eni.network_interface_id,
                    "PrimaryIpAddress": eni.primary_ip,
                    "PrivateIpSets": _ip_sets(eni),
                    "Type": eni.type,
                }
                for eni in enis
            ]
        },
        "InnerIpAddress": {"IpAddress": []},
        "PublicIpAddress": {"IpAddress": []},
    }


def describe_instances(backend: Backend, params: Params) -> Body:
    ids = params.json_list("InstanceIds")
    ips = params.json_list("PrivateIpAddresses")
    vpc_type = (params.optional("InstanceNetworkType") or "").lower() == "vpc"
    if not vpc_type and backend.readings.strict(Reading.IP_FILTER_NEEDS_VPC_TYPE):
        ips = None  # the filter "takes effect when InstanceNetworkType is set to vpc"
    primary_only = backend.readings.strict(Reading.INSTANCE_IPS_PRIMARY_ONLY)
    vpc_id = params.optional("VpcId")
    group_id = params.optional("SecurityGroupId")
    region = backend.estate.region_id
    enis = backend.enis()
    matches = []
    for instance in backend.instances() if _in_region(backend, params) else []:
        own = [e for e in enis if e.instance_id == instance.instance_id]
        held = [instance.private_ip] if primary_only else [ip for e in own for ip in e.ips]
        if (
            instance.instance_id not in backend.hidden
            and (ids is None or instance.instance_id in ids)
            and (ips is None or any(ip in ips for ip in held))
            and vpc_id in (None, instance.vpc_id)
            and (group_id is None or group_id in instance.security_group_ids)
        ):
            matches.append(_instance(instance, own, region))
    window, paging = _window(matches, params, default_size=10)
    return {"Instances": {"Instance": window}, **paging, "PageNumber": 1, "PageSize": len(window)}


def _eni(eni: Eni) -> Body:
    return {
        "NetworkInterfaceId": eni.network_interface_id,
        "NetworkInterfaceName": "",
        "Type": eni.type,
        "Status": "InUse" if eni.instance_id else "Available",
        "VpcId": eni.vpc_id,
        "VSwitchId": "vsw-emulator",
        "InstanceId": eni.instance_id,
        "PrivateIpAddress": eni.primary_ip,
        "PrivateIpSets": _ip_sets(eni),
        "SecurityGroupIds": {"SecurityGroupId": list(eni.security_group_ids)},
        "Description": eni.description,
        "CreationTime": CREATED,
    }


def describe_network_interfaces(backend: Backend, params: Params) -> Body:
    secondary = params.repeated("PrivateIpAddress")
    primary = params.optional("PrimaryIpAddress")
    ids = params.repeated("NetworkInterfaceId")
    vpc_id = params.optional("VpcId")
    instance_id = params.optional("InstanceId")
    secondary_only = backend.readings.strict(Reading.ENI_FILTER_SECONDARY_ONLY)

    def holds(eni: Eni) -> bool:
        if secondary is None:
            return True
        searched = eni.secondary_ips if secondary_only else eni.ips
        return any(ip in secondary for ip in searched)

    matches = [
        _eni(eni)
        for eni in (backend.enis() if _in_region(backend, params) else [])
        if eni.network_interface_id not in backend.hidden
        and holds(eni)
        and primary in (None, eni.primary_ip)
        and (ids is None or eni.network_interface_id in ids)
        and vpc_id in (None, eni.vpc_id)
        and instance_id in (None, eni.instance_id)
    ]
    window, paging = _window(matches, params, default_size=10)
    return {
        "NetworkInterfaceSets": {"NetworkInterfaceSet": window},
        **paging,
        "PageNumber": 1,
        "PageSize": len(window),
    }


def _group_summary(backend: Backend, group: SecurityGroup) -> Body:
    return {
        "SecurityGroupId": group.security_group_id,
        "SecurityGroupName": group.name,
        "SecurityGroupType": group.type,
        "VpcId": group.vpc_id,
        "ServiceManaged": group.service_managed,
        "Description": "",
        "CreationTime": CREATED,
        "RuleCount": len(group.permissions),
        "GroupToGroupRuleCount": backend.group_to_group_rules(group),
        "ResourceGroupId": "",
        "Tags": {"Tag": []},
    }


def describe_security_groups(backend: Backend, params: Params) -> Body:
    ids = params.json_list("SecurityGroupIds")
    single = params.optional("SecurityGroupId")
    vpc_id = params.optional("VpcId")
    group_type = params.optional("SecurityGroupType")
    name = params.optional("SecurityGroupName")
    groups = backend.estate.security_groups if _in_region(backend, params) else []
    matches = [
        _group_summary(backend, group)
        for group in groups
        if group.security_group_id not in backend.hidden
        and (ids is None or group.security_group_id in ids)
        and single in (None, group.security_group_id)
        and vpc_id in (None, group.vpc_id)
        and group_type in (None, group.type)
        and name in (None, group.name)
    ]
    window, paging = _window(matches, params, default_size=10)
    return {
        "RegionId": params.required("RegionId"),
        "SecurityGroups": {"SecurityGroup": window},
        **paging,
        "PageNumber": 1,
        "PageSize": len(window),
    }


def describe_security_group_attribute(backend: Backend, params: Params) -> Body:
    group_id = params.required("SecurityGroupId")
    group = backend.group(group_id) if _in_region(backend, params) else None
    if group is None or group_id in backend.hidden:
        raise CloudError(
            404, "InvalidSecurityGroupId.NotFound", f"The SecurityGroupId {group_id} not found."
        )
    direction = params.optional("Direction") or "all"
    permissions = [
        {
            "SecurityGroupRuleId": p.security_group_rule_id,
            "Direction": p.direction,
            "Policy": p.policy,
            "Priority": p.priority,
            "IpProtocol": p.ip_protocol,
            "PortRange": p.port_range,
            "SourceGroupId": p.source_group_id,
            "SourceGroupOwnerAccount": backend.estate.account_id if p.source_group_id else "",
            "SourceCidrIp": p.source_cidr_ip,
            "SourcePrefixListId": "",
            "SourcePortRange": "",
            "DestCidrIp": "",
            "DestGroupId": "",
            "NicType": "intranet",
            "Description": p.description,
            "CreateTime": p.create_time,
        }
        for p in group.permissions
        if direction in ("all", p.direction)
    ]
    window, paging = _window(permissions, params, default_size=500)
    return {
        "RegionId": backend.estate.region_id,
        "SecurityGroupId": group.security_group_id,
        "SecurityGroupName": group.name,
        "Description": "",
        "VpcId": group.vpc_id,
        "InnerAccessPolicy": "Accept",
        "NextToken": paging["NextToken"],
        "Permissions": {"Permission": window},
    }


ACTIONS: dict[str, Callable[[Backend, Params], Body]] = {
    "DescribeInstances": describe_instances,
    "DescribeNetworkInterfaces": describe_network_interfaces,
    "DescribeSecurityGroups": describe_security_groups,
    "DescribeSecurityGroupAttribute": describe_security_group_attribute,
}
