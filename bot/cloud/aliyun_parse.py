"""Reading Alibaba Cloud replies into the port's types, by the documented wire names.

The adapter hands every reply here as the dict ``to_map()`` gives (wire names, not SDK
attributes). Nothing here does I/O; what the API leaves loose is pinned down in one place:
rule ids arrive as strings but are ints, ``GmtCreate``/``CreateTime`` come in several time
formats, ``-1/-1`` and non-TCP records are kept apart from TCP ranges, and protocols are
compared upper-cased.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.cloud.port import (
    Cluster,
    ClusterNode,
    Gateway,
    GatewayRule,
    IngressRule,
    Instance,
    NetworkInterface,
    NodePool,
    OtherRule,
    RuleListing,
    SecurityGroup,
)
from vocabulary.commands import MAX_PORT, PortRange

TCP = "TCP"


def cloud_time(value: object) -> datetime | None:
    """An aware UTC datetime from ``2022-01-07T10:07:57.000+0000``, ``…Z`` or a bare time.

    A time without an offset is read as UTC: within one API, records compare consistently.
    """
    text = str(value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def tcp_range(protocol: str, port_range: str) -> PortRange | None:
    """The TCP range a record names, or None when it is another protocol or ``-1/-1``."""
    if protocol.upper() != TCP:
        return None
    start_text, slash, end_text = port_range.partition("/")
    if not (start_text.isdigit() and (end_text.isdigit() or not slash)):
        return None
    start, end = int(start_text), int(end_text or start_text)
    if not 1 <= start <= end <= MAX_PORT:
        return None
    return PortRange(start=start, end=end)


def rule_listing(items: list[dict[str, Any]]) -> RuleListing:
    """ListSecurityGroupRule's ``Data[]``; MSE lists ids as strings but deletes by int."""
    tcp: list[GatewayRule] = []
    other: list[OtherRule] = []
    for item in items:
        rule_id = int(item["Id"])
        group_id = str(item.get("SecurityGroupId", ""))
        # Stored MSE records show the protocol in lower case; a record without one is TCP,
        # the only protocol AddSecurityGroupRule creates.
        protocol = str(item.get("IpProtocol") or TCP).upper()
        listed = str(item.get("PortRange", ""))
        created = cloud_time(item.get("GmtCreate"))
        description = str(item.get("Description") or "")
        ports = tcp_range(protocol, listed)
        if ports is None:
            other.append(OtherRule(rule_id, group_id, protocol, listed, description, created))
            continue
        cidrs = tuple(str(c) for c in item.get("AuthCidrs") or ())
        tcp.append(
            GatewayRule(
                rule_id=rule_id,
                security_group_id=group_id,
                ports=ports,
                description=description,
                gmt_create=created,
                auth_cidrs=cidrs,
            )
        )
    return RuleListing(tcp=tuple(tcp), other=tuple(other))


def ingress_rule(item: dict[str, Any]) -> IngressRule:
    """One ``Permissions.Permission[]`` entry of DescribeSecurityGroupAttribute."""
    priority = str(item.get("Priority") or "1")
    return IngressRule(
        rule_id=str(item.get("SecurityGroupRuleId") or ""),
        policy=str(item.get("Policy") or "Accept"),
        ip_protocol=str(item.get("IpProtocol") or "").upper(),
        port_range=str(item.get("PortRange") or ""),
        source_group_id=item.get("SourceGroupId") or None,
        source_cidr_ip=item.get("SourceCidrIp") or None,
        priority=int(priority) if priority.isdigit() else 1,
        created_at=cloud_time(item.get("CreateTime")),
        description=str(item.get("Description") or ""),
    )


def service_ports(item: dict[str, Any]) -> tuple[int, ...]:
    """A ListGatewayService item's ``Ports``, or its ``ServicePort`` when it lists none."""
    listed = [str(port) for port in item.get("Ports") or ()] or [str(item.get("ServicePort"))]
    ports = [int(port) for port in listed if port.isdigit() and 0 < int(port) <= MAX_PORT]
    return tuple(dict.fromkeys(ports))


def int_or_none(value: object) -> int | None:
    return None if value in (None, "") else int(str(value))


