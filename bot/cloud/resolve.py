"""From what a person typed to the backend security groups a gateway rule must target.

``find_gateway`` turns a ``GatewayRef`` (unique id or exact name) into a ``Gateway``;
``resolve_target`` turns a command target into the de-duplicated groups behind it plus a
readable path for the approval card that names every hop, e.g. ``legacy (VIP) → 10.0.1.20 →
ECS i-legacy020 (sg-legacy20)``, followed by what an approver must know (a cluster-wide grant,
nodes outside any pool…), one note per line. Every path asks only for what the target holds:
IPs are traced to the instances and ENIs that hold them (``resolve_ips``), Kubernetes services
to what runs them (``resolve_k8s``). All group metadata (the gateway's own group included)
comes from one DescribeSecurityGroups call. Errors say what to type instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.catalogue import say
from bot.cloud.port import CloudReads, Cluster, Gateway, GatewayService, Instance, SecurityGroup
from bot.cloud.resolve_ips import addresses, trace_ips
from bot.cloud.resolve_k8s import (
    Walk,
    cluster_walk,
    node_walk,
    service_walk,
    short,
    with_groups,
)
from bot.cloud.resolve_reads import Reads, reads_of
from vocabulary.commands import (
    ClusterTarget,
    GatewayRef,
    InstanceTarget,
    NodePoolTarget,
    SecurityGroupsTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)
from vocabulary.errors import InvalidInput, NotFound, PermissionDenied

K8S_SOURCE = "k8s"
CLUSTER_ID_RE = re.compile(r"c[0-9a-f]{32}")
# For the access check's own sentences; the resolver's come whole from the catalogue.
ASK_EXPLICIT_TARGET = "name the backend directly instead: `sg-…` or `instance i-…`"


@dataclass(frozen=True)
class Resolution:
    """The groups behind a target, the gateway's own group, and how we got there.

    ``path`` is what the approval card shows: the hops, then each of ``notes`` on a line of its
    own starting with ``⚠``. ``hops`` is the path alone, for messages.
    """

    gateway: Gateway
    gateway_group: SecurityGroup
    groups: tuple[SecurityGroup, ...]
    path: str
    notes: tuple[str, ...] = ()
    hops: str = ""


async def find_gateway(cloud: CloudReads, ref: GatewayRef) -> Gateway:
    """GetGateway by unique id; by name, ListGateway then an exact client-side match first."""
    return await named_gateway(cloud, ref, await gateway_id(cloud, ref))


async def gateway_id(cloud: CloudReads, ref: GatewayRef) -> str:
    """The unique id ``ref`` names: itself, or the one gateway with exactly that name."""
    if ref.is_unique_id:
        return ref.value
    hits = [g for g in await cloud.find_gateways_by_name(ref.value) if g.name == ref.value]
    if not hits:
        raise NotFound(
            say("cloud.no_gateway_name", gateway=repr(ref.value), region=cloud.region_id)
        )
    if len(hits) > 1:
        choices = ", ".join(sorted(g.unique_id for g in hits))
        raise InvalidInput(say("cloud.several_gateways", gateway=repr(ref.value), choices=choices))
    return hits[0].unique_id


async def named_gateway(cloud: CloudReads, ref: GatewayRef, unique_id: str) -> Gateway:
    """GetGateway for ``unique_id``; a unique id the cloud does not know is said as such."""
    try:
        return await cloud.get_gateway(unique_id)
    except NotFound as exc:
        if not ref.is_unique_id:
            raise
        raise NotFound(
            say("cloud.no_gateway_id", gateway=ref.value, region=cloud.region_id),
            request_id=exc.request_id,
            code=exc.code,
        ) from exc


async def resolve_target(cloud: CloudReads, gateway: Gateway, target: Target) -> Resolution:
    """The backend groups for ``target`` behind ``gateway``, with their metadata and path."""
    reads, mine = reads_of(cloud)
    try:
        return await finish(reads, gateway, await walk_target(reads, gateway, target))
    finally:
        if mine:
            await reads.close()


async def describe_beside_gateway(
    reads: CloudReads, gateway: Gateway, group_ids: Sequence[str]
) -> dict[str, SecurityGroup]:
    """``group_ids`` and the gateway's own group, by id, in one DescribeSecurityGroups; a
    group ECS leaves out is missing from the answer. Refuses when the gateway's group is hidden:
    its type and VPC are what every backend group is checked against."""
    wanted = list(dict.fromkeys([*group_ids, gateway.security_group_id]))
    found = {g.security_group_id: g for g in await reads.describe_security_groups(wanted)}
    if gateway.security_group_id not in found:
        raise PermissionDenied(
            say(
                "cloud.gateway_group_hidden",
                group=gateway.security_group_id,
                gateway=gateway.name,
                region=reads.region_id,
            ),
            action="ecs:DescribeSecurityGroups",
        )
    return found


async def finish(
    reads: Reads, gateway: Gateway, walk: Walk, *, ingress: bool = False
) -> Resolution:
    """The walk's groups with their metadata (one DescribeSecurityGroups, the gateway's own
    group included). ``ingress``: start reading each group's inbound rules alongside, for
    pre-flight; a group pre-flight then refuses is read for nothing, never written."""
    unique_ids = list(dict.fromkeys(walk.group_ids))
    if ingress and gateway.running:
        for group_id in unique_ids:
            reads.start("describe_ingress_rules", group_id)
    found = await describe_beside_gateway(reads, gateway, unique_ids)
    missing = [group_id for group_id in unique_ids if group_id not in found]
    if missing:
        raise NotFound(say("cloud.no_group", groups=", ".join(missing), region=reads.region_id))
    path = "\n".join([walk.hops, *(f"⚠ {note}" for note in walk.notes)])
    return Resolution(
        gateway=gateway,
        gateway_group=found[gateway.security_group_id],
        groups=tuple(found[group_id] for group_id in unique_ids),
        path=path,
        notes=walk.notes,
        hops=walk.hops,
    )


def needs_gateway(target: Target) -> bool:
    """Whether walking ``target`` needs the gateway (a service is found through it)."""
    return isinstance(target, ServiceTarget)


async def walk_target(cloud: CloudReads, gateway: Gateway | None, target: Target) -> Walk:
    """What ``target`` holds; ``gateway`` may be None unless ``needs_gateway(target)``."""
    match target:
        case SecurityGroupTarget(security_group_id=group_id):
            return Walk([group_id], say("target.security_group", group=group_id))
        case SecurityGroupsTarget(security_group_ids=several):
            return Walk(list(several), say("target.security_groups", groups=", ".join(several)))
        case InstanceTarget(instance_id=instance_id):
            found = await cloud.find_instances(instance_ids=[instance_id])
            if not found:
                raise NotFound(
                    say("cloud.no_instance", instance=instance_id, region=cloud.region_id)
                )
            group_ids, text = _instances_path(found)
            return Walk(group_ids, text)
        case ClusterTarget(cluster_id=cluster_ref):
            if isinstance(cloud, Reads) and CLUSTER_ID_RE.fullmatch(cluster_ref):
                cloud.guess_nodes(cluster_ref)
            return await cluster_walk(cloud, await _find_cluster(cloud, cluster_ref))
        case NodePoolTarget(nodepool_id=pool_ref, cluster_id=cluster_ref):
            # A cluster id needs no DescribeClusterDetail: the pools and nodes are enough.
            cluster_id = (
                cluster_ref
                if CLUSTER_ID_RE.fullmatch(cluster_ref)
                else (await _find_cluster(cloud, cluster_ref)).cluster_id
            )
            if isinstance(cloud, Reads):
                cloud.guess_nodes(cluster_id, pool_ref)
            pools = await cloud.list_node_pools(cluster_id)
            chosen = [p for p in pools if pool_ref in (p.nodepool_id, p.name)]
            if not chosen:
                names = ", ".join(p.nodepool_id for p in pools) or say("path.none")
                raise NotFound(
                    say("cloud.no_pool", cluster=cluster_id, pool=repr(pool_ref), names=names)
                )
            why = say("path.why_pool")
            return await node_walk(cloud, cluster_id, why=why, pool=chosen[0])
        case ServiceTarget() if gateway is not None:
            return await _service_walk(cloud, gateway, target)
    raise InvalidInput(f"cannot resolve a target of kind {target.kind!r}")


async def _service_walk(cloud: CloudReads, gateway: Gateway, target: ServiceTarget) -> Walk:
    service = await _find_service(cloud, gateway, target)
    label = service.qualified_name
    if service.source_type.casefold() == K8S_SOURCE:
        sources = {s.source_id: s for s in await cloud.list_service_sources(gateway.unique_id)}
        source = sources.get(service.source_id) if service.source_id is not None else None
        if source is None or not source.address:
            raise InvalidInput(say("cloud.source_gone", service=label))
        if isinstance(cloud, Reads):
            cloud.guess_nodes(source.address)
        cluster = await cloud.get_cluster(source.address)
        return await service_walk(cloud, cluster, label, service.ips)
    ips = addresses(service.ips, service.meta_info)
    if not ips:
        raise InvalidInput(say("cloud.service_no_ips", service=label, source=service.source_type))
    # Only the gateway's VPC: a private IP reused in another VPC must not match.
    trace = await trace_ips(cloud, gateway.vpc_id, ips)
    if trace.unmatched:
        raise InvalidInput(
            say(
                "cloud.ips_unmatched",
                service=label,
                ips=", ".join(trace.unmatched),
                vpc=gateway.vpc_id,
            )
        )
    return Walk(trace.group_ids, f"{label} ({service.source_type}) → {trace.text}")


async def _find_service(
    cloud: CloudReads, gateway: Gateway, target: ServiceTarget
) -> GatewayService:
    listed = await cloud.list_gateway_services(gateway.unique_id, target.name, target.namespace)
    exact = [s for s in listed if s.name == target.name and target.namespace in (None, s.namespace)]
    if not exact:
        fields = {"gateway": gateway.name, "service": repr(target.name)}
        if target.namespace:
            raise NotFound(say("cloud.no_service_in", namespace=target.namespace, **fields))
        raise NotFound(say("cloud.no_service", **fields))
    if len(exact) > 1:
        choices = ", ".join(sorted(f"`{s.qualified_name}`" for s in exact))
        raise InvalidInput(
            say(
                "cloud.several_namespaces",
                service=repr(target.name),
                gateway=gateway.name,
                choices=choices,
            )
        )
    return exact[0]


async def _find_cluster(cloud: CloudReads, cluster_ref: str) -> Cluster:
    """A cluster by id (DescribeClusterDetail) or by exact name (DescribeClustersV1)."""
    if CLUSTER_ID_RE.fullmatch(cluster_ref):
        return await cloud.get_cluster(cluster_ref)
    hits = [c for c in await cloud.find_clusters_by_name(cluster_ref) if c.name == cluster_ref]
    if len(hits) != 1:
        choices = ", ".join(sorted(c.cluster_id for c in hits))
        raise (
            InvalidInput(f"several ACK clusters are named {cluster_ref!r}; use an id: {choices}")
            if hits
            else NotFound(f"there is no ACK cluster named {cluster_ref!r} in {cloud.region_id}")
        )
    return hits[0]


def _instances_path(instances: Iterable[Instance]) -> tuple[list[str], str]:
    ordered = sorted(instances, key=lambda i: i.instance_id)
    group_ids = [g for i in ordered for g in i.security_group_ids]
    text = ", ".join(with_groups(i.instance_id, i.security_group_ids) for i in ordered)
    return group_ids, f"ECS {text}"


__all__ = [
    "ASK_EXPLICIT_TARGET",
    "Resolution",
    "find_gateway",
    "finish",
    "gateway_id",
    "named_gateway",
    "needs_gateway",
    "resolve_target",
    "short",
    "walk_target",
]
