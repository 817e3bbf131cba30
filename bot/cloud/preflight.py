"""Pre-flight: what an authorization would do to each backend group, before anyone approves.

``plan`` is pure: given the resolution (gateway group, backend groups) and the gateway's current
rules it decides, per (group, port range), to add, to skip (an existing rule already covers
it) or to refuse (a different VPC, or a group type the gateway's group cannot reference —
enterprise groups cannot be referenced by, or reference, other groups). ``plan_authorization``
fetches everything once and calls it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.cloud.port import CloudPort, GatewayRule, SecurityGroup
from bot.cloud.resolve import Resolution, find_gateway, resolve_target
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


def plan(resolution: Resolution, ports: Sequence[PortRange], rules: Iterable[GatewayRule]) -> Plan:
    """Decide each (group, port range) from data already fetched; no I/O."""
    gateway_group = resolution.gateway_group
    rules_by_group: dict[str, list[GatewayRule]] = {}
    for rule in rules:
        rules_by_group.setdefault(rule.security_group_id, []).append(rule)
    items = []
    for group in resolution.groups:
        problems = _refusals(gateway_group, group)
        for port_range in ports:
            if problems:
                items.append(PlanItem(group, port_range, Action.REFUSE, "; ".join(problems)))
                continue
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
                items.append(PlanItem(group, port_range, Action.SKIP, reason, covering.rule_id))
            else:
                items.append(PlanItem(group, port_range, Action.ADD, f"open ports {port_range}"))
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


async def plan_authorization(
    cloud: CloudPort, gateway_ref: GatewayRef, target: Target, ports: Sequence[PortRange]
) -> Plan:
    """Find the gateway, resolve the target and read the rules (concurrently), then plan."""
    gateway = await find_gateway(cloud, gateway_ref)
    resolution, rules = await asyncio.gather(
        resolve_target(cloud, gateway, target), cloud.list_rules(gateway.unique_id)
    )
    return plan(resolution, ports, rules)
