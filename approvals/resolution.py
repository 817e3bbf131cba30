"""From a change command to the plan approvers see: the cloud reads a ``resolve`` job makes.

``resolve_change`` finds the gateway, the backend groups and the gateway's current rules, then
says per (group, port range) what approval would do. Choices made here:

* Authorize: if pre-flight refuses any group (other VPC, enterprise group) the whole request
  is refused, naming each group and why; opening half a backend confuses more than it helps.
* A port range already covered by a rule nobody requested through the bot is skipped. One
  covered by a bot-managed rule is planned as an add anyway: that rule belongs to another grant
  and may go when it ends, so this request co-owns the same rule, or gets its own narrower one.
* A plan with nothing to add is refused as "already in place", naming the covering rules.
* An add names the identical inbound rule the backend group already has, if any: MSE links to
  it, and the grant's end keeps it.
* Revokes plan deletes: of the exact rules for a target's groups and ports, of one rule by id,
  or of the rules an earlier grant holds. Each says who made the rule and whether its backend
  rule is removed with it or kept, and why. Nothing to delete is refused too.

Cloud and user errors propagate; the job turns them into a rejection.
"""

from __future__ import annotations

from dataclasses import dataclass

from approvals.backend_rules import BackendReader, backend_rule, delete_text
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
from bot.catalogue import say
from bot.cloud import preflight
from bot.cloud.port import CloudPort, Gateway, GatewayRule, SecurityGroup
from bot.cloud.resolve import find_gateway
from bot.cloud.resolve_cache import ResolveCache
from bot.cloud.resolve_flow import resolve_named
from bot.cloud.rules import find_rule
from vocabulary.commands import Authorize, PortRange, RevokeRequest, RevokeRule, RevokeTarget
from vocabulary.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class Resolved:
    """What approval would change; ``problem`` set means the request is refused instead."""

    gateway: Gateway
    groups: tuple[BackendGroup, ...]
    path: str
    plan: tuple[PlannedRule, ...]
    ports: tuple[PortRange, ...]
    problem: str | None = None
    region: str | None = None  # the gateway's; the job sets it from the adapter it resolved on


def backend_group(group: SecurityGroup) -> BackendGroup:
    return BackendGroup(
        security_group_id=group.security_group_id,
        name=group.name,
        group_type=group.group_type,
        vpc_id=group.vpc_id,
    )


async def resolve_change(
    cloud: CloudPort, store: RequestStore, request: Request, cache: ResolveCache | None = None
) -> Resolved:
    """What approving ``request`` would change; ``cache`` may answer gateway, service-source and
    cluster metadata (``bot.cloud.resolve_cache``), never the rules or groups a plan rests on."""
    match request.command:
        case Authorize() as command:
            return await _authorize(cloud, store.work, command, cache)
        case RevokeTarget() as command:
            return await _revoke_target(cloud, store, command, cache)
        case RevokeRule() as command:
            return await _revoke_rule(cloud, store, command)
        case RevokeRequest() as command:
            return await _revoke_request(cloud, store, command)
    raise InvalidInput(f"{request.id}: cannot resolve a {request.command.kind} command")


async def _authorize(
    cloud: CloudPort, work: Coordination, command: Authorize, cache: ResolveCache | None
) -> Resolved:
    # Only groups pre-flight does not refuse have their inbound rules read.
    found = await resolve_named(
        cloud, command.gateway, command.target, cache=cache, plannable=preflight.plannable
    )
    resolution, rules, gateway = found.resolution, found.rules, found.resolution.gateway
    checked = preflight.plan(resolution, command.ports, rules, found.ingress)
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
            say(
                "plan.covers",
                rule=p.existing_rule_id,
                group=p.security_group_id,
                ports=p.port_range,
            )
            for p in planned
        )
        problem = say("plan.already_in_place", covered=covered)
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
    backend = backend_rule(item.backend_rule) if item.backend_rule is not None else None
    return PlannedRule(
        security_group_id=group_id,
        port_range=item.ports,
        action=action,
        reason=reason,
        existing_rule_id=item.existing_rule_id,
        backend_rule=backend if action is RuleAction.ADD else None,
    )


