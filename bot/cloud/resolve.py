"""From what a person typed to the backend security groups a gateway rule must target.

``find_gateway`` turns a ``GatewayRef`` (unique id or exact name) into a ``Gateway``;
``resolve_target`` turns a command target into the de-duplicated groups behind it plus a
readable path for the approval card, e.g. ``orders → ACK cluster prod-ack (c8f2…) → node pool
np-web (sg-ackpoola01)``. It asks the cloud as little as it can: each path makes the calls
listed in the cloud docs, and all group metadata (the gateway's own group included) comes from
one DescribeSecurityGroups call. Errors say what to type instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.cloud.port import CloudPort, Cluster, Gateway, GatewayService, Instance, SecurityGroup
from bot.commands import (
    ClusterTarget,
    GatewayRef,
    InstanceTarget,
    NodePoolTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)
from bot.errors import InvalidInput, NotFound

K8S_SOURCE = "k8s"
CLUSTER_ID_RE = re.compile(r"c[0-9a-f]{32}")
ASK_EXPLICIT_TARGET = "name the backend directly instead: `sg-…` or `instance i-…`"


@dataclass(frozen=True)
class Resolution:
    """The groups behind a target, the gateway's own group, and how we got there."""

    gateway: Gateway
    gateway_group: SecurityGroup
    groups: tuple[SecurityGroup, ...]
    path: str


async def find_gateway(cloud: CloudPort, ref: GatewayRef) -> Gateway:
    """GetGateway by unique id; by name, ListGateway then an exact client-side match first."""
    if ref.is_unique_id:
        try:
            return await cloud.get_gateway(ref.value)
        except NotFound as exc:
            raise NotFound(
                f"there is no gateway {ref.value} in {cloud.region_id}; "
                "check the id in the MSE console, or use the gateway's name",
                request_id=exc.request_id,
                code=exc.code,
            ) from exc
    hits = [g for g in await cloud.find_gateways_by_name(ref.value) if g.name == ref.value]
    if not hits:
        raise NotFound(
            f"there is no gateway named {ref.value!r} in {cloud.region_id}; names are exact "
            "and case-sensitive — the MSE console lists them under Cloud-native Gateways"
        )
    if len(hits) > 1:
        choices = ", ".join(sorted(g.unique_id for g in hits))
        raise InvalidInput(f"several gateways are named {ref.value!r}; use one id: {choices}")
    return await cloud.get_gateway(hits[0].unique_id)


async def resolve_target(cloud: CloudPort, gateway: Gateway, target: Target) -> Resolution:
    """The backend groups for ``target`` behind ``gateway``, with their metadata and path."""
    group_ids, path = await _walk(cloud, gateway, target)
    unique_ids = list(dict.fromkeys(group_ids))
    found = {
        g.security_group_id: g
        for g in await cloud.describe_security_groups([*unique_ids, gateway.security_group_id])
    }
    missing = [group_id for group_id in unique_ids if group_id not in found]
    if missing:
        raise NotFound(
            f"security group {', '.join(missing)} does not exist in {cloud.region_id}; "
            "check the id (security groups are per region)"
        )
    if gateway.security_group_id not in found:
        raise NotFound(
            f"the managed security group {gateway.security_group_id} of gateway "
            f"{gateway.name} is missing in {cloud.region_id}"
        )
    return Resolution(
        gateway=gateway,
        gateway_group=found[gateway.security_group_id],
        groups=tuple(found[group_id] for group_id in unique_ids),
        path=path,
    )


async def _walk(cloud: CloudPort, gateway: Gateway, target: Target) -> tuple[list[str], str]:
    match target:
        case SecurityGroupTarget(security_group_id=group_id):
            return [group_id], f"security group {group_id}"
        case InstanceTarget(instance_id=instance_id):
            found = await cloud.find_instances(instance_ids=[instance_id])
            if not found:
                raise NotFound(f"there is no ECS instance {instance_id} in {cloud.region_id}")
            return _instances_path(found)
        case ClusterTarget(cluster_id=cluster_ref):
            return await _cluster_groups(cloud, await _find_cluster(cloud, cluster_ref))
        case NodePoolTarget(nodepool_id=pool_ref, cluster_id=cluster_ref):
            cluster_id = await _cluster_id(cloud, cluster_ref)
            pools = await cloud.list_node_pools(cluster_id)
            chosen = [p for p in pools if pool_ref in (p.nodepool_id, p.name)]
            if not chosen:
                names = ", ".join(p.nodepool_id for p in pools) or "none"
                raise NotFound(
                    f"cluster {cluster_id} has no node pool {pool_ref!r} (it has: {names})"
                )
            pool = chosen[0]
            pool_text = _with_groups(pool.nodepool_id, pool.security_group_ids)
            return list(
                pool.security_group_ids
            ), f"ACK cluster {_short(cluster_id)} → node pool {pool_text}"
        case ServiceTarget():
            return await _service_groups(cloud, gateway, target)
    raise InvalidInput(f"cannot resolve a target of kind {target.kind!r}")


