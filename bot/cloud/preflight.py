"""Pre-flight: what an authorization would do to each backend group, before anyone approves.

``plan`` is pure: given the resolution (gateway group, backend groups), the gateway's current
rules and the backend groups' inbound rules it decides, per (group, port range), to add, to
skip (an existing rule already covers it) or to refuse: the gateway is not running, the group
is in another VPC or of another type than the gateway's group, or a basic group would pass its
20 rules that reference other groups. An enterprise group cannot reference a group at all, so
MSE authorizes the gateway's vSwitch CIDRs (``AuthCidrs``) in it; the add says which. An add
or skip also names the backend group's inbound rule ECS would treat as
identical to MSE's (``backend_rule``): MSE links the authorization to it instead of making one,
so whoever deletes the authorization later must not cascade to a rule sgbot did not make.
``plan_authorization`` fetches everything once, each read as soon as it can start, and calls it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.catalogue import say, say_in
from bot.cloud.port import CloudReads, GatewayRule, IngressRule, SecurityGroup
from bot.cloud.resolve import Resolution
from bot.cloud.resolve_cache import ResolveCache
from bot.cloud.resolve_flow import resolve_named
from bot.cloud.rules import find_identical_ingress
from vocabulary.commands import GatewayRef, PortRange, Target
from vocabulary.errors import Conflict


class Action(StrEnum):
    ADD = "add"  # no rule covers these ports yet: AddSecurityGroupRule on approval
    SKIP = "skip"  # an existing rule already covers them: nothing to do
    REFUSE = "refuse"  # the gateway cannot authorize this group: never applied


@dataclass(frozen=True)
class PlanItem:
    group: SecurityGroup
    ports: PortRange
    action: Action
    reason: str
    existing_rule_id: int | None = None
    # For an add or skip: the backend group's inbound rule ECS would treat as identical to the
    # one MSE creates, already there before this request (made by hand or by another tool).
    backend_rule: IngressRule | None = None


@dataclass(frozen=True)
class Plan:
    """Per (group, port range) decisions plus the resolution they were made from."""

    resolution: Resolution
    items: tuple[PlanItem, ...]

    @property
    def to_add(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.action is Action.ADD)

    @property
    def refused(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.action is Action.REFUSE)

    def raise_if_refused(self) -> None:
        """Refuse the whole request if any group is refused: half-opened backends confuse."""
        if self.refused:
            reasons = "; ".join(f"{i.group.security_group_id}: {i.reason}" for i in self.refused)
            route = self.resolution.hops or self.resolution.path
            raise Conflict(say("cloud.cannot_authorize", route=route, reasons=reasons))


GROUP_RULE_QUOTA = 20
"""The most rules referencing another group that a basic group may hold [ECS docs]."""
# MSE's own advice, quoted as its English console and documentation give it.
SAME_TYPE = say_in("en", "preflight.same_type")


def plan(
    resolution: Resolution,
    ports: Sequence[PortRange],
    rules: Iterable[GatewayRule],
    ingress: Mapping[str, Sequence[IngressRule]] | None = None,
) -> Plan:
    """Decide each (group, port range) from data already fetched; no I/O.

    ``ingress`` maps a backend group id to its inbound rules; a group it leaves out gets no
    ``backend_rule``, and each of its adds is counted against the group's quota.
    """
    rules = list(rules)
    by_group: dict[str, list[GatewayRule]] = {}
    for rule in rules:
        by_group.setdefault(rule.security_group_id, []).append(rule)
    # An enterprise group is authorized by CIDR: the ones MSE listed for this gateway's rules.
    cidrs = sorted({cidr for rule in rules for cidr in rule.auth_cidrs if cidr})
    items: list[PlanItem] = []
    for group in resolution.groups:
        problems = _refusals(resolution, group)
        if problems:
            items += [PlanItem(group, p, Action.REFUSE, "; ".join(problems)) for p in ports]
            continue
        inbound = (ingress or {}).get(group.security_group_id, ())
        held = by_group.get(group.security_group_id, ())
        decided = [
            _decide(resolution, group, p, rules=held, inbound=inbound, cidrs=cidrs) for p in ports
        ]
        over = _over_quota(resolution.gateway_group, group, decided)
        items += [PlanItem(group, p, Action.REFUSE, over) for p in ports] if over else decided
    return Plan(resolution=resolution, items=tuple(items))


def _decide(
    resolution: Resolution,
    group: SecurityGroup,
    port_range: PortRange,
    *,
    rules: Sequence[GatewayRule],
    inbound: Sequence[IngressRule],
    cidrs: Sequence[str],
) -> PlanItem:
    gateway_group = resolution.gateway_group
    backend = find_identical_ingress(
        inbound,
        gateway_group.security_group_id,
        port_range,
        source_cidrs=cidrs,
        any_cidr=not group.is_basic and not cidrs,
    )
    covering = next((r for r in rules if r.ports.covers(port_range)), None)
    if covering is not None:
        reason = f"already allowed by rule {covering.rule_id} (ports {covering.ports})"
        return PlanItem(group, port_range, Action.SKIP, reason, covering.rule_id, backend)
    reason = f"open ports {port_range}"
    if not group.is_basic:
        vswitches = ", ".join(resolution.gateway.vswitch_ids) or "its vSwitches"
        authorized = f"AuthCidrs {', '.join(cidrs)}" if cidrs else f"the CIDRs of {vswitches}"
        reason += (
            "; an enterprise group cannot reference another group, so MSE authorizes the "
            f"gateway's vSwitch CIDRs instead ({authorized})"
        )
    return PlanItem(group, port_range, Action.ADD, reason, backend_rule=backend)


def _refusals(resolution: Resolution, group: SecurityGroup) -> list[str]:
    gateway, gateway_group = resolution.gateway, resolution.gateway_group
    problems = []
    if not gateway.running:
        problems.append(
            say("preflight.not_running", gateway=gateway.name, status=gateway.status_text)
        )
    if group.vpc_id != gateway_group.vpc_id:
        problems.append(
            say("preflight.other_vpc", vpc=group.vpc_id, gateway_vpc=gateway_group.vpc_id)
        )
    if group.group_type != gateway_group.group_type:
        problems.append(
            say(
                "preflight.other_type",
                kind=_kind(group),
                gateway_group=gateway_group.security_group_id,
                gateway_kind=_kind(gateway_group),
                advice=say("preflight.same_type"),
            )
        )
    return problems


def plannable(resolution: Resolution, group: SecurityGroup) -> bool:
    """Whether pre-flight may plan with ``group`` at all (its inbound rules are worth reading)."""
    return not _refusals(resolution, group)


def _kind(group: SecurityGroup) -> str:
    return say("preflight.basic") if group.is_basic else group.group_type


def _over_quota(
    gateway_group: SecurityGroup, group: SecurityGroup, items: Sequence[PlanItem]
) -> str | None:
    """Why adding would break a basic group's 20 group-referencing rules, if it would."""
    held = group.group_to_group_rules
    if not (group.is_basic and gateway_group.is_basic) or held is None:
        return None
    # Each new range is one ECS rule from the gateway's group, unless an identical one exists.
    new = sum(1 for i in items if i.action is Action.ADD and i.backend_rule is None)
    if held + new <= GROUP_RULE_QUOTA:
        return None
    return say("preflight.over_quota", held=held, quota=GROUP_RULE_QUOTA, new=new)


async def backend_ingress(
    cloud: CloudReads, groups: Iterable[SecurityGroup]
) -> dict[str, list[IngressRule]]:
    """Each group's inbound rules: one DescribeSecurityGroupAttribute per group, concurrently."""
    ids = list(dict.fromkeys(g.security_group_id for g in groups))
    found = await asyncio.gather(*(cloud.describe_ingress_rules(group_id) for group_id in ids))
    return dict(zip(ids, found, strict=True))


async def plan_authorization(
    cloud: CloudReads,
    gateway_ref: GatewayRef,
    target: Target,
    ports: Sequence[PortRange],
    *,
    cache: ResolveCache | None = None,
) -> Plan:
    """Find the gateway, resolve the target, read the rules and the plannable groups' inbound
    rules, each as soon as it can start (``resolve_flow``); then plan."""
    found = await resolve_named(cloud, gateway_ref, target, cache=cache, plannable=plannable)
    return plan(found.resolution, ports, found.rules, found.ingress)
