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
    """A gateway-to-backend rule as MSE records it; ``rule_id`` is always an int."""

    rule_id: int
    security_group_id: str
    ports: PortRange
    description: str
    security_group_name: str | None = None


@dataclass(frozen=True)
class AddedRule:
    """What AddSecurityGroupRule answered: the new rule id and the cloud request id."""

    rule_id: int
    request_id: str


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

    async def list_rules(self, gateway_id: str) -> list[GatewayRule]: ...

    async def add_rule(
        self, gateway_id: str, group_id: str, ports: PortRange, description: str
    ) -> AddedRule:
        """One AddSecurityGroupRule call, never retried."""
        ...

    async def delete_rule(self, gateway_id: str, rule_id: int, *, cascade: bool) -> str:
        """One DeleteSecurityGroupRule call, never retried; returns the cloud request id."""
        ...
