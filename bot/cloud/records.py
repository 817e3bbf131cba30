"""The port's result types: frozen values for gateways, groups, rules, instances, ENIs, clusters.

``bot.cloud.port`` re-exports every name here; the rest of sgbot imports them from there.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from vocabulary.commands import PortRange

SERVERLESS_PROFILE = "Serverless"


GATEWAY_RUNNING = 2
GATEWAY_STATUS = {
    0: "being created",
    1: "failed to create",
    2: "running",
    3: "changing",
    4: "scaling in",
    6: "scaling out",
    8: "being deleted",
    10: "restarting",
    11: "being rebuilt",
    12: "being updated",
    13: "failed to update",
}


@dataclass(frozen=True)
class Gateway:
    """An MSE cloud-native gateway with its managed security group and VPC (GetGateway).

    ``status`` is GetGateway's ``Status`` (2 is running; None when not reported);
    ``vswitch_ids`` its vSwitches, whose CIDRs MSE authorizes in enterprise groups.
    """

    unique_id: str
    name: str
    security_group_id: str
    vpc_id: str
    status: int | None = None
    vswitch_ids: tuple[str, ...] = ()

    @property
    def running(self) -> bool:
        return self.status in (None, GATEWAY_RUNNING)

    @property
    def status_text(self) -> str:
        return GATEWAY_STATUS.get(self.status or 0, f"in status {self.status}")


@dataclass(frozen=True)
class GatewaySummary:
    """One ListGateway hit: enough to pick the gateway a name meant."""

    unique_id: str
    name: str


@dataclass(frozen=True)
class GatewayService:
    """A service routed by a gateway; ``source_id`` points into ``list_service_sources``."""

    name: str
    namespace: str | None
    source_type: str
    source_id: int | None
    ips: tuple[str, ...]
    meta_info: str | None = None  # VIP/DNS addresses as MSE stores them: '["10.0.1.10:80"]'
    ports: tuple[int, ...] = ()  # ``Ports``, else ``ServicePort``: what the service listens on

    @property
    def qualified_name(self) -> str:
        return f"{self.name}.{self.namespace}" if self.namespace else self.name


@dataclass(frozen=True)
class ServiceSource:
    """A gateway's service source; for ``K8s`` the ``address`` is the ACK cluster id."""

    source_id: int
    source: str
    address: str
    name: str


@dataclass(frozen=True)
class Cluster:
    """An ACK cluster (DescribeClusterDetail); ASK clusters have profile ``Serverless``."""

    cluster_id: str
    name: str
    profile: str
    security_group_id: str | None
    vpc_id: str
    container_cidr: str | None = None  # the overlay pod CIDR (Flannel); None: pods on VPC ENIs

    @property
    def is_serverless(self) -> bool:
        return self.profile.casefold() == SERVERLESS_PROFILE.casefold()

    def on_overlay(self, ip: str) -> bool:
        """Whether ``ip`` is a pod address of the overlay (never, for pods on VPC ENIs)."""
        if not self.container_cidr:
            return False
        try:
            return ipaddress.ip_address(ip) in ipaddress.ip_network(
                self.container_cidr, strict=False
            )
        except ValueError:
            return False


@dataclass(frozen=True)
class NodePool:
    """An ACK node pool and the security groups its scaling group gives new nodes."""

    nodepool_id: str
    name: str
    security_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class ClusterNode:
    """A node of an ACK cluster (DescribeClusterNodes); ``nodepool_id`` None outside any pool."""

    instance_id: str
    nodepool_id: str | None
    ips: tuple[str, ...]
    created_at: datetime | None = None  # when the node joined the cluster


@dataclass(frozen=True)
class Instance:
    """An ECS instance with the groups of its primary ENI.

    ``private_ips`` is its primary private IP as ``VpcAttributes`` lists it; ``primary_eni_ips``
    every IP on its primary ENI (secondary ones too). IPs on its secondary ENIs are not here:
    those ENIs have groups of their own (``NetworkInterface``).
    """

    instance_id: str
    vpc_id: str
    private_ips: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    primary_eni_ips: tuple[str, ...] = ()

    def holds(self, ip: str) -> bool:
        """Whether traffic to ``ip`` reaches this instance through its primary ENI's groups."""
        return ip in self.private_ips or ip in self.primary_eni_ips


