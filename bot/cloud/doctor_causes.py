"""The FAQ's causes, pure: why a check found what it found, in words a developer acts on.

Wrong node (an authorization for groups none of the endpoints is in), several groups (an
endpoint whose groups are only partly authorized: reachable, but fragile), port changed (an
authorization for a port the target no longer uses), new node (a node whose groups differ
from its pool's template, or outside any pool), type mismatch and other VPC (as pre-flight
refuses them), an address nothing in the VPC holds, and a service with no endpoints.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.cloud.doctor_coverage import decide, overlaps, served_groups
from bot.cloud.doctor_model import Cause, CauseKind, Endpoint, EndpointCheck, Facts
from bot.cloud.resolve_k8s import listed
from vocabulary.commands import PortRange

EACH_GROUP = "authorize each group, so that a later change of its groups does not cut access"


def refusals(facts: Facts, group_id: str) -> list[Cause]:
    group, gateway_group = facts.groups[group_id], facts.gateway_group
    causes = []
    if group.vpc_id != gateway_group.vpc_id:
        causes.append(
            Cause(
                CauseKind.OTHER_VPC,
                f"{group_id} is in {group.vpc_id}, the gateway in {gateway_group.vpc_id}; a "
                "gateway can only reach groups in its own VPC",
            )
        )
    if group.group_type != gateway_group.group_type:
        causes.append(
            Cause(
                CauseKind.TYPE_MISMATCH,
                f"{group_id} is {group.group_type} and the gateway's group "
                f"{gateway_group.security_group_id} is {gateway_group.group_type}; MSE "
                "authorizes only between groups of one type: use a gateway group of the "
                "backend's type",
            )
        )
    return causes


def state_causes(facts: Facts) -> list[Cause]:
    causes = []
    if not facts.endpoints:
        causes.append(
            Cause(
                CauseKind.NO_ENDPOINTS,
                f"{facts.target} has no endpoints: MSE lists no address for it, so it is down, "
                "scaled to zero or not ready yet; start it (`kubectl get endpoints`) and check "
                "again",
            )
        )
    if not facts.gateway.running:
        causes.append(
            Cause(
                CauseKind.GATEWAY_NOT_RUNNING,
                f"gateway {facts.gateway.name} is {facts.gateway.status_text}, not running",
            )
        )
    for group_id in served_groups(facts):
        if group_id in facts.groups:
            causes += refusals(facts, group_id)
    untraced = [e.ip for e in facts.endpoints if not e.group_ids and e.ip]
    if untraced:
        causes.append(
            Cause(
                CauseKind.UNTRACED,
                f"no instance or network interface in the gateway's VPC holds {listed(untraced)}"
                "; a stale address, or one in another VPC",
            )
        )
    return causes


def blocked_ports(checks: Sequence[EndpointCheck]) -> list[PortRange]:
    found = [p.ports for e in checks for p in e.ports if not p.covered and e.endpoint.group_ids]
    return list(dict.fromkeys(found))


def wrong_node(facts: Facts, checks: Sequence[EndpointCheck]) -> list[Cause]:
    blocked = blocked_ports(checks)
    served = set(served_groups(facts))
    elsewhere = [
        r
        for r in facts.rules
        if r.security_group_id not in served and any(r.ports.covers(p) for p in blocked)
    ]
    if not elsewhere:
        return []
    records = [f"{r.rule_id} ({r.security_group_id}, ports {r.ports})" for r in elsewhere]
    return [
        Cause(
            CauseKind.WRONG_NODE,
            f"the gateway has authorization {listed(records, '; ')}, but none of the endpoints "
            f"is in those groups; they are in {listed(sorted(served))}: authorize those instead",
        )
    ]


def several_groups(
    facts: Facts, checks: Sequence[EndpointCheck], cidrs: Sequence[str]
) -> list[Cause]:
    causes = []
    for check in checks:
        groups = check.endpoint.group_ids
        if len(groups) < 2:
            continue
        for port_check in check.ports:
            allowing = [g for g in groups if decide(facts, (g,), port_check.ports, cidrs).covered]
            if not allowing or len(allowing) == len(groups):
                continue
            outcome = (
                "so it is reachable"
                if port_check.covered
                else f"yet it is blocked: {port_check.why}"
            )
            causes.append(
                Cause(
                    CauseKind.SEVERAL_GROUPS,
                    f"{name(check.endpoint)} is in {', '.join(groups)} and only "
                    f"{', '.join(allowing)} lets the gateway in on {port_check.ports}; ECS "
                    f"evaluates the rules of all its groups together by priority, {outcome}; "
                    f"{EACH_GROUP}",
                )
            )
    return causes


def port_changed(
    facts: Facts, checks: Sequence[EndpointCheck], cidrs: Sequence[str]
) -> list[Cause]:
    blocked = blocked_ports(checks)
    if not blocked:
        return []
    served = set(served_groups(facts))
    stale = [
        r
        for r in facts.rules
        if r.security_group_id in served and not any(overlaps(r.ports, p) for p in facts.ports)
    ]
    if not stale:
        return []
    records = ", ".join(f"{r.rule_id} ({r.security_group_id}, ports {r.ports})" for r in stale)
    now = ", ".join(str(p) for p in blocked)
    uses = "now uses" if facts.ports_from_service else "is asked about"
    return [
        Cause(
            CauseKind.PORT_CHANGED,
            f"authorization {records} covers a port {facts.target} does not use; it {uses} "
            f"{now}, which no rule allows: authorize {now}, and revoke the old rule if nothing "
            "else needs it",
        )
    ]


def new_node(checks: Sequence[EndpointCheck]) -> list[Cause]:
    differing = [
        c.endpoint
        for c in checks
        if c.blocked
        and c.endpoint.is_node
        and (
            c.endpoint.template_ids is None
            or set(c.endpoint.group_ids) != set(c.endpoint.template_ids)
        )
    ]
    texts = [
        f"{name(e)} has {', '.join(e.group_ids)}"
        + (
            f", its pool {e.pool_id} gives {', '.join(e.template_ids)}"
            if e.template_ids is not None
            else ", and is in no node pool"
        )
        for e in differing
    ]
    if not texts:
        return []
    return [
        Cause(
            CauseKind.NEW_NODE,
            f"nodes whose groups differ from their pool's template: {listed(texts, '; ')}; a "
            "node added or changed after the grant does not have the authorized groups",
        )
    ]


def name(endpoint: Endpoint) -> str:
    return f"{endpoint.via} ({endpoint.ip})" if endpoint.ip else endpoint.via
