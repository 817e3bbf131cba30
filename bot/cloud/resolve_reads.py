"""One resolution's reads: each asked once, started as soon as what it needs is known.

``Reads`` stands in front of a ``CloudReads`` for the length of one resolution. Each read is a
task keyed by the call and its arguments, so a read ``start``-ed early (the gateway's rules as
soon as its id is known) is the one a later ``await`` finds, already under way, and two walks
asking the same thing share one call. With a ``ResolveCache`` it answers a gateway's service
sources and a cluster's detail from the cache when it can, and stores what it reads; ``used``
says which entries an answer came from, so a failed resolution can drop them. ``close``
cancels what nobody awaited and collects every task's outcome, so a read started on a guess
that turned out unneeded leaves no stray task or unread error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Sequence
from typing import Any, TypeVar, cast

from bot.cloud.port import (
    CloudReads,
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
    RuleListing,
    SecurityGroup,
    ServiceSource,
)
from bot.cloud.resolve_cache import CacheKey, Kind, ResolveCache

T = TypeVar("T")
ReadKey = tuple[str, tuple[Any, ...], tuple[tuple[str, Any], ...]]
"""A read: the method, its positional arguments, its keyword arguments (sorted)."""
CACHEABLE = frozenset({"list_service_sources", "get_cluster"})
"""Reads a ``ResolveCache`` may answer (``_<name>`` below); a gateway name is the caller's."""


