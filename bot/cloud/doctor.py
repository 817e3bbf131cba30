"""The connectivity doctor's reads: from a ``check`` to the ``Facts`` it judges, over the port.

It walks the same hops as resolution (``bot.cloud.resolve``: service → endpoint IPs →
instance or ENI → groups; overlay pods → every node that can run them) but keeps each endpoint
apart, because the answer is per endpoint. It reads only: GetGateway, ListGatewayService,
ListServiceSource, the cluster's pools and nodes, DescribeInstances/NetworkInterfaces,
DescribeSecurityGroups, each group's inbound rules and the gateway's MSE authorizations.
Nothing is written. ``check`` returns the ``Diagnosis``; errors are the resolver's, which say
what to type instead.
"""

from __future__ import annotations

import asyncio

from bot.catalogue import say
from bot.cloud.doctor_model import Diagnosis, Endpoint, Facts
from bot.cloud.doctor_report import diagnose
from bot.cloud.port import CloudPort, Cluster, Gateway, GatewayService
from bot.cloud.preflight import backend_ingress
from bot.cloud.regions import RegionalClouds, locate_gateway
from bot.cloud.resolve import (
    CLUSTER_ID_RE,
    K8S_SOURCE,
    _find_cluster,
    _find_service,
    describe_beside_gateway,
    find_gateway,
)
from bot.cloud.resolve_ips import addresses, trace_ips
from bot.grammar import render_target
from vocabulary.commands import (
    Check,
    ClusterTarget,
    InstanceTarget,
    NodePoolTarget,
    PortRange,
    SecurityGroupsTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)
from vocabulary.errors import InvalidInput, NotFound


async def check(cloud: CloudPort, command: Check) -> Diagnosis:
    """Read what decides whether the gateway reaches the target, then judge it."""
    gateway = await find_gateway(cloud, command.gateway)
    return diagnose(await gather_facts(cloud, gateway, command))


async def check_regions(clouds: RegionalClouds, command: Check) -> Diagnosis:
    """``check`` in whichever served region holds the gateway (or the one the command names);
    every read then goes to that region's endpoints."""
    cloud, gateway = await locate_gateway(clouds, command.gateway, command.region)
    return diagnose(await gather_facts(cloud, gateway, command))


async def gather_facts(cloud: CloudPort, gateway: Gateway, command: Check) -> Facts:
    (endpoints, ports, notes), rules = await asyncio.gather(
        _endpoints(cloud, gateway, command.target, command.ports),
        cloud.list_rules(gateway.unique_id),
    )
    if not ports:
        shown = render_target(command.target)
        raise InvalidInput(say("doctor.read.no_ports", target=shown, gateway=command.gateway))
    ids = [g for e in endpoints for g in (*e.group_ids, *(e.template_ids or ()))]
    groups = await describe_beside_gateway(cloud, gateway, ids)
    unknown = [g for g in ids if g not in groups]
    if unknown:
        hidden = ", ".join(unknown)
        notes = (*notes, say("doctor.read.groups_hidden", groups=hidden))
    backend = [g for g_id, g in groups.items() if g_id != gateway.security_group_id]
    return Facts(
        gateway=gateway,
        gateway_group=groups[gateway.security_group_id],
        target=render_target(command.target),
        endpoints=endpoints,
        ports=ports,
        groups=groups,
        ingress=await backend_ingress(cloud, backend),
        rules=tuple(rules),
        ports_from_service=not command.ports,
        notes=notes,
        region_id=cloud.region_id,
    )


Found = tuple[tuple[Endpoint, ...], tuple[PortRange, ...], tuple[str, ...]]


async def _endpoints(
    cloud: CloudPort, gateway: Gateway, target: Target, ports: tuple[PortRange, ...]
) -> Found:
    match target:
        case SecurityGroupTarget(security_group_id=group_id):
            return (_group(group_id),), ports, ()
        case SecurityGroupsTarget(security_group_ids=several):
            return tuple(_group(g) for g in several), ports, ()
        case InstanceTarget(instance_id=instance_id):
            found = await cloud.find_instances(instance_ids=[instance_id])
            if not found:
                raise NotFound(
                    say("doctor.read.no_instance", instance_id=instance_id, region=cloud.region_id)
                )
            ip = next(iter(found[0].private_ips), None)
            via = say("doctor.via.ecs", instance_id=instance_id)
            return (Endpoint(ip, via, found[0].security_group_ids),), ports, ()
        case ClusterTarget(cluster_id=ref):
            return await _cluster_nodes(cloud, await _find_cluster(cloud, ref), None), ports, ()
        case NodePoolTarget(nodepool_id=pool_ref, cluster_id=ref):
            named = CLUSTER_ID_RE.fullmatch(ref) is None
            cluster_id = (await _find_cluster(cloud, ref)).cluster_id if named else ref
            return await _cluster_nodes(cloud, cluster_id, pool_ref), ports, ()
        case ServiceTarget():
            service = await _find_service(cloud, gateway, target)
            own = tuple(PortRange(start=p, end=p) for p in service.ports)
            endpoints, notes = await _service(cloud, gateway, service)
            return endpoints, ports or own, notes
    raise InvalidInput(say("doctor.read.kind", kind=repr(target.kind)))


