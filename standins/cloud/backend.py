"""The emulator's mutable cloud: the working estate, its lookups and its network views.

``Backend`` owns a working copy of the loaded estate, the readings in force and the MSE rule
operations (``authorizations``). Cluster nodes are ECS instances; every instance has a primary
ENI with its groups and IPs, and the estate's secondary ENIs (Terway, ECI) stand beside them.
``hidden`` names resources ECS's describe calls leave out, as they do for a RAM identity
limited by resource or for a group in another account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from standins.cloud.authorizations import Authorizations
from standins.cloud.errors import CloudError
from standins.cloud.readings import Readings
from standins.cloud.state import (
    Cluster,
    Estate,
    Gateway,
    Instance,
    MseRule,
    Node,
    NodePool,
    SecurityGroup,
)

__all__ = ["Backend", "CloudError", "ClusterNode", "Eni"]


@dataclass(frozen=True)
class Eni:
    """An ENI as DescribeNetworkInterfaces shows it; ``type`` is Primary or Secondary."""

    network_interface_id: str
    vpc_id: str
    primary_ip: str
    secondary_ips: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    instance_id: str
    type: str
    description: str = ""

    @property
    def ips(self) -> tuple[str, ...]:
        return (self.primary_ip, *self.secondary_ips)


@dataclass(frozen=True)
class ClusterNode:
    """A node of a cluster: the pool it belongs to ("" outside any pool) and its instance."""

    nodepool_id: str
    node: Node
    instance: Instance


class Backend:
    """The loaded estate plus everything changed since the last ``reset``."""

    def __init__(self, estate: Estate, readings: Readings | None = None) -> None:
        self.loaded = estate
        self.start_readings = readings or Readings()
        self.hidden: frozenset[str] = frozenset()
        self.reset()

    def reset(self) -> None:
        self.estate = self.loaded.model_copy(deep=True)
        self.readings = self.start_readings
        self.authorizations = Authorizations(self)

    # lookups -----------------------------------------------------------------------------------

    def gateway(self, gateway_unique_id: str) -> Gateway | None:
        return next(
            (g for g in self.estate.gateways if g.gateway_unique_id == gateway_unique_id), None
        )

    def group(self, security_group_id: str) -> SecurityGroup | None:
        return next(
            (g for g in self.estate.security_groups if g.security_group_id == security_group_id),
            None,
        )

    def cluster(self, cluster_id: str) -> Cluster | None:
        return next((c for c in self.estate.clusters if c.cluster_id == cluster_id), None)

    def node_pool(self, cluster: Cluster, nodepool_id: str) -> NodePool | None:
        return next((p for p in cluster.node_pools if p.nodepool_id == nodepool_id), None)

    def cluster_nodes(self, cluster: Cluster) -> list[ClusterNode]:
        """Pool nodes first, then nodes outside any pool, each with the instance it is."""
        placed = [
            (pool.nodepool_id, pool.security_group_ids, node)
            for pool in cluster.node_pools
            for node in pool.nodes
        ]
        outside = [("", [cluster.security_group_id], node) for node in cluster.nodes]
        return [
            ClusterNode(
                nodepool_id=pool_id,
                node=node,
                instance=Instance(
                    instance_id=node.instance_id,
                    name=f"{cluster.name}-{pool_id or 'node'}-{node.instance_id}",
                    vpc_id=cluster.vpc_id,
                    private_ip=node.ip,
                    security_group_ids=list(node.security_group_ids or template),
                ),
            )
            for pool_id, template, node in [*placed, *outside]
        ]

    def instances(self) -> list[Instance]:
        """Plain ECS instances, then cluster nodes as the ECS instances they are."""
        nodes = [n.instance for c in self.estate.clusters for n in self.cluster_nodes(c)]
        return [*self.estate.instances, *nodes]

    def enis(self) -> list[Eni]:
        """Every instance's primary ENI, then the estate's secondary ENIs."""
        primary = [
            Eni(
                network_interface_id=primary_eni_id(instance.instance_id),
                vpc_id=instance.vpc_id,
                primary_ip=instance.private_ip,
                secondary_ips=tuple(instance.secondary_ips),
                security_group_ids=tuple(instance.security_group_ids),
                instance_id=instance.instance_id,
                type="Primary",
            )
            for instance in self.instances()
        ]
        secondary = [
            Eni(
                network_interface_id=eni.network_interface_id,
                vpc_id=eni.vpc_id,
                primary_ip=eni.primary_ip,
                secondary_ips=tuple(eni.secondary_ips),
                security_group_ids=tuple(eni.security_group_ids),
                instance_id=eni.instance_id,
                type="Secondary",
                description=eni.description,
            )
            for eni in self.estate.network_interfaces
        ]
        return [*primary, *secondary]

    def mse_rules(self, gateway_unique_id: str) -> list[MseRule]:
        return [r for r in self.estate.mse_rules if r.gateway_unique_id == gateway_unique_id]

    def group_to_group_rules(self, group: SecurityGroup) -> int:
        """ECS's ``GroupToGroupRuleCount``: rules that reference another group, once each."""
        return sum(1 for p in group.permissions if p.source_group_id)

    # admin -------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "region_id": self.estate.region_id,
            "names": {
                **{g.gateway_unique_id: g.name for g in self.estate.gateways},
                **{g.security_group_id: g.name for g in self.estate.security_groups},
            },
            "mse_rules": {
                gateway.gateway_unique_id: [
                    rule.model_dump() for rule in self.mse_rules(gateway.gateway_unique_id)
                ]
                for gateway in self.estate.gateways
            },
            "security_groups": {
                group.security_group_id: [p.model_dump() for p in group.permissions]
                for group in self.estate.security_groups
            },
        }


def primary_eni_id(instance_id: str) -> str:
    return f"eni-{instance_id.removeprefix('i-')}"