class Reads:
    """A ``CloudReads`` whose reads are shared tasks; optionally answered from a cache."""

    def __init__(
        self,
        cloud: CloudReads,
        cache: ResolveCache | None = None,
        *,
        use_cached: bool = True,
        eager: bool = False,
    ) -> None:
        self._cloud = cloud
        self._eager = eager
        self._cache = cache if cache is not None and cache.enabled else None
        self._use_cached = use_cached
        self._tasks: dict[ReadKey, asyncio.Task[Any]] = {}
        self._spawned: list[asyncio.Task[Any]] = []
        self.used: set[CacheKey] = set()
        # What the caller learns as it goes (``know_gateway``): the gateway's own group (from
        # the cache at first, then from GetGateway) and whether pre-flight reads inbound rules.
        self._gateway_group: str | None = None
        self._wants_ingress = False
        self._guessed: list[str] = []

    @property
    def region_id(self) -> str:
        return self._cloud.region_id

    # -- starting reads and tasks ----------------------------------------------------

    def start(self, name: str, *args: Hashable, **kwargs: Hashable) -> asyncio.Task[Any]:
        """The read ``cloud.<name>(*args, **kwargs)``, started now unless it already was."""
        key: ReadKey = (name, args, tuple(sorted(kwargs.items())))
        task = self._tasks.get(key)
        if task is None:
            owner: object = self if name in CACHEABLE else self._cloud
            call: Callable[..., Coroutine[Any, Any, Any]] = getattr(
                owner, f"_{name}" if name in CACHEABLE else name
            )
            task = asyncio.ensure_future(call(*args, **kwargs))
            self._tasks[key] = task
        return task

    def spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run ``work`` alongside; ``close`` cancels it if nobody awaited it."""
        task = asyncio.ensure_future(work)
        self._spawned.append(task)
        return task

    async def close(self) -> None:
        tasks = [*self._tasks.values(), *self._spawned]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def guess_nodes(self, cluster_id: str, nodepool_id: str | None = None) -> None:
        """When ``eager``, start reading the cluster's node pools and nodes (or one pool's
        nodes) before its detail says whether they are needed: most clusters behind a gateway
        run overlay pods, and these reads then end a round sooner. A guess that turns out
        unneeded (ENI pods, Serverless, a pool named by name) costs its calls, not a round.
        A whole cluster's are not guessed once its detail is cached: that answers at once."""
        if not self._eager:
            return
        if nodepool_id is not None:
            self.start("list_cluster_nodes", cluster_id, nodepool_id)
        elif not (
            self._cache and self._use_cached and self._cache.cluster(self.region_id, cluster_id)
        ):
            self.start("list_node_pools", cluster_id)
            self.start("list_cluster_nodes", cluster_id, None)

    def know_gateway(self, group_id: str, *, wants_ingress: bool) -> None:
        """The gateway's own group, and whether inbound rules will be read; starts the group
        reads guessed before the group was known."""
        self._gateway_group, self._wants_ingress = group_id, wants_ingress
        if self._guessed:
            self.guess_groups(self._guessed)

    def guess_groups(self, group_ids: Sequence[str]) -> None:
        """When ``eager``, start the DescribeSecurityGroups (and inbound-rule reads) for groups
        a walk has found so far, e.g. node pools' templates while the nodes' own groups are
        still being read, as soon as the gateway's group is known too; the final ask is
        answered from it when it covers every group asked for."""
        if not self._eager:
            return
        ids = list(dict.fromkeys(group_ids))
        if self._gateway_group is None:
            self._guessed = ids
            return
        self.start("describe_security_groups", tuple(dict.fromkeys([*ids, self._gateway_group])))
        if self._wants_ingress:
            for group_id in ids:
                self.start("describe_ingress_rules", group_id)

    async def _read(self, name: str, *args: Hashable, **kwargs: Hashable) -> Any:
        # Shielded: a caller that is cancelled must not cancel a read another caller shares.
        return await asyncio.shield(self.start(name, *args, **kwargs))

    # -- the cache ---------------------------------------------------------------------

    def cached_gateway(self, name: str) -> Gateway | None:
        """The gateway ``name`` meant lately, if the cache knows it."""
        if self._cache is None or not self._use_cached:
            return None
        found = self._cache.gateway(self.region_id, name)
        if found is not None:
            self.used.add(CacheKey(self.region_id, Kind.GATEWAY, name))
        return found

    def remember_gateway(self, name: str, gateway: Gateway) -> None:
        if self._cache is not None:
            self._cache.put(CacheKey(self.region_id, Kind.GATEWAY, name), gateway)

    async def _cached(
        self, kind: Kind, ref: str, cached: T | None, fetch: Callable[[], Awaitable[T]]
    ) -> T:
        key = CacheKey(self.region_id, kind, ref)
        if cached is not None and self._use_cached:
            self.used.add(key)
            return cached
        fresh = await fetch()
        if self._cache is not None:
            self._cache.put(key, cast(Any, fresh))
        return fresh

    async def _list_service_sources(self, gateway_id: str) -> list[ServiceSource]:
        cached = self._cache.sources(self.region_id, gateway_id) if self._cache else None
        return await self._cached(
            Kind.SOURCES,
            gateway_id,
            cached,
            lambda: self._cloud.list_service_sources(gateway_id),
        )

    async def _get_cluster(self, cluster_id: str) -> Cluster:
        cached = self._cache.cluster(self.region_id, cluster_id) if self._cache else None
        return await self._cached(
            Kind.CLUSTER, cluster_id, cached, lambda: self._cloud.get_cluster(cluster_id)
        )

    # -- CloudReads --------------------------------------------------------------------

    async def get_gateway(self, unique_id: str) -> Gateway:
        return cast(Gateway, await self._read("get_gateway", unique_id))

    async def find_gateways_by_name(self, name: str) -> list[GatewaySummary]:
        return cast(list[GatewaySummary], await self._read("find_gateways_by_name", name))

    async def list_gateway_services(
        self, gateway_id: str, name: str, namespace: str | None
    ) -> list[GatewayService]:
        found = await self._read("list_gateway_services", gateway_id, name, namespace)
        return cast(list[GatewayService], found)

    async def list_service_sources(self, gateway_id: str) -> list[ServiceSource]:
        return cast(list[ServiceSource], await self._read("list_service_sources", gateway_id))

    async def get_cluster(self, cluster_id: str) -> Cluster:
        return cast(Cluster, await self._read("get_cluster", cluster_id))

    async def find_clusters_by_name(self, name: str) -> list[Cluster]:
        return cast(list[Cluster], await self._read("find_clusters_by_name", name))

    async def list_node_pools(self, cluster_id: str) -> list[NodePool]:
        return cast(list[NodePool], await self._read("list_node_pools", cluster_id))

    async def list_cluster_nodes(
        self, cluster_id: str, nodepool_id: str | None = None
    ) -> list[ClusterNode]:
        found = await self._read("list_cluster_nodes", cluster_id, nodepool_id)
        return cast(list[ClusterNode], found)

    async def find_instances(
        self,
        *,
        instance_ids: Sequence[str] = (),
        private_ips: Sequence[str] = (),
        vpc_id: str | None = None,
    ) -> list[Instance]:
        found = await self._read(
            "find_instances",
            instance_ids=tuple(instance_ids),
            private_ips=tuple(private_ips),
            vpc_id=vpc_id,
        )
        return cast(list[Instance], found)

    async def find_network_interfaces(
        self, vpc_id: str, *, secondary_ips: Sequence[str] = (), primary_ip: str | None = None
    ) -> list[NetworkInterface]:
        found = await self._read(
            "find_network_interfaces",
            vpc_id,
            secondary_ips=tuple(secondary_ips),
            primary_ip=primary_ip,
        )
        return cast(list[NetworkInterface], found)

    async def describe_security_groups(self, group_ids: Sequence[str]) -> list[SecurityGroup]:
        wanted = tuple(dict.fromkeys(group_ids))
        # A group ECS leaves out of an answer that asked for it does not exist (or is hidden)
        # whichever other ids were asked alongside.
        covering = next(
            (
                task
                for (name, args, _), task in self._tasks.items()
                if name == "describe_security_groups" and set(wanted) <= set(args[0])
            ),
            None,
        )
        if covering is None:
            covering = self.start("describe_security_groups", wanted)
        found = cast(list[SecurityGroup], await asyncio.shield(covering))
        return [g for g in found if g.security_group_id in wanted]

    async def list_rules(self, gateway_id: str) -> list[GatewayRule]:
        return cast(list[GatewayRule], await self._read("list_rules", gateway_id))

    async def list_all_rules(self, gateway_id: str) -> RuleListing:
        return cast(RuleListing, await self._read("list_all_rules", gateway_id))

    async def describe_ingress_rules(self, group_id: str) -> list[IngressRule]:
        return cast(list[IngressRule], await self._read("describe_ingress_rules", group_id))


def reads_of(cloud: CloudReads) -> tuple[Reads, bool]:
    """``cloud`` as ``Reads`` and whether the caller made it (and so must close it)."""
    if isinstance(cloud, Reads):
        return cloud, False
    return Reads(cloud), True
