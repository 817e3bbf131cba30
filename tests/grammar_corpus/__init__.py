"""A corpus of chat phrasings: how people ask for gateway access, in English and Chinese.

Each module lists ``VALID`` phrasings with the command they mean and what sgbot had to infer
to read them (an empty set: it goes straight through), and ``INVALID`` phrasings with the word
the error must name. The phrasings are written the way colleagues type requests in chat, not
derived from the grammar; the builders here only shorten the expected commands.
"""

from __future__ import annotations

from datetime import timedelta

from vocabulary.commands import (
    Authorize,
    ClusterTarget,
    GatewayRef,
    InstanceTarget,
    NodePoolTarget,
    PortRange,
    RevokeTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)

CLUSTER = "c8f2a1b3c4d5e6f708192a3b4c5d6e7f8"
NONE: frozenset[str] = frozenset()
ROLE = frozenset({"role"})
VERB = frozenset({"verb"})
DROPPED = frozenset({"dropped"})
SPLIT = frozenset({"split"})


def ports(*ranges: int | tuple[int, int]) -> tuple[PortRange, ...]:
    pairs = [(item, item) if isinstance(item, int) else item for item in ranges]
    return tuple(PortRange(start=start, end=end) for start, end in pairs)


def svc(name: str = "orders", namespace: str | None = None) -> ServiceTarget:
    return ServiceTarget(name=name, namespace=namespace)


def sg(group: str = "sg-legacyapp01") -> SecurityGroupTarget:
    return SecurityGroupTarget(security_group_id=group)


def instance(instance_id: str = "i-legacy001") -> InstanceTarget:
    return InstanceTarget(instance_id=instance_id)


def cluster(cluster_id: str = CLUSTER) -> ClusterTarget:
    return ClusterTarget(cluster_id=cluster_id)


def nodepool(nodepool_id: str = "np-web", cluster_id: str = CLUSTER) -> NodePoolTarget:
    return NodePoolTarget(nodepool_id=nodepool_id, cluster_id=cluster_id)


def grant(
    target: Target | None = None,
    port_ranges: tuple[PortRange, ...] = ports(8080),
    *,
    gateway: str = "prod-gw",
    hours: float | None = None,
    reason: str | None = None,
) -> Authorize:
    return Authorize(
        gateway=GatewayRef(value=gateway),
        target=target or svc(),
        ports=port_ranges,
        duration=timedelta(hours=hours) if hours is not None else None,
        reason=reason,
    )


def take_away(
    target: Target | None = None,
    port_ranges: tuple[PortRange, ...] = ports(8080),
    *,
    gateway: str = "prod-gw",
) -> RevokeTarget:
    return RevokeTarget(
        gateway=GatewayRef(value=gateway), target=target or svc(), ports=port_ranges
    )