def _group(group_id: str) -> Endpoint:
    return Endpoint(None, say("doctor.via.group", group=group_id), (group_id,))


async def _service(
    cloud: CloudPort, gateway: Gateway, service: GatewayService
) -> tuple[tuple[Endpoint, ...], tuple[str, ...]]:
    label = service.qualified_name
    if service.source_type.casefold() != K8S_SOURCE:
        ips = addresses(service.ips, service.meta_info)
        if not ips and service.meta_info:
            raise InvalidInput(say("doctor.read.host_name", service=label))
        return await _traced(cloud, gateway.vpc_id, ips, instances_first=True), ()
    sources = {s.source_id: s for s in await cloud.list_service_sources(gateway.unique_id)}
    source = sources.get(service.source_id) if service.source_id is not None else None
    if source is None or not source.address:
        raise InvalidInput(say("cloud.source_gone", service=label))
    cluster = await cloud.get_cluster(source.address)
    ips = list(service.ips)
    if not ips:
        return (), ()
    if cluster.is_serverless:
        group = (cluster.security_group_id,) if cluster.security_group_id else ()
        via = say("doctor.via.serverless_pod", cluster=cluster.name)
        return tuple(Endpoint(ip, via, group) for ip in ips), ()
    overlay = [ip for ip in ips if cluster.on_overlay(ip)]
    on_vpc = [ip for ip in ips if ip not in overlay]
    traced = await _traced(cloud, cluster.vpc_id, on_vpc, instances_first=False)
    found = tuple(e for e in traced if e.group_ids)
    gone = [e.ip for e in traced if not e.group_ids and e.ip]
    notes: tuple[str, ...] = ()
    if gone and found:
        notes = (say("doctor.read.pods_gone", pods=", ".join(gone)),)
    elif gone:
        overlay += gone
    if not overlay:
        return found, notes
    # Overlay pods reach the VPC through the node that runs them: every node is an endpoint.
    nodes = await _cluster_nodes(cloud, cluster, None)
    note = say("doctor.read.overlay", pods=", ".join(overlay))
    return found + nodes, (*notes, note)


async def _traced(
    cloud: CloudPort, vpc_id: str, ips: list[str], *, instances_first: bool
) -> tuple[Endpoint, ...]:
    if not ips:
        return ()
    trace = await trace_ips(cloud, vpc_id, ips, instances_first=instances_first)
    held = {hop.ip: Endpoint(hop.ip, hop.via, hop.group_ids) for hop in trace.hops}
    return tuple(held.get(ip) or Endpoint(ip, say("doctor.via.untraced"), ()) for ip in ips)


async def _cluster_nodes(
    cloud: CloudPort, cluster: Cluster | str, pool_ref: str | None
) -> tuple[Endpoint, ...]:
    if isinstance(cluster, Cluster) and cluster.is_serverless:
        group = (cluster.security_group_id,) if cluster.security_group_id else ()
        return (Endpoint(None, say("doctor.via.serverless_cluster", cluster=cluster.name), group),)
    cluster_id = cluster if isinstance(cluster, str) else cluster.cluster_id
    pools = await cloud.list_node_pools(cluster_id)
    pool_id = None
    if pool_ref is not None:
        chosen = [p for p in pools if pool_ref in (p.nodepool_id, p.name)]
        if not chosen:
            names = ", ".join(p.nodepool_id for p in pools) or say("doctor.read.no_pools")
            raise NotFound(
                say("cloud.no_pool", cluster=cluster_id, pool=repr(pool_ref), names=names)
            )
        pools, pool_id = chosen, chosen[0].nodepool_id
    nodes = await cloud.list_cluster_nodes(cluster_id, pool_id)
    found = await cloud.find_instances(instance_ids=[n.instance_id for n in nodes]) if nodes else []
    instances = {i.instance_id: i for i in found}
    templates = {p.nodepool_id: p.security_group_ids for p in pools}
    endpoints = []
    for node in nodes:
        instance = instances.get(node.instance_id)
        groups = instance.security_group_ids if instance is not None else ()
        pool = node.nodepool_id if node.nodepool_id in templates else None
        endpoints.append(
            Endpoint(
                next(iter(node.ips), None),
                say("doctor.via.node_in_pool", instance_id=node.instance_id, pool=pool)
                if pool
                else say("doctor.via.node_no_pool", instance_id=node.instance_id),
                groups,
                pool_id=pool,
                template_ids=templates.get(pool) if pool else None,
                is_node=True,
                joined_at=node.created_at,
            )
        )
    return tuple(endpoints)
