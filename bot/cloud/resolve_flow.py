"""A change's whole read: gateway, backend groups, the gateway's rules, the groups' inbound rules,
each call started as soon as what it needs is known.

``resolve_named`` gives what ``find_gateway``, ``resolve_target``, ``list_rules`` and
``preflight.backend_ingress`` give one after another, in as few rounds as the calls' own
dependencies allow:

* a target that does not need the gateway (``instance``, ``sg-``, ``cluster``, ``nodepool``)
  is walked from the start, alongside the gateway's lookup;
* once the gateway's id is known, ``GetGateway``, ``ListSecurityGroupRule`` and, for a service,
  ``ListGatewayService`` and ``ListServiceSource`` start together;
* a cluster's node pools and nodes are read alongside its detail (``Reads.guess_nodes``), and
  a node pool's nodes alongside the cluster's pools;
* the groups' inbound rules (``DescribeSecurityGroupAttribute``) are read alongside the final
  ``DescribeSecurityGroups`` rather than after it.

Errors keep their order: the gateway's own (not found, ambiguous) come before the target's.
With a ``ResolveCache`` a gateway name, a gateway's service sources and a cluster's detail may
come from the cache; the gateway itself is still read (``GetGateway``) and must still carry the
name asked for. A resolution that used the cache and fails on a not-found, an invalid input or a
mismatch drops what it used and runs once more from the cloud alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from bot.cloud.port import CloudReads, GatewayRule, IngressRule, SecurityGroup
from bot.cloud.resolve import (
    Resolution,
    finish,
    gateway_id,
    named_gateway,
    needs_gateway,
    walk_target,
)
from bot.cloud.resolve_cache import ResolveCache
from bot.cloud.resolve_k8s import Walk
from bot.cloud.resolve_reads import Reads
from vocabulary.commands import GatewayRef, ServiceTarget, Target
from vocabulary.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Found:
    """What a change is planned from; ``ingress`` only when asked for (authorizations)."""

    resolution: Resolution
    rules: list[GatewayRule]
    ingress: dict[str, list[IngressRule]]


Plannable = Callable[[Resolution, SecurityGroup], bool]
"""Whether pre-flight may plan with a group: only those have their inbound rules read."""


class StaleEntry(Exception):
    """A cached entry disagrees with what the cloud just said."""


async def resolve_named(
    cloud: CloudReads,
    ref: GatewayRef,
    target: Target,
    *,
    cache: ResolveCache | None = None,
    plannable: Plannable | None = None,
) -> Found:
    """The gateway ``ref`` names, what ``target`` holds behind it, the gateway's TCP rules and,
    given ``plannable``, the inbound rules of each group it accepts (pre-flight's test)."""
    reads = Reads(cloud, cache, eager=True)
    try:
        return await _resolve(reads, ref, target, plannable=plannable)
    except (NotFound, InvalidInput, StaleEntry):
        if cache is None or not reads.used:
            raise
        cache.drop(reads.used)
    finally:
        await reads.close()
    fresh = Reads(cloud, cache, use_cached=False, eager=True)
    try:
        return await _resolve(fresh, ref, target, plannable=plannable)
    finally:
        await fresh.close()


async def _resolve(
    reads: Reads, ref: GatewayRef, target: Target, *, plannable: Plannable | None
) -> Found:
    cached = None if ref.is_unique_id else reads.cached_gateway(ref.value)
    if cached is not None:
        reads.know_gateway(cached.security_group_id, wants_ingress=plannable is not None)
    early = None if needs_gateway(target) else reads.spawn(_early_walk(reads, target))
    unique_id = cached.unique_id if cached is not None else await gateway_id(reads, ref)
    reads.start("list_rules", unique_id)
    if isinstance(target, ServiceTarget):
        reads.start("list_gateway_services", unique_id, target.name, target.namespace)
        reads.start("list_service_sources", unique_id)
    gateway = await named_gateway(reads, ref, unique_id)
    if cached is not None and gateway.name != ref.value:
        raise StaleEntry(f"gateway {unique_id} is now named {gateway.name!r}")
    reads.know_gateway(
        gateway.security_group_id, wants_ingress=plannable is not None and gateway.running
    )
    if cached is None and not ref.is_unique_id:
        # Stored when ListGateway said so, not renewed by use: a name that became ambiguous
        # is noticed within the TTL.
        reads.remember_gateway(ref.value, gateway)
    walk = await (early or walk_target(reads, gateway, target))
    resolution = await finish(reads, gateway, walk, ingress=plannable is not None)
    rules = await reads.list_rules(unique_id)
    if plannable is None:
        return Found(resolution, rules, {})
    ids = [g.security_group_id for g in resolution.groups if plannable(resolution, g)]
    inbound = await asyncio.gather(*(reads.describe_ingress_rules(i) for i in ids))
    return Found(resolution, rules, dict(zip(ids, inbound, strict=True)))


async def _early_walk(reads: Reads, target: Target) -> Walk:
    """A target walked without the gateway; its groups' reads start as soon as it is done."""
    walk = await walk_target(reads, None, target)
    reads.guess_groups(walk.group_ids)
    return walk
