"""The port: what sgbot needs from Alibaba Cloud, as one ``Protocol`` and frozen result types.

The result types live in ``bot.cloud.records`` and are re-exported here.

Everything above this line of the architecture (resolution, pre-flight, rules, the worker)
talks to ``CloudPort`` and never to an SDK. The one adapter (``bot.cloud.aliyun``) implements
it over the official MSE, ECS and CS clients; every method raises only
``vocabulary.errors.CloudError`` subclasses. Reads may be retried by the adapter; ``add_rule``
and ``delete_rule`` never are, because a write that timed out may still have happened
(``bot.cloud.rules`` handles that).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.cloud.records import (
    GATEWAY_RUNNING,
    SERVERLESS_PROFILE,
    AddedRule,
    Cluster,
    ClusterNode,
    Gateway,
    GatewayRule,
    GatewayService,
    GatewaySummary,
    IngressRule,
    Instance,
    NetworkInterface,
    NodePool,
    OtherRule,
    RuleListing,
    SecurityGroup,
    ServiceSource,
)
from vocabulary.commands import PortRange

__all__ = [
    "GATEWAY_RUNNING",
    "SERVERLESS_PROFILE",
    "AddedRule",
    "CloudPort",
    "CloudReads",
    "Cluster",
    "ClusterNode",
    "Gateway",
    "GatewayRule",
    "GatewayService",
    "GatewaySummary",
    "IngressRule",
    "Instance",
    "NetworkInterface",
    "NodePool",
    "OtherRule",
    "RuleListing",
    "SecurityGroup",
    "ServiceSource",
]


class CloudReads(Protocol):
    """What resolution and pre-flight may ask of Alibaba Cloud in one region: reads only."""

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

    async def list_cluster_nodes(
        self, cluster_id: str, nodepool_id: str | None = None
    ) -> list[ClusterNode]:
        """The cluster's worker nodes (every page), or one node pool's."""
        ...

    async def find_instances(
        self,
        *,
        instance_ids: Sequence[str] = (),
        private_ips: Sequence[str] = (),
        vpc_id: str | None = None,
    ) -> list[Instance]:
        """Instances by id, or by private IP in ``vpc_id``; what does not exist is absent.

        An IP lookup sends ``InstanceNetworkType=vpc`` (without it ECS ignores the IP filter)
        and keeps only instances whose primary ENI holds one of the IPs.
        """
        ...

    async def find_network_interfaces(
        self, vpc_id: str, *, secondary_ips: Sequence[str] = (), primary_ip: str | None = None
    ) -> list[NetworkInterface]:
        """ENIs in ``vpc_id`` holding one of ``secondary_ips`` as a secondary IP, or whose
        primary IP is ``primary_ip`` (ECS filters each way apart, one primary IP per call)."""
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


class CloudPort(CloudReads, Protocol):
    """Alibaba Cloud as the bot sees it, for one region: the reads and the two writes."""

    async def add_rule(
        self, gateway_id: str, group_id: str, ports: PortRange, description: str
    ) -> AddedRule:
        """One AddSecurityGroupRule call, never retried."""
        ...

    async def delete_rule(self, gateway_id: str, rule_id: int, *, cascade: bool) -> str:
        """One DeleteSecurityGroupRule call, never retried; returns the cloud request id."""
        ...
