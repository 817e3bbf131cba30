"""From IP addresses to the ECS instances and ENIs that hold them, and so to their groups.

``trace_ips`` asks as narrowly as the API allows, each step only for the IPs still unexplained:
instances in the gateway's VPC whose primary ENI holds the IP (DescribeInstances with
``InstanceNetworkType=vpc``, or ECS ignores the IP filter), then ENIs holding it as a secondary
IP (DescribeNetworkInterfaces ``PrivateIpAddress.N``, which matches secondary IPs only), then
ENIs whose primary IP it is (``PrimaryIpAddress``, one IP per call, concurrently) — ECI pods,
Terway exclusive ENIs, secondary ENIs. An IP on a secondary ENI is authorized through that
ENI's groups, never through the instance's. What no step explains is returned as unmatched.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.catalogue import say
from bot.cloud.port import CloudReads, Instance, NetworkInterface


@dataclass(frozen=True)
class IpHop:
    """One IP and what holds it: ``via`` reads like ``ECS i-…`` or ``ENI eni-… of i-…``."""

    ip: str
    via: str
    group_ids: tuple[str, ...]


@dataclass(frozen=True)
class IpTrace:
    hops: tuple[IpHop, ...]
    unmatched: tuple[str, ...]

    @property
    def group_ids(self) -> list[str]:
        return list(dict.fromkeys(g for hop in self.hops for g in hop.group_ids))

    @property
    def text(self) -> str:
        """``10.0.1.10, 10.0.1.12 → ECS i-… (sg-…); 10.0.6.11 → ENI eni-… of i-… (sg-…)``."""
        by_target: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for hop in self.hops:
            by_target.setdefault((hop.via, hop.group_ids), []).append(hop.ip)
        return "; ".join(
            f"{_few(ips)} → {via} ({', '.join(groups)})" for (via, groups), ips in by_target.items()
        )


def _few(ips: Sequence[str], limit: int = 5) -> str:
    """A card has room for a few IPs per hop, not for every pod of a large service."""
    shown = ", ".join(ips[:limit])
    return say("path.and_more", shown=shown, count=len(ips) - limit) if len(ips) > limit else shown


def addresses(ips: Sequence[str], meta_info: str | None) -> list[str]:
    """A service's IPv4 addresses: ``Ips`` and those in ``MetaInfo`` (``["10.0.1.10:80"]``).

    Host names (DNS services) are left out: they cannot be traced without resolving them.
    """
    found = list(ips)
    try:
        entries = json.loads(meta_info) if meta_info else []
    except json.JSONDecodeError:
        entries = []
    for entry in entries if isinstance(entries, list) else []:
        host = str(entry).rsplit(":", 1)[0] if str(entry).count(":") == 1 else str(entry)
        try:
            found.append(str(ipaddress.IPv4Address(host)))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def _instance_hop(ip: str, instance: Instance) -> IpHop:
    return IpHop(ip, f"ECS {instance.instance_id}", instance.security_group_ids)


def _eni_hop(ip: str, eni: NetworkInterface) -> IpHop:
    # Both texts start with "ENI": the pod walk tells ENI hops by that prefix.
    if eni.instance_id:
        via = say("path.eni_of", eni=eni.eni_id, instance=eni.instance_id)
    else:
        via = say("path.eni_alone", eni=eni.eni_id)
    return IpHop(ip, via, eni.security_group_ids)


async def trace_ips(
    cloud: CloudReads, vpc_id: str, ips: Sequence[str], *, instances_first: bool = True
) -> IpTrace:
    """What holds each of ``ips`` in ``vpc_id``; pod IPs skip the instance step
    (``instances_first=False``): a node's own IP is its primary ENI's, found in the last step."""
    found: dict[str, IpHop] = {}
    remaining = list(dict.fromkeys(ips))
    if instances_first and remaining:
        instances = sorted(
            await cloud.find_instances(private_ips=remaining, vpc_id=vpc_id),
            key=lambda i: i.instance_id,
        )
        for ip in remaining:
            holder = next((i for i in instances if i.holds(ip)), None)
            if holder is not None:
                found[ip] = _instance_hop(ip, holder)
        remaining = [ip for ip in remaining if ip not in found]
    if remaining:
        enis = await cloud.find_network_interfaces(vpc_id, secondary_ips=remaining)
        _take(found, remaining, enis)
        remaining = [ip for ip in remaining if ip not in found]
    if remaining:
        by_primary = await asyncio.gather(
            *(cloud.find_network_interfaces(vpc_id, primary_ip=ip) for ip in remaining)
        )
        _take(found, remaining, [eni for batch in by_primary for eni in batch])
        remaining = [ip for ip in remaining if ip not in found]
    ordered = tuple(found[ip] for ip in dict.fromkeys(ips) if ip in found)
    return IpTrace(hops=ordered, unmatched=tuple(remaining))


def _take(found: dict[str, IpHop], ips: Sequence[str], enis: Sequence[NetworkInterface]) -> None:
    ordered = sorted(enis, key=lambda e: e.eni_id)
    for ip in ips:
        holder = next((e for e in ordered if e.holds(ip)), None)
        if holder is not None:
            found[ip] = _eni_hop(ip, holder)
