"""The FAQ's causes, pure: why a check found what it found, in words a developer acts on.

Wrong node (an authorization for groups none of the endpoints is in), several groups (an
endpoint whose groups are only partly authorized: reachable, but fragile), port changed (an
authorization for a port the target no longer uses), new node (a node whose groups differ
from its pool's template, or outside any pool), type mismatch and other VPC (as pre-flight
refuses them), an address nothing in the VPC holds, and a service with no endpoints.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue import say
from bot.cloud.doctor_coverage import decide, overlaps, served_groups
from bot.cloud.doctor_model import Cause, CauseKind, Endpoint, EndpointCheck, Facts
from bot.cloud.port import GatewayRule
from bot.cloud.resolve_k8s import listed
from vocabulary.commands import PortRange


def refusals(facts: Facts, group_id: str) -> list[Cause]:
    group, gateway_group = facts.groups[group_id], facts.gateway_group
    causes = []
    if group.vpc_id != gateway_group.vpc_id:
        causes.append(
            Cause(
                CauseKind.OTHER_VPC,
                say(
                    "doctor.cause.other_vpc",
                    group=group_id,
                    vpc=group.vpc_id,
                    gateway_vpc=gateway_group.vpc_id,
                ),
            )
        )
    if group.group_type != gateway_group.group_type:
        causes.append(
            Cause(
                CauseKind.TYPE_MISMATCH,
                say(
                    "doctor.cause.type_mismatch",
                    group=group_id,
                    group_type=f"`{group.group_type}`",  # ECS's own word for it
                    gateway_group=gateway_group.security_group_id,
                    gateway_type=f"`{gateway_group.group_type}`",
                ),
            )
        )
    return causes


def state_causes(facts: Facts) -> list[Cause]:
    causes = []
    if not facts.endpoints:
        causes.append(
            Cause(
                CauseKind.NO_ENDPOINTS,
                say("doctor.cause.no_endpoints", target=f"`{facts.target}`"),
            )
        )
    if not facts.gateway.running:
        causes.append(
            Cause(
                CauseKind.GATEWAY_NOT_RUNNING,
                say(
                    "doctor.cause.gateway_not_running",
                    gateway=facts.gateway.name,
                    status=facts.gateway.status_text,
                ),
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
                say("doctor.cause.untraced", addresses=listed(untraced)),
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
    records = [_record(r) for r in elsewhere]
    text = say(
        "doctor.cause.wrong_node", records=listed(records, "; "), groups=listed(sorted(served))
    )
    return [Cause(CauseKind.WRONG_NODE, text)]


def _record(rule: GatewayRule) -> str:
    return say(
        "doctor.cause.record", rule_id=rule.rule_id, group=rule.security_group_id, ports=rule.ports
    )


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
            outcome = "reachable" if port_check.covered else "blocked"
            text = say(
                f"doctor.cause.several_groups.{outcome}",
                endpoint=name(check.endpoint),
                groups=", ".join(groups),
                allowing=", ".join(allowing),
                ports=port_check.ports,
                why=port_check.why,
            )
            causes.append(Cause(CauseKind.SEVERAL_GROUPS, text))
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
    records = ", ".join(_record(r) for r in stale)
    now = ", ".join(str(p) for p in blocked)
    # A service's ports come from MSE; otherwise they are the ones the asker typed.
    key = "uses" if facts.ports_from_service else "asked"
    target = f"`{facts.target}`"  # the grammar's words for it, as typed
    text = say(f"doctor.cause.port_changed.{key}", records=records, target=target, now=now)
    return [Cause(CauseKind.PORT_CHANGED, text)]


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
        say(
            "doctor.cause.node_pool",
            node=name(e),
            groups=", ".join(e.group_ids),
            pool=e.pool_id,
            template=", ".join(e.template_ids),
        )
        if e.template_ids is not None
        else say("doctor.cause.node_no_pool", node=name(e), groups=", ".join(e.group_ids))
        for e in differing
    ]
    if not texts:
        return []
    return [Cause(CauseKind.NEW_NODE, say("doctor.cause.new_node", nodes=listed(texts, "; ")))]


def name(endpoint: Endpoint) -> str:
    return (
        say("doctor.endpoint_name", via=endpoint.via, ip=endpoint.ip)
        if endpoint.ip
        else endpoint.via
    )