def gateway(data: dict[str, Any]) -> Gateway:
    """GetGateway's ``Data``; ``Vswitch2`` is empty for a single-vSwitch gateway."""
    vswitches = (data.get("Vswitch"), data.get("Vswitch2"))
    return Gateway(
        unique_id=str(data["GatewayUniqueId"]),
        name=str(data.get("Name") or ""),
        security_group_id=str(data.get("SecurityGroup") or ""),
        vpc_id=str(data.get("Vpc") or ""),
        status=int_or_none(data.get("Status")),
        vswitch_ids=tuple(str(v) for v in vswitches if v),
    )


def security_group(item: dict[str, Any]) -> SecurityGroup:
    return SecurityGroup(
        security_group_id=str(item["SecurityGroupId"]),
        name=str(item.get("SecurityGroupName", "")),
        group_type=str(item.get("SecurityGroupType") or "normal"),
        vpc_id=str(item.get("VpcId", "")),
        group_to_group_rules=int_or_none(item.get("GroupToGroupRuleCount")),
    )


def cluster(item: dict[str, Any]) -> Cluster:
    return Cluster(
        cluster_id=str(item.get("cluster_id", "")),
        name=str(item.get("name", "")),
        profile=str(item.get("profile") or "Default"),
        security_group_id=item.get("security_group_id") or None,
        vpc_id=str(item.get("vpc_id", "")),
        container_cidr=item.get("container_cidr") or None,
    )


def node_pool(pool: dict[str, Any]) -> NodePool:
    info, scaling = pool.get("nodepool_info") or {}, pool.get("scaling_group") or {}
    # ``security_group_id`` is the deprecated single-group field: the first of the ids.
    group_ids = scaling.get("security_group_ids") or [scaling.get("security_group_id")]
    return NodePool(
        nodepool_id=str(info.get("nodepool_id", "")),
        name=str(info.get("name", "")),
        security_group_ids=tuple(g for g in group_ids if g),
    )


def is_worker(item: dict[str, Any]) -> bool:
    """Dedicated clusters list their masters too; they never host a service's pods."""
    return str(item.get("instance_role") or "Worker").casefold() != "master"


def cluster_node(item: dict[str, Any]) -> ClusterNode:
    return ClusterNode(
        instance_id=str(item.get("instance_id", "")),
        nodepool_id=item.get("nodepool_id") or None,
        ips=tuple(str(ip) for ip in item.get("ip_address") or ()),
        created_at=cloud_time(item.get("creation_time")),
    )


def _ip_set(item: dict[str, Any]) -> list[str]:
    entries = (item.get("PrivateIpSets") or {}).get("PrivateIpSet") or []
    return [str(e["PrivateIpAddress"]) for e in entries if e.get("PrivateIpAddress")]


def instance(item: dict[str, Any]) -> Instance:
    vpc = item.get("VpcAttributes") or {}
    ips = (vpc.get("PrivateIpAddress") or {}).get("IpAddress") or []
    groups = (item.get("SecurityGroupIds") or {}).get("SecurityGroupId") or []
    enis = (item.get("NetworkInterfaces") or {}).get("NetworkInterface") or []
    # The instance's groups are its primary ENI's; secondary ENIs have groups of their own.
    primary = [e for e in enis if str(e.get("Type") or "Primary") == "Primary"]
    on_primary = [ip for e in primary for ip in [e.get("PrimaryIpAddress"), *_ip_set(e)] if ip]
    return Instance(
        instance_id=str(item["InstanceId"]),
        vpc_id=str(vpc.get("VpcId") or item.get("VpcId") or ""),
        private_ips=tuple(ips),
        security_group_ids=tuple(groups),
        primary_eni_ips=tuple(dict.fromkeys([*ips, *on_primary])),
    )


def network_interface(item: dict[str, Any]) -> NetworkInterface:
    """One ``NetworkInterfaceSets.NetworkInterfaceSet[]``; its primary IP is ``PrivateIpAddress``
    (the request filter for it is called ``PrimaryIpAddress``)."""
    primary = str(item.get("PrivateIpAddress") or "")
    groups = (item.get("SecurityGroupIds") or {}).get("SecurityGroupId") or []
    return NetworkInterface(
        eni_id=str(item.get("NetworkInterfaceId", "")),
        vpc_id=str(item.get("VpcId", "")),
        primary_ip=primary,
        private_ips=tuple(dict.fromkeys([ip for ip in [primary, *_ip_set(item)] if ip])),
        security_group_ids=tuple(groups),
        instance_id=item.get("InstanceId") or None,
        eni_type=str(item.get("Type") or "Secondary"),
    )
