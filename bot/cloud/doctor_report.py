"""The doctor's judgement, pure: per endpoint and port, let in or not, and which FAQ cause applies.

Coverage follows ECS: the inbound rules of all of an endpoint's groups are evaluated together,
by priority (1 is the highest), a Drop winning a tie with an Accept; the first rule that matches
TCP on the port from the gateway decides. From the gateway means sourced from its managed group
(basic groups) or from a CIDR holding one the gateway's MSE authorizations use (enterprise
groups, which cannot reference groups; ``0.0.0.0/0`` holds everything). An Accept must cover
the whole range asked about; a Drop need only touch it. The causes are the FAQ's: wrong node,
several groups, port changed, new node, type mismatch, other VPC, and a service with no
endpoints; ``missing`` is every (group, ports) whose own rules do not let the gateway in, which
is what the "Request the missing access" button asks for.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from bot.cloud.doctor_model import (
    Cause,
    CauseKind,
    Diagnosis,
    Endpoint,
    EndpointCheck,
    Facts,
    PortCheck,
)
from bot.cloud.port import GatewayRule, IngressRule
from bot.cloud.resolve_k8s import listed
from bot.cloud.rule_writes import SGBOT_DESCRIPTION
from bot.commands import MAX_PORT, PortRange

EVERY_PORT = PortRange(start=1, end=MAX_PORT)
HEALTH = (
    "whether the service itself answers: security groups only let traffic in; from a node in "
    "the same security group try `curl http://IP:PORT`"
)
ENTERPRISE = (
    "enterprise groups are authorized by CIDR (the gateway's vSwitches), not by group: a rule "
    "counts when its CIDR holds one of {cidrs}"
)
EACH_GROUP = "authorize each group, so that a later change of its groups does not cut access"


def diagnose(facts: Facts) -> Diagnosis:
    cidrs = _gateway_cidrs(facts.rules)
    checks = tuple(
        EndpointCheck(e, tuple(_decide(facts, e.group_ids, p, cidrs) for p in facts.ports))
        for e in facts.endpoints
    )
    causes = [
        *_state_causes(facts),
        *_wrong_node(facts, checks),
        *_several_groups(facts, checks, cidrs),
        *_port_changed(facts, checks, cidrs),
        *_new_node(checks),
    ]
    cannot_see = [HEALTH]
    enterprise = [g for g in _served_groups(facts) if g in facts.groups and not _basic(facts, g)]
    if enterprise:
        cannot_see.append(ENTERPRISE.format(cidrs=", ".join(cidrs) or "the gateway's CIDRs"))
    return Diagnosis(
        gateway=facts.gateway,
        target=facts.target,
        ports=facts.ports,
        endpoints=checks,
        causes=tuple(causes),
        missing=_missing(facts, cidrs),
        cannot_see=tuple(cannot_see),
        notes=facts.notes,
        region_id=facts.region_id,
    )


def _basic(facts: Facts, group_id: str) -> bool:
    return facts.groups[group_id].is_basic


def _gateway_cidrs(rules: Iterable[GatewayRule]) -> list[str]:
    return sorted({cidr for rule in rules for cidr in rule.auth_cidrs if cidr})


def _rule_ports(rule: IngressRule) -> PortRange | None:
    if rule.ip_protocol.upper() not in ("TCP", "ALL"):
        return None
    if rule.port_range == "-1/-1":
        return EVERY_PORT
    try:
        return PortRange.from_mse(rule.port_range)
    except ValueError:
        return None


def _from_gateway(rule: IngressRule, gateway_group_id: str, cidrs: Sequence[str]) -> bool:
    if rule.source_group_id:
        return rule.source_group_id == gateway_group_id
    if not rule.source_cidr_ip:
        return False
    try:
        network = ipaddress.ip_network(rule.source_cidr_ip, strict=False)
        return network.prefixlen == 0 or any(
            ipaddress.ip_network(cidr, strict=False).subnet_of(network)  # type: ignore[arg-type]
            for cidr in cidrs
        )
    except (ValueError, TypeError):
        return False


def _decide(
    facts: Facts, group_ids: Sequence[str], ports: PortRange, cidrs: Sequence[str]
) -> PortCheck:
    gateway_group = facts.gateway_group.security_group_id
    matching: list[tuple[int, bool, str, IngressRule]] = []
    for group_id in group_ids:
        for rule in facts.ingress.get(group_id, ()):
            held = _rule_ports(rule)
            if held is None or not _from_gateway(rule, gateway_group, cidrs):
                continue
            accept = rule.policy.casefold() == "accept"
            touches = held.covers(ports) if accept else _overlaps(held, ports)
            if touches:
                matching.append((rule.priority, accept, group_id, rule))
    if not group_ids:
        why = "no ECS instance or network interface in the gateway's VPC holds this address"
        return PortCheck(ports, False, why)
    if not matching:
        groups = ", ".join(group_ids)
        why = f"no rule in {groups} lets the gateway's group {gateway_group} in on {ports}"
        return PortCheck(ports, False, why)
    priority, accept, group_id, rule = min(matching, key=lambda m: (m[0], m[1]))
    if not accept:
        why = f"dropped by inbound rule {rule.rule_id} in {group_id} (priority {priority})"
        return PortCheck(ports, False, why, group_id=group_id, ingress_rule_id=rule.rule_id)
    record = next(
        (
            r
            for r in facts.rules
            if r.security_group_id == group_id and r.ports.covers(ports) and _same(r, rule)
        ),
        None,
    )
    if record is None:
        why = f"inbound rule {rule.rule_id} in {group_id} (ports {rule.port_range}; not via MSE)"
        return PortCheck(ports, True, why, group_id=group_id, ingress_rule_id=rule.rule_id)
    made = SGBOT_DESCRIPTION.match(record.description)
    request_id = made.group(1) if made else None
    why = f"MSE authorization {record.rule_id} in {group_id} (ports {record.ports})"
    return PortCheck(
        ports,
        True,
        why,
        group_id=group_id,
        mse_rule_id=record.rule_id,
        ingress_rule_id=rule.rule_id,
        request_id=request_id,
    )


def _same(record: GatewayRule, rule: IngressRule) -> bool:
    held = _rule_ports(rule)
    return held is not None and record.ports.covers(held) and held.covers(record.ports)


def _overlaps(a: PortRange, b: PortRange) -> bool:
    return a.start <= b.end and b.start <= a.end


def _served_groups(facts: Facts) -> list[str]:
    groups = [g for e in facts.endpoints for g in (*e.group_ids, *(e.template_ids or ()))]
    return list(dict.fromkeys(groups))


def _missing(facts: Facts, cidrs: Sequence[str]) -> tuple[tuple[str, PortRange], ...]:
    gateway_group = facts.gateway_group
    pairs = []
    for group_id in _served_groups(facts):
        group = facts.groups.get(group_id)
        if group is None or _refusals(facts, group_id):
            continue
        for ports in facts.ports:
            if not _decide(facts, (group_id,), ports, cidrs).covered:
                pairs.append((group_id, ports))
    return tuple(p for p in pairs if p[0] != gateway_group.security_group_id)


def _refusals(facts: Facts, group_id: str) -> list[Cause]:
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


def _state_causes(facts: Facts) -> list[Cause]:
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
    for group_id in _served_groups(facts):
        if group_id in facts.groups:
            causes += _refusals(facts, group_id)
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


def _blocked_ports(checks: Sequence[EndpointCheck]) -> list[PortRange]:
    found = [p.ports for e in checks for p in e.ports if not p.covered and e.endpoint.group_ids]
    return list(dict.fromkeys(found))


def _wrong_node(facts: Facts, checks: Sequence[EndpointCheck]) -> list[Cause]:
    blocked = _blocked_ports(checks)
    served = set(_served_groups(facts))
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


def _several_groups(
    facts: Facts, checks: Sequence[EndpointCheck], cidrs: Sequence[str]
) -> list[Cause]:
    causes = []
    for check in checks:
        groups = check.endpoint.group_ids
        if len(groups) < 2:
            continue
        for port_check in check.ports:
            allowing = [g for g in groups if _decide(facts, (g,), port_check.ports, cidrs).covered]
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
                    f"{_name(check.endpoint)} is in {', '.join(groups)} and only "
                    f"{', '.join(allowing)} lets the gateway in on {port_check.ports}; ECS "
                    f"evaluates the rules of all its groups together by priority, {outcome}; "
                    f"{EACH_GROUP}",
                )
            )
    return causes


def _port_changed(
    facts: Facts, checks: Sequence[EndpointCheck], cidrs: Sequence[str]
) -> list[Cause]:
    blocked = _blocked_ports(checks)
    if not blocked:
        return []
    served = set(_served_groups(facts))
    stale = [
        r
        for r in facts.rules
        if r.security_group_id in served and not any(_overlaps(r.ports, p) for p in facts.ports)
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


def _new_node(checks: Sequence[EndpointCheck]) -> list[Cause]:
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
        f"{_name(e)} has {', '.join(e.group_ids)}"
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


def _name(endpoint: Endpoint) -> str:
    return f"{endpoint.via} ({endpoint.ip})" if endpoint.ip else endpoint.via
