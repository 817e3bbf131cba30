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
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.catalogue import say
from bot.cloud.port import CloudReads, Cluster, ClusterNode, Instance, NodePool
from bot.cloud.resolve_ips import trace_ips
from bot.cloud.resolve_reads import Reads
from vocabulary.errors import InvalidInput


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
        raise InvalidInput(say("path.serverless_no_group", cluster=title(cluster)))
    group = cluster.security_group_id
    return Walk([group], say("path.serverless", cluster=title(cluster), group=group))


async def cluster_walk(cloud: CloudReads, cluster: Cluster) -> Walk:
    """A whole cluster named as the target: every node that can host pods."""
    if cluster.is_serverless:
        return serverless_walk(cluster)
    return await node_walk(cloud, cluster, why=say("path.why_whole_cluster"))


async def service_walk(cloud: CloudReads, cluster: Cluster, label: str, ips: Sequence[str]) -> Walk:
    """A Kubernetes service: its endpoint IPs' ENIs, or every node for overlay pods."""
    if cluster.is_serverless:
        walk = serverless_walk(cluster)
        return Walk(walk.group_ids, f"{label} → {walk.hops}")
    overlay = [ip for ip in ips if cluster.on_overlay(ip)]
    on_vpc = [ip for ip in ips if ip not in overlay]
    trace = await trace_ips(cloud, cluster.vpc_id, on_vpc, instances_first=False)
    notes: tuple[str, ...] = ()
    if trace.unmatched and any(hop.via.startswith("ENI") for hop in trace.hops):
        # Pods on ENIs mean they get VPC IPs of their own: an IP no ENI holds is a pod that
        # is gone or not yet wired, not one behind a node, so it never opens the cluster.
        gone = listed(list(trace.unmatched))
        notes = (say("path.not_opened", ips=gone),)
    else:
        overlay += trace.unmatched
    if not ips and not cluster.container_cidr:
        raise InvalidInput(say("path.no_endpoints", service=label, cluster=title(cluster)))
    # IpTrace.text lists a few per hop
    parts = [say("path.pods", trace=trace.text)] if trace.hops else []
    if not overlay and ips:
        return Walk(trace.group_ids, f"{label} → {'; '.join(parts)}", notes)
    on_overlay = listed(overlay) if overlay else say("path.none_yet")
    nodes = await node_walk(cloud, cluster, why=say("path.why_overlay"))
    fields = {"ips": on_overlay, "hops": nodes.hops}
    if cluster.container_cidr:
        parts.append(say("path.pods_overlay", cidr=cluster.container_cidr, **fields))
    else:
        parts.append(say("path.pods_no_eni", **fields))
    return Walk(
        list(dict.fromkeys([*trace.group_ids, *nodes.group_ids])),
        f"{label} → {'; '.join(parts)}",
        nodes.notes,
    )


async def node_walk(
    cloud: CloudReads, cluster: Cluster | str, *, why: str, pool: NodePool | None = None
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
    if isinstance(cloud, Reads):
        cloud.guess_groups([g for p in pools for g in p.security_group_ids])
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
        raise InvalidInput(say("path.no_node_groups", cluster=named))
    pool_text = ", ".join(with_groups(p.nodepool_id, p.security_group_ids) for p in pools)
    hops = say("path.cluster_pools", cluster=named, pools=pool_text or say("path.none"))
    if pool_id:
        wide = say("path.pool_wide", why=why, pool=pool_id, count=len(nodes))
    else:
        wide = say("path.cluster_wide", why=why, cluster=named, count=len(nodes))
    notes = [wide]
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
            node_text = with_groups(node.instance_id, instance.security_group_ids)
            differing.append(
                say("path.node_in_pool", node=node_text, pool=node.nodepool_id, template=template)
            )
    notes = []
    if outside:
        notes.append(say("path.nodes_outside", nodes=listed(outside, "; ")))
    if differing:
        notes.append(say("path.nodes_differ", nodes=listed(differing, "; ")))
    if missing:
        notes.append(say("path.nodes_missing", nodes=listed(missing)))
    return notes


def listed(items: Sequence[str], separator: str = ", ", limit: int = 5) -> str:
    """The first ``limit`` items and how many more: a card has room for a few, not hundreds."""
    shown = separator.join(items[:limit])
    return (
        say("path.and_more", shown=shown, count=len(items) - limit) if len(items) > limit else shown
    )
