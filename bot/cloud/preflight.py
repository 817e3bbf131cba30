"""Pre-flight: what an authorization would do to each backend group, before anyone approves.

``plan`` is pure: given the resolution (gateway group, backend groups), the gateway's current
rules and the backend groups' inbound rules it decides, per (group, port range), to add, to
skip (an existing rule already covers it) or to refuse (a different VPC, or a group type the
gateway's group cannot reference — enterprise groups cannot be referenced by, or reference,
other groups). An add or skip also names the backend group's inbound rule ECS would treat as
identical to MSE's (``backend_rule``): MSE links the authorization to it instead of making one,
so whoever deletes the authorization later must not cascade to a rule sgbot did not make.
``plan_authorization`` fetches everything once, concurrently, and calls it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.cloud.port import CloudPort, GatewayRule, IngressRule, SecurityGroup
from bot.cloud.resolve import Resolution, find_gateway, resolve_target
from bot.cloud.rules import find_identical_ingress
from bot.commands import GatewayRef, PortRange, Target
from bot.errors import Conflict


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
            raise Conflict(f"cannot authorize {self.resolution.path}: {reasons}")


def plan(
    resolution: Resolution,
    ports: Sequence[PortRange],
    rules: Iterable[GatewayRule],
    ingress: Mapping[str, Sequence[IngressRule]] | None = None,
) -> Plan:
    """Decide each (group, port range) from data already fetched; no I/O.

    ``ingress`` maps a backend group id to its inbound rules; a group it leaves out gets no
    ``backend_rule``.
    """
    gateway_group = resolution.gateway_group
    rules = list(rules)
    rules_by_group: dict[str, list[GatewayRule]] = {}
    for rule in rules:
        rules_by_group.setdefault(rule.security_group_id, []).append(rule)
    # An enterprise group is authorized by CIDR: the ones MSE listed for this gateway's rules.
    cidrs = sorted({cidr for rule in rules for cidr in rule.auth_cidrs if cidr})
    items = []
    for group in resolution.groups:
        problems = _refusals(gateway_group, group)
        inbound = (ingress or {}).get(group.security_group_id, ())
        for port_range in ports:
            if problems:
                items.append(PlanItem(group, port_range, Action.REFUSE, "; ".join(problems)))
                continue
            backend = find_identical_ingress(
                inbound, gateway_group.security_group_id, port_range, source_cidrs=cidrs
            )
            covering = next(
                (
                    r
                    for r in rules_by_group.get(group.security_group_id, ())
                    if r.ports.covers(port_range)
                ),
                None,
            )
            if covering is not None:
                reason = f"already allowed by rule {covering.rule_id} (ports {covering.ports})"
                item = PlanItem(group, port_range, Action.SKIP, reason, covering.rule_id, backend)
            else:
                item = PlanItem(
                    group, port_range, Action.ADD, f"open ports {port_range}", backend_rule=backend
                )
            items.append(item)
    return Plan(resolution=resolution, items=tuple(items))


def _refusals(gateway_group: SecurityGroup, group: SecurityGroup) -> list[str]:
    problems = []
    if group.vpc_id != gateway_group.vpc_id:
        problems.append(
            f"it is in {group.vpc_id}, the gateway in {gateway_group.vpc_id}; "
            "a gateway can only reach groups in its own VPC"
        )
    if group.group_type != gateway_group.group_type:
        problems.append(
            f"its type is {group.group_type} and the gateway group's is "
            f"{gateway_group.group_type}; MSE cannot link groups of different types"
        )
    return problems


async def backend_ingress(
    cloud: CloudPort, groups: Iterable[SecurityGroup]
) -> dict[str, list[IngressRule]]:
    """Each group's inbound rules: one DescribeSecurityGroupAttribute per group, concurrently."""
    ids = list(dict.fromkeys(g.security_group_id for g in groups))
    found = await asyncio.gather(*(cloud.describe_ingress_rules(group_id) for group_id in ids))
    return dict(zip(ids, found, strict=True))


async def plan_authorization(
    cloud: CloudPort, gateway_ref: GatewayRef, target: Target, ports: Sequence[PortRange]
) -> Plan:
    """Find the gateway; resolve the target while reading the rules; read the groups' inbound
    rules (concurrently); then plan."""
    gateway = await find_gateway(cloud, gateway_ref)
    resolution, rules = await asyncio.gather(
        resolve_target(cloud, gateway, target), cloud.list_rules(gateway.unique_id)
    )
    plannable = [g for g in resolution.groups if not _refusals(resolution.gateway_group, g)]
    return plan(resolution, ports, rules, await backend_ingress(cloud, plannable))