async def _service_groups(
    cloud: CloudPort, gateway: Gateway, target: ServiceTarget
) -> tuple[list[str], str]:
    service = await _find_service(cloud, gateway, target)
    label = service.qualified_name
    if service.source_type.casefold() == K8S_SOURCE:
        sources = {s.source_id: s for s in await cloud.list_service_sources(gateway.unique_id)}
        source = sources.get(service.source_id) if service.source_id is not None else None
        if source is None or not source.address:
            raise InvalidInput(
                f"service {label} comes from a Kubernetes source the gateway no longer lists; "
                + ASK_EXPLICIT_TARGET
            )
        group_ids, path = await _cluster_groups(cloud, await cloud.get_cluster(source.address))
        return group_ids, f"{label} → {path}"
    if not service.ips:
        raise InvalidInput(
            f"service {label} is a {service.source_type} service without IP addresses, so its "
            f"security group cannot be found; {ASK_EXPLICIT_TARGET}"
        )
    # Restricting to the gateway's VPC stops a private IP reused in another VPC from matching.
    found = await cloud.find_instances(private_ips=service.ips, vpc_id=gateway.vpc_id)
    matched = {ip for instance in found for ip in instance.private_ips}
    unmatched = [ip for ip in service.ips if ip not in matched]
    if unmatched:
        raise InvalidInput(
            f"service {label} sends traffic to {', '.join(unmatched)}, which is no ECS instance "
            f"in the gateway's VPC; {ASK_EXPLICIT_TARGET}"
        )
    group_ids, path = _instances_path(found)
    return group_ids, f"{label} → {service.source_type} {', '.join(service.ips)} → {path}"


async def _find_service(
    cloud: CloudPort, gateway: Gateway, target: ServiceTarget
) -> GatewayService:
    listed = await cloud.list_gateway_services(gateway.unique_id, target.name, target.namespace)
    exact = [s for s in listed if s.name == target.name and target.namespace in (None, s.namespace)]
    where = f" in namespace {target.namespace}" if target.namespace else ""
    if not exact:
        raise NotFound(
            f"gateway {gateway.name} routes no service named {target.name!r}{where}; "
            "the MSE console lists a gateway's services under Routes → Services"
        )
    if len(exact) > 1:
        choices = ", ".join(sorted(f"`{s.qualified_name}`" for s in exact))
        raise InvalidInput(
            f"service {target.name!r} exists in several namespaces on gateway {gateway.name}; "
            f"say which: {choices}"
        )
    return exact[0]


async def _find_cluster(cloud: CloudPort, cluster_ref: str) -> Cluster:
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


async def _cluster_id(cloud: CloudPort, cluster_ref: str) -> str:
    if CLUSTER_ID_RE.fullmatch(cluster_ref):
        return cluster_ref
    return (await _find_cluster(cloud, cluster_ref)).cluster_id


async def _cluster_groups(cloud: CloudPort, cluster: Cluster) -> tuple[list[str], str]:
    title = f"{cluster.name} ({_short(cluster.cluster_id)})"
    if cluster.is_serverless:
        # ASK has no node pools: pods run in ECIs that use the cluster's security group.
        if not cluster.security_group_id:
            raise InvalidInput(f"ACK Serverless cluster {title} reports no security group")
        sg = cluster.security_group_id
        return [sg], f"ACK Serverless cluster {title} → cluster security group {sg}"
    pools = [p for p in await cloud.list_node_pools(cluster.cluster_id) if p.security_group_ids]
    if not pools:
        raise InvalidInput(f"ACK cluster {title} has no node pool with a security group")
    pool_text = ", ".join(_with_groups(p.nodepool_id, p.security_group_ids) for p in pools)
    return (
        [g for p in pools for g in p.security_group_ids],
        f"ACK cluster {title} → node pool {pool_text}",
    )


def _instances_path(instances: Iterable[Instance]) -> tuple[list[str], str]:
    ordered = sorted(instances, key=lambda i: i.instance_id)
    group_ids = [g for i in ordered for g in i.security_group_ids]
    text = ", ".join(_with_groups(i.instance_id, i.security_group_ids) for i in ordered)
    return group_ids, f"ECS {text}"


def _with_groups(name: str, group_ids: Iterable[str]) -> str:
    return f"{name} ({', '.join(group_ids)})"


def _short(cluster_id: str) -> str:
    """Cluster ids are 33 characters; four are enough for a person to recognise one."""
    return f"{cluster_id[:4]}…"
