"""Kubernetes backends: the groups of what actually runs a service, not only of a template.

A service's endpoint IPs decide. IPs on VPC ENIs (Terway, ECI pods of virtual nodes, host
network pods) are traced to their ENIs and only those groups are opened. IPs on an overlay
(Flannel's pod CIDR, or IPs no ENI in the VPC holds) reach pods through whichever node runs
them, so every node that can host the service is opened: the node pools' template groups and
the groups the nodes actually have (DescribeClusterNodes, then DescribeInstances), and the
path calls out the grant as cluster-wide, nodes outside any pool, and nodes whose groups differ
from their pool's template. ACK Serverless pods use the cluster's group. Independent calls run
concurrently.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.cloud.port import CloudPort, Cluster, ClusterNode, Instance, NodePool
from bot.cloud.resolve_ips import trace_ips
from vocabulary.errors import InvalidInput

EXPLICIT_TARGET = "name the backend directly instead: `sg-…` or `instance i-…`"


@dataclass(frozen=True)
class Walk:
    """Groups found (in order), the hops that found them, and what the approver must know."""

    group_ids: list[str]
    hops: str
    notes: tuple[str, ...] = field(default=())


def title(cluster: Cluster) -> str:
    return f"{cluster.name} ({short(cluster.cluster_id)})"


def short(cluster_id: str) -> str:
    """Cluster ids are 33 characters; four are enough for a person to recognise one."""
    return f"{cluster_id[:4]}…"


def with_groups(name: str, group_ids: Sequence[str]) -> str:
    return f"{name} ({', '.join(group_ids)})"


def serverless_walk(cluster: Cluster) -> Walk:
    # ASK has no node pools: pods run in ECIs that use the cluster's security group.
    if not cluster.security_group_id:
        raise InvalidInput(f"ACK Serverless cluster {title(cluster)} reports no security group")
    group = cluster.security_group_id
    return Walk(
        [group], f"ACK Serverless cluster {title(cluster)} → cluster security group {group}"
    )


async def cluster_walk(cloud: CloudPort, cluster: Cluster) -> Walk:
    """A whole cluster named as the target: every node that can host pods."""
    if cluster.is_serverless:
        return serverless_walk(cluster)
    return await node_walk(cloud, cluster, why="the target is the whole cluster")


async def service_walk(cloud: CloudPort, cluster: Cluster, label: str, ips: Sequence[str]) -> Walk:
    """A Kubernetes service: its endpoint IPs' ENIs, or every node for overlay pods."""
    if cluster.is_serverless:
        walk = serverless_walk(cluster)
        return Walk(walk.group_ids, f"{label} → {walk.hops}")
    overlay = [ip for ip in ips if _in(ip, cluster.container_cidr)]
    on_vpc = [ip for ip in ips if ip not in overlay]
    trace = await trace_ips(cloud, cluster.vpc_id, on_vpc, instances_first=False)
    notes: tuple[str, ...] = ()
    if trace.unmatched and any(hop.via.startswith("ENI") for hop in trace.hops):
        # Pods on ENIs mean they get VPC IPs of their own: an IP no ENI holds is a pod that
        # is gone or not yet wired, not one behind a node, so it never opens the cluster.
        gone = listed(list(trace.unmatched))
        notes = (f"not opened: {gone} (no ENI in the VPC holds them; pods starting or gone)",)
    else:
        overlay += trace.unmatched
    if not ips and not cluster.container_cidr:
        raise InvalidInput(
            f"service {label} has no endpoints, and ACK cluster {title(cluster)} gives pods "
            "their own network interfaces (no overlay pod CIDR), so which groups its pods use "
            f"cannot be known until they run; try again then, or {EXPLICIT_TARGET}"
        )
    parts = [f"pods {trace.text}"] if trace.hops else []  # IpTrace.text lists a few per hop
    if not overlay and ips:
        return Walk(trace.group_ids, f"{label} → {'; '.join(parts)}", notes)
    on_overlay = listed(overlay) if overlay else "none yet"
    where = f"the overlay {cluster.container_cidr}" if cluster.container_cidr else "no VPC ENI"
    why = "pods on an overlay network reach the VPC through whichever node runs them"
    nodes = await node_walk(cloud, cluster, why=why)
    parts.append(f"pods {on_overlay} (on {where}) → {nodes.hops}")
    return Walk(
        list(dict.fromkeys([*trace.group_ids, *nodes.group_ids])),
        f"{label} → {'; '.join(parts)}",
        nodes.notes,
    )


