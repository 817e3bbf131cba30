"""The port: what sgbot needs from Alibaba Cloud, as one ``Protocol`` and frozen result types.

Everything above this line of the architecture (resolution, pre-flight, rules, the worker)
talks to ``CloudPort`` and never to an SDK. The one adapter (``bot.cloud.aliyun``) implements
it over the official MSE, ECS and CS clients; every method raises only ``bot.errors.CloudError``
subclasses. Reads may be retried by the adapter; ``add_rule`` and ``delete_rule`` never are,
because a write that timed out may still have happened (``bot.cloud.rules`` handles that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.commands import PortRange

SERVERLESS_PROFILE = "Serverless"


@dataclass(frozen=True)
class Gateway:
    """An MSE cloud-native gateway with its managed security group and VPC (GetGateway)."""

    unique_id: str
    name: str
    security_group_id: str
    vpc_id: str


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

    @property
    def is_serverless(self) -> bool:
        return self.profile.casefold() == SERVERLESS_PROFILE.casefold()


@dataclass(frozen=True)
class NodePool:
    """An ACK node pool and the security groups its scaling group gives new nodes."""

    nodepool_id: str
    name: str
    security_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class Instance:
    """An ECS instance with every security group it belongs to."""

    instance_id: str
    vpc_id: str
    private_ips: tuple[str, ...]
    security_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class SecurityGroup:
    """An ECS security group; ``group_type`` is ``normal`` or ``enterprise``."""

    security_group_id: str
    name: str
    group_type: str
    vpc_id: str


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


class CloudPort(Protocol):
    """Alibaba Cloud as the bot sees it, for one region."""

    @property
    def region_id(self) -> str: ...

    async def get_gateway(self, unique_id: str) -> Gateway: ...

    async def find_gateways_by_name(self, name: str) -> list[GatewaySummary]:
        """Gateways whose name contains ``name`` as the cloud matches it (maybe fuzzily)."""
        ...

    async def list_gateway_services(
        self, gateway_id: str, name: str, namespace: str | None
    ) -> list[GatewayService]: ...

    async def list_service_sources(self, gateway_id: str) -> list[ServiceSource]: ...

    async def get_cluster(self, cluster_id: str) -> Cluster: ...

    async def find_clusters_by_name(self, name: str) -> list[Cluster]:
        """Clusters in the region whose name contains ``name`` (the cloud matches fuzzily)."""
        ...

    async def list_node_pools(self, cluster_id: str) -> list[NodePool]: ...

    async def find_instances(
        self,
        *,
        instance_ids: Sequence[str] = (),
        private_ips: Sequence[str] = (),
        vpc_id: str | None = None,
    ) -> list[Instance]:
        """Instances by id or private IP; ids that do not exist are simply absent."""
        ...

    async def describe_security_groups(self, group_ids: Sequence[str]) -> list[SecurityGroup]:
        """Groups by id in the region; ids that do not exist are simply absent."""
        ...

    async def list_rules(self, gateway_id: str) -> list[GatewayRule]:
        """The gateway's TCP rules (``list_all_rules(...).tcp``)."""
        ...

    async def list_all_rules(self, gateway_id: str) -> RuleListing:
        """Every record ListSecurityGroupRule returns, TCP rules and others apart."""
        ...

    async def describe_ingress_rules(self, group_id: str) -> list[IngressRule]:
        """The group's inbound permissions, every page (DescribeSecurityGroupAttribute)."""
        ...

    async def add_rule(
        self, gateway_id: str, group_id: str, ports: PortRange, description: str
    ) -> AddedRule:
        """One AddSecurityGroupRule call, never retried."""
        ...

    async def delete_rule(self, gateway_id: str, rule_id: int, *, cascade: bool) -> str:
        """One DeleteSecurityGroupRule call, never retried; returns the cloud request id."""
        ...