@dataclass(frozen=True)
class NetworkInterface:
    """An ENI (DescribeNetworkInterfaces): a secondary ENI of a node (Terway), an ECI pod's, or
    an instance's primary one. ``private_ips`` holds the primary IP first."""

    eni_id: str
    vpc_id: str
    primary_ip: str
    private_ips: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    instance_id: str | None
    eni_type: str

    def holds(self, ip: str) -> bool:
        return ip in self.private_ips


@dataclass(frozen=True)
class SecurityGroup:
    """An ECS security group; ``group_type`` is ``normal`` (basic) or ``enterprise``.

    ``group_to_group_rules`` is ECS's ``GroupToGroupRuleCount`` (None when not reported).
    """

    security_group_id: str
    name: str
    group_type: str
    vpc_id: str
    group_to_group_rules: int | None = None

    @property
    def is_basic(self) -> bool:
        return self.group_type == "normal"


@dataclass(frozen=True)
class GatewayRule:
    """A gateway-to-backend TCP rule as MSE records it; ``rule_id`` is always an int.

    Only records whose protocol is TCP and whose range is a real port range are
    ``GatewayRule``s, so ``ports`` is always a TCP range; MSE records for other protocols or
    ``-1/-1`` are ``OtherRule``s. ``auth_cidrs`` are the CIDRs MSE authorized for an enterprise
    group (empty, or ``("",)``, for a basic one).
    """

    rule_id: int
    security_group_id: str
    ports: PortRange
    description: str
    security_group_name: str | None = None
    gmt_create: datetime | None = None
    auth_cidrs: tuple[str, ...] = ()


@dataclass(frozen=True)
class OtherRule:
    """An MSE record that is not a TCP port range (ICMP, all protocols, ``-1/-1``…), as listed.

    sgbot never creates, matches or plans with these; it only shows them.
    """

    rule_id: int
    security_group_id: str
    ip_protocol: str
    port_range: str
    description: str
    gmt_create: datetime | None = None

    @property
    def label(self) -> str:
        """How a person should read it, e.g. ``ALL -1/-1 (every port of every protocol)``."""
        every = " (every port of every protocol)" if self.port_range == "-1/-1" else ""
        return f"{self.ip_protocol.upper() or 'unknown protocol'} {self.port_range}{every}"


@dataclass(frozen=True)
class RuleListing:
    """One ListSecurityGroupRule answer, split into the TCP rules and everything else."""

    tcp: tuple[GatewayRule, ...]
    other: tuple[OtherRule, ...] = ()


@dataclass(frozen=True)
class IngressRule:
    """One inbound permission of a backend group (ECS DescribeSecurityGroupAttribute).

    ``ip_protocol`` is upper-cased; ``port_range`` is as listed (``80/80``, ``-1/-1``);
    ``created_at`` is ECS's ``CreateTime``.
    """

    rule_id: str
    policy: str
    ip_protocol: str
    port_range: str
    source_group_id: str | None
    source_cidr_ip: str | None
    priority: int
    created_at: datetime | None
    description: str


@dataclass(frozen=True)
class AddedRule:
    """What AddSecurityGroupRule answered: its raw ``Data`` and the cloud request id.

    ``Data`` is typed as an untyped string; it is not documented to be the new record's id,
    so the id is read from a listing and ``Data`` only compared with it.
    """

    data: str | None
    request_id: str

    @property
    def data_as_id(self) -> int | None:
        """``Data`` read as a record id, or None when it is not a number."""
        text = (self.data or "").strip()
        return int(text) if text.isdigit() else None

    @property
    def rule_id(self) -> int:
        """What ``Data`` claims the id is (raises ``ValueError`` if it claims no number).

        Not to be trusted for anything that deletes: ``bot.cloud.rules.ensure_rule`` reads the
        id from a listing instead.
        """
        claimed = self.data_as_id
        if claimed is None:
            raise ValueError(f"AddSecurityGroupRule answered Data={self.data!r}, not an id")
        return claimed