async def node_walk(
    cloud: CloudPort, cluster: Cluster | str, *, why: str, pool: NodePool | None = None
) -> Walk:
    """Every node of ``cluster`` (or of ``pool``): template groups and the nodes' own groups."""
    cluster_id = cluster if isinstance(cluster, str) else cluster.cluster_id
    named = short(cluster) if isinstance(cluster, str) else title(cluster)
    pool_id = pool.nodepool_id if pool is not None else None
    if pool is None:
        pools, nodes = await asyncio.gather(
            cloud.list_node_pools(cluster_id), cloud.list_cluster_nodes(cluster_id)
        )
    else:
        pools, nodes = [pool], await cloud.list_cluster_nodes(cluster_id, pool_id)
    found = await cloud.find_instances(instance_ids=[n.instance_id for n in nodes]) if nodes else []
    instances = {i.instance_id: i for i in found}
    pools = [p for p in pools if p.security_group_ids]
    template = [g for p in pools for g in p.security_group_ids]
    actual = [
        g
        for n in nodes
        if n.instance_id in instances
        for g in instances[n.instance_id].security_group_ids
    ]
    group_ids = list(dict.fromkeys([*template, *actual]))
    if not group_ids:
        raise InvalidInput(
            f"ACK cluster {named} has no node pool or node with a security group; "
            + EXPLICIT_TARGET
        )
    scope = f"node pool {pool_id}" if pool_id else f"ACK cluster {named}"
    pool_text = ", ".join(with_groups(p.nodepool_id, p.security_group_ids) for p in pools)
    hops = f"ACK cluster {named} → node pool {pool_text or 'none'}"
    count = f"{len(nodes)} node{'s' if len(nodes) != 1 else ''} now"
    notes = [
        f"grant is {'pool' if pool_id else 'cluster'}-wide: {why}, so every node of {scope} is "
        f"opened ({count})"
    ]
    notes += _node_notes(pools, nodes, instances)
    return Walk(group_ids, hops, tuple(notes))


def _node_notes(
    pools: Sequence[NodePool], nodes: Sequence[ClusterNode], instances: dict[str, Instance]
) -> list[str]:
    templates = {p.nodepool_id: p.security_group_ids for p in pools}
    outside, differing, missing = [], [], []
    for node in nodes:
        instance = instances.get(node.instance_id)
        if instance is None:
            missing.append(node.instance_id)
        elif node.nodepool_id is None or node.nodepool_id not in templates:
            outside.append(with_groups(node.instance_id, instance.security_group_ids))
        elif set(instance.security_group_ids) != set(templates[node.nodepool_id]):
            template = ", ".join(templates[node.nodepool_id])
            differing.append(
                f"{with_groups(node.instance_id, instance.security_group_ids)} in "
                f"{node.nodepool_id} (template {template})"
            )
    notes = []
    if outside:
        notes.append(f"nodes outside any node pool: {listed(outside, '; ')}")
    if differing:
        notes.append(
            f"nodes whose groups differ from their pool's template: {listed(differing, '; ')}"
        )
    if missing:
        notes.append(
            f"nodes DescribeInstances did not return: {listed(missing)} (virtual nodes, or a "
            "RAM policy that hides them from ecs:DescribeInstances)"
        )
    return notes


def listed(items: Sequence[str], separator: str = ", ", limit: int = 5) -> str:
    """The first ``limit`` items and how many more: a card has room for a few, not hundreds."""
    shown = separator.join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def _in(ip: str, cidr: str | None) -> bool:
    if not cidr:
        return False
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