async def _deletes(
    cloud: CloudPort,
    store: RequestStore,
    gateway: Gateway,
    listed: list[GatewayRule],
    doomed: list[tuple[GatewayRule, str]],
    *,
    asked_to_keep: bool = False,
) -> tuple[PlannedRule, ...]:
    """Delete items for ``doomed`` (rule, why), each saying who made the rule and whether its
    backend rule stays (``approvals.backend_rules``)."""
    creators = await store.work.rule_creators(gateway.unique_id)
    reader = BackendReader(cloud, gateway.security_group_id)
    reader.remember(gateway.unique_id, listed)
    planned = []
    for rule, why in doomed:
        maker = creators.get(rule.rule_id)
        made_for = await store.get(maker) if maker else None
        found = made_for.results if made_for is not None else ()
        recorded = next((r.backend_rule for r in found if r.rule_id == rule.rule_id), None)
        decision = await reader.decide(
            gateway.unique_id, rule.rule_id, rule.security_group_id, rule.ports, recorded,
            asked_to_keep=asked_to_keep,
        )  # fmt: skip
        planned.append(
            PlannedRule(
                security_group_id=rule.security_group_id,
                port_range=rule.ports,
                action=RuleAction.DELETE,
                reason=f"{why}; {delete_text(maker, decision)}",
                existing_rule_id=rule.rule_id,
                created_by=maker,
                keep_backend=decision.keep,
            )
        )
    return tuple(planned)


async def _revoke_target(
    cloud: CloudPort, store: RequestStore, command: RevokeTarget, cache: ResolveCache | None
) -> Resolved:
    found = await resolve_named(cloud, command.gateway, command.target, cache=cache)
    resolution, rules, gateway = found.resolution, found.rules, found.resolution.gateway
    doomed = [
        (rule, say("plan.close_ports", ports=ports))
        for group in resolution.groups
        for ports in command.ports
        if (rule := find_rule(rules, group.security_group_id, ports)) is not None
    ]
    planned = await _deletes(cloud, store, gateway, rules, doomed)
    problem = (
        None
        if planned
        else say("plan.no_rule_for_ports", gateway=gateway.name, path=resolution.path)
    )
    groups = tuple(backend_group(g) for g in resolution.groups)
    return Resolved(gateway, groups, resolution.path, planned, command.ports, problem)


async def _revoke_rule(cloud: CloudPort, store: RequestStore, command: RevokeRule) -> Resolved:
    gateway = await find_gateway(cloud, command.gateway)
    listed = await cloud.list_rules(gateway.unique_id)
    rule = next((r for r in listed if r.rule_id == command.rule_id), None)
    if rule is None:
        raise NotFound(say("plan.no_rule", gateway=gateway.name, rule=command.rule_id))
    found = await cloud.describe_security_groups([rule.security_group_id])
    groups = tuple(backend_group(g) for g in found)
    key = "plan.delete_rule_keeping" if command.keep_backend_rule else "plan.delete_rule"
    doomed = [(rule, say(key, rule=rule.rule_id))]
    planned = await _deletes(
        cloud, store, gateway, listed, doomed, asked_to_keep=command.keep_backend_rule
    )
    path = say("plan.rule_path", rule=rule.rule_id, group=rule.security_group_id)
    return Resolved(gateway, groups, path, planned, (rule.ports,))


async def _revoke_request(
    cloud: CloudPort, store: RequestStore, command: RevokeRequest
) -> Resolved:
    earlier = await store.require(command.request_id)
    if earlier.kind is not RequestKind.AUTHORIZE or earlier.gateway_id is None:
        raise InvalidInput(say("plan.opened_nothing", request_id=earlier.id))
    gateway = await cloud.get_gateway(earlier.gateway_id)
    path = say("target.grant_of", request_id=earlier.id)
    if earlier.state not in HOLDING:
        return Resolved(
            gateway, earlier.groups, path, (), earlier.ports,
            say(
                "plan.holds_nothing",
                request_id=earlier.id,
                state=say(f"state_name.{earlier.state.value}"),
            ),
        )  # fmt: skip
    listed = await cloud.list_rules(gateway.unique_id)
    rules = {r.rule_id: r for r in listed}
    doomed = [
        (rules[held.rule_id], say("plan.end_grant", request_id=earlier.id))
        for held in held_results(earlier)
        if held.rule_id in rules
    ]
    planned = await _deletes(cloud, store, gateway, listed, doomed)
    problem = None if planned else say("plan.already_gone", request_id=earlier.id)
    return Resolved(gateway, earlier.groups, path, planned, earlier.ports, problem)
