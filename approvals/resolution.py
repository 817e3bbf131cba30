"""From a change command to the plan approvers see: the cloud reads a ``resolve`` job makes.

``resolve_change`` finds the gateway, the backend groups and the gateway's current rules, then
says per (group, port range) what approval would do. Choices made here:

* Authorize: if pre-flight refuses any group (other VPC, enterprise group) the whole request
  is refused, naming each group and why; opening half a backend confuses more than it helps.
* A port range already covered by a rule nobody requested through the bot is skipped. One
  covered by a bot-managed rule is planned as an add anyway: that rule belongs to another grant
  and may go when it ends, so this request co-owns the same rule, or gets its own narrower one.
* A plan with nothing to add is refused as "already in place", naming the covering rules.
* Revokes plan deletes: of the exact rules for a target's groups and ports, of one rule by id,
  or of the rules an earlier applied request holds. Nothing to delete is refused too.

Cloud and user errors propagate; the job turns them into a rejection.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from approvals.coordination import Coordination, RuleKey
from approvals.machine import HOLDING
from approvals.model import (
    BackendGroup,
    PlannedRule,
    Request,
    RequestKind,
    RuleAction,
)
from approvals.ownership import held_results
from approvals.store import RequestStore
from bot.cloud import preflight
from bot.cloud.port import CloudPort, Gateway, GatewayRule, SecurityGroup
from bot.cloud.resolve import find_gateway, resolve_target
from bot.cloud.rules import find_rule
from bot.commands import Authorize, PortRange, RevokeRequest, RevokeRule, RevokeTarget
from bot.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class Resolved:
    """What approval would change; ``problem`` set means the request is refused instead."""

    gateway: Gateway
    groups: tuple[BackendGroup, ...]
    path: str
    plan: tuple[PlannedRule, ...]
    ports: tuple[PortRange, ...]
    problem: str | None = None


def backend_group(group: SecurityGroup) -> BackendGroup:
    return BackendGroup(
        security_group_id=group.security_group_id,
        name=group.name,
        group_type=group.group_type,
        vpc_id=group.vpc_id,
    )


async def resolve_change(cloud: CloudPort, store: RequestStore, request: Request) -> Resolved:
    match request.command:
        case Authorize() as command:
            return await _authorize(cloud, store.work, command)
        case RevokeTarget() as command:
            return await _revoke_target(cloud, command)
        case RevokeRule() as command:
            return await _revoke_rule(cloud, command)
        case RevokeRequest() as command:
            return await _revoke_request(cloud, store, command)
    raise InvalidInput(f"{request.id}: cannot resolve a {request.command.kind} command")


async def _authorize(cloud: CloudPort, work: Coordination, command: Authorize) -> Resolved:
    gateway = await find_gateway(cloud, command.gateway)
    resolution, rules = await asyncio.gather(
        resolve_target(cloud, gateway, command.target), cloud.list_rules(gateway.unique_id)
    )
    checked = preflight.plan(resolution, command.ports, rules)
    groups = tuple(backend_group(g) for g in resolution.groups)
    problem = None
    try:
        checked.raise_if_refused()
    except Conflict as refused:
        problem = str(refused)
    by_id = {rule.rule_id: rule for rule in rules}
    planned: list[PlannedRule] = []
    for item in checked.items:
        planned.append(await _planned(work, gateway.unique_id, item, by_id))
    if problem is None and not any(p.action is RuleAction.ADD for p in planned):
        covered = "; ".join(
            f"rule {p.existing_rule_id} covers {p.security_group_id} ports {p.port_range}"
            for p in planned
        )
        problem = f"already in place: {covered}"
    return Resolved(gateway, groups, resolution.path, tuple(planned), command.ports, problem)


async def _planned(
    work: Coordination, gateway_id: str, item: preflight.PlanItem, by_id: dict[int, GatewayRule]
) -> PlannedRule:
    group_id = item.group.security_group_id
    action = RuleAction(item.action.value)
    reason = item.reason
    covering = by_id.get(item.existing_rule_id) if item.existing_rule_id is not None else None
    if covering is not None and item.action is preflight.Action.SKIP:
        holders = await work.owners(RuleKey(gateway_id, group_id, covering.ports))
        if holders:
            action = RuleAction.ADD
            reason = (
                f"rule {covering.rule_id} (ports {covering.ports}) belongs to "
                f"{', '.join(sorted(holders))} and may end with it; this request holds its own"
            )
    return PlannedRule(
        security_group_id=group_id,
        port_range=item.ports,
        action=action,
        reason=reason,
        existing_rule_id=item.existing_rule_id,
    )


def _delete(rule: GatewayRule, reason: str) -> PlannedRule:
    return PlannedRule(
        security_group_id=rule.security_group_id,
        port_range=rule.ports,
        action=RuleAction.DELETE,
        reason=reason,
        existing_rule_id=rule.rule_id,
    )


async def _revoke_target(cloud: CloudPort, command: RevokeTarget) -> Resolved:
    gateway = await find_gateway(cloud, command.gateway)
    resolution, rules = await asyncio.gather(
        resolve_target(cloud, gateway, command.target), cloud.list_rules(gateway.unique_id)
    )
    planned = [
        _delete(rule, f"close ports {ports}")
        for group in resolution.groups
        for ports in command.ports
        if (rule := find_rule(rules, group.security_group_id, ports)) is not None
    ]
    problem = (
        None
        if planned
        else (
            f"gateway {gateway.name} has no rule for exactly those ports on {resolution.path}; "
            f"`list rules {gateway.name}` shows what there is"
        )
    )
    groups = tuple(backend_group(g) for g in resolution.groups)
    return Resolved(gateway, groups, resolution.path, tuple(planned), command.ports, problem)


async def _revoke_rule(cloud: CloudPort, command: RevokeRule) -> Resolved:
    gateway = await find_gateway(cloud, command.gateway)
    rule = next(
        (r for r in await cloud.list_rules(gateway.unique_id) if r.rule_id == command.rule_id),
        None,
    )
    if rule is None:
        raise NotFound(
            f"gateway {gateway.name} has no rule {command.rule_id}; "
            f"`list rules {gateway.name}` shows the rule ids"
        )
    found = await cloud.describe_security_groups([rule.security_group_id])
    groups = tuple(backend_group(g) for g in found)
    keep = " (keeping the backend group's inbound rule)" if command.keep_backend_rule else ""
    planned = (_delete(rule, f"delete rule {rule.rule_id}{keep}"),)
    path = f"rule {rule.rule_id} → {rule.security_group_id}"
    return Resolved(gateway, groups, path, planned, (rule.ports,))


async def _revoke_request(
    cloud: CloudPort, store: RequestStore, command: RevokeRequest
) -> Resolved:
    earlier = await store.require(command.request_id)
    if earlier.kind is not RequestKind.AUTHORIZE or earlier.gateway_id is None:
        raise InvalidInput(f"{earlier.id} opened no ports, so there is nothing to revoke")
    gateway = await cloud.get_gateway(earlier.gateway_id)
    path = f"the grant of {earlier.id}"
    if earlier.state not in HOLDING:
        return Resolved(
            gateway, earlier.groups, path, (), earlier.ports,
            f"{earlier.id} is {earlier.state.value}; it holds no rules to revoke",
        )  # fmt: skip
    rules = {r.rule_id: r for r in await cloud.list_rules(gateway.unique_id)}
    planned = tuple(
        _delete(rules[held.rule_id], f"end the grant of {earlier.id}")
        for held in held_results(earlier)
        if held.rule_id in rules
    )
    problem = None if planned else f"the rules of {earlier.id} are already gone"
    return Resolved(gateway, earlier.groups, path, planned, earlier.ports, problem)
