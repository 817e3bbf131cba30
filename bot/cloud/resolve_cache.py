"""Metadata resolution may remember between requests: what a gateway name means, a gateway's
service sources, a cluster's detail. Kept in the process, for ``ttl`` seconds at most.

What is kept changes rarely (a gateway's id, VPC and group; which cluster a source points at;
a cluster's VPC, pod CIDR and profile) and is never what a write is decided by: a resolution
still reads the gateway (``GetGateway``: name, status), its rules, the backend groups and their
inbound rules fresh, and the apply path re-reads what it writes against and never sees this
cache. A resolution that used an entry and then fails on a not-found, an invalid input or a
mismatch drops the entries it used and runs once more from the cloud alone
(``bot.cloud.resolve_flow``), so a stale entry can cost one extra round but never an answer.

Why in the process and not in Redis: each worker validates what it took from the cache against
fresh reads in the same resolution, so replicas need not agree on it; the entries are cloud
records with no stored schema to version; and a dictionary lookup costs nothing next to the
Redis round trip a shared cache would add to every request. A worker that starts cold pays one
cold resolution per gateway and cluster.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.cloud.port import Cluster, Gateway, ServiceSource

DEFAULT_TTL_SECONDS = 300.0
"""Five minutes: long enough for a burst of requests, short enough for console changes."""
MAX_ENTRIES = 1024
"""A bound on memory; the oldest entry goes first once it is reached."""


class Kind(StrEnum):
    GATEWAY = "gateway"  # a gateway name → the gateway it named
    SOURCES = "sources"  # a gateway id → its service sources
    CLUSTER = "cluster"  # a cluster id → DescribeClusterDetail's answer


@dataclass(frozen=True)
class CacheKey:
    region: str
    kind: Kind
    ref: str


@dataclass
class ResolveCache:
    """Entries by (region, kind, ref), each good for ``ttl`` seconds from when it was stored.

    ``ttl`` 0 turns the cache off. ``now`` is a monotonic clock in seconds (tests pass one).
    """

    ttl: float = DEFAULT_TTL_SECONDS
    now: Callable[[], float] = time.monotonic
    max_entries: int = MAX_ENTRIES
    _entries: dict[CacheKey, tuple[float, object]] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def gateway(self, region: str, name: str) -> Gateway | None:
        found = self._get(CacheKey(region, Kind.GATEWAY, name))
        return found if isinstance(found, Gateway) else None

    def sources(self, region: str, gateway_id: str) -> list[ServiceSource] | None:
        found = self._get(CacheKey(region, Kind.SOURCES, gateway_id))
        return list(found) if isinstance(found, tuple) else None

    def cluster(self, region: str, cluster_id: str) -> Cluster | None:
        found = self._get(CacheKey(region, Kind.CLUSTER, cluster_id))
        return found if isinstance(found, Cluster) else None

    def put(self, key: CacheKey, value: Gateway | Cluster | Iterable[ServiceSource]) -> None:
        if not self.enabled:
            return
        stored = value if isinstance(value, Gateway | Cluster) else tuple(value)
        self._entries.pop(key, None)
        self._entries[key] = (self.now() + self.ttl, stored)
        while len(self._entries) > self.max_entries:
            del self._entries[next(iter(self._entries))]

    def drop(self, keys: Iterable[CacheKey]) -> None:
        for key in keys:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)

    def _get(self, key: CacheKey) -> object | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self.now() >= expires:
            del self._entries[key]
            return None
        return value
