"""The doctor's coverage rule, pure: does an endpoint's set of groups let the gateway in on a port.

ECS evaluates the inbound rules of all of an endpoint's groups together, by priority (1 is the
highest), a Drop winning a tie with an Accept; the first rule that matches TCP on the port
from the gateway decides. From the gateway means sourced from its managed group (basic
groups) or from a CIDR holding one the gateway's MSE authorizations use (enterprise groups,
which cannot reference groups; ``0.0.0.0/0`` holds everything). An Accept must cover the whole
range asked about; a Drop need only touch it. Where MSE lists no CIDRs for an enterprise group
(``AuthCidrs`` [""]), its own authorization record is taken as the evidence.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from bot.catalogue import say
from bot.cloud.doctor_model import Facts, PortCheck
from bot.cloud.port import GatewayRule, IngressRule
from bot.cloud.rule_writes import SGBOT_DESCRIPTION
from vocabulary.commands import MAX_PORT, PortRange

EVERY_PORT = PortRange(start=1, end=MAX_PORT)


def basic(facts: Facts, group_id: str) -> bool:
    return facts.groups[group_id].is_basic


def gateway_cidrs(rules: Iterable[GatewayRule]) -> list[str]:
    return sorted({cidr for rule in rules for cidr in rule.auth_cidrs if cidr})


def rule_ports(rule: IngressRule) -> PortRange | None:
    if rule.ip_protocol.upper() not in ("TCP", "ALL"):
        return None
    if rule.port_range == "-1/-1":
        return EVERY_PORT
    try:
        return PortRange.from_mse(rule.port_range)
    except ValueError:
        return None


def from_gateway(rule: IngressRule, gateway_group_id: str, cidrs: Sequence[str]) -> bool:
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


def decide(
    facts: Facts, group_ids: Sequence[str], ports: PortRange, cidrs: Sequence[str]
) -> PortCheck:
    gateway_group = facts.gateway_group.security_group_id
    matching: list[tuple[int, bool, str, IngressRule]] = []
    for group_id in group_ids:
        for rule in facts.ingress.get(group_id, ()):
            held = rule_ports(rule)
            if held is None or not from_gateway(rule, gateway_group, cidrs):
                continue
            accept = rule.policy.casefold() == "accept"
            touches = held.covers(ports) if accept else overlaps(held, ports)
            if touches:
                matching.append((rule.priority, accept, group_id, rule))
    if not group_ids:
        why = say("doctor.cover.untraced")
        return PortCheck(ports, False, why)
    if not matching:
        trusted = None if cidrs else enterprise_record(facts, group_ids, ports)
        if trusted is not None:
            # MSE lists no CIDRs (``AuthCidrs`` [""]), so its own record is the evidence.
            why = say(
                "doctor.cover.enterprise",
                rule_id=trusted.rule_id,
                group=trusted.security_group_id,
                ports=trusted.ports,
            )
            made = SGBOT_DESCRIPTION.match(trusted.description)
            return PortCheck(
                ports,
                True,
                why,
                group_id=trusted.security_group_id,
                mse_rule_id=trusted.rule_id,
                request_id=made.group(1) if made else None,
            )
        groups = ", ".join(group_ids)
        why = say("doctor.cover.no_rule", groups=groups, gateway_group=gateway_group, ports=ports)
        return PortCheck(ports, False, why)
    priority, accept, group_id, rule = min(matching, key=lambda m: (m[0], m[1]))
    if not accept:
        why = say("doctor.cover.dropped", rule_id=rule.rule_id, group=group_id, priority=priority)
        return PortCheck(ports, False, why, group_id=group_id, ingress_rule_id=rule.rule_id)
    record = next(
        (
            r
            for r in facts.rules
            if r.security_group_id == group_id and r.ports.covers(ports) and same(r, rule)
        ),
        None,
    )
    if record is None:
        why = say(
            "doctor.cover.not_mse", rule_id=rule.rule_id, group=group_id, ports=rule.port_range
        )
        return PortCheck(ports, True, why, group_id=group_id, ingress_rule_id=rule.rule_id)
    made = SGBOT_DESCRIPTION.match(record.description)
    request_id = made.group(1) if made else None
    why = say("doctor.cover.mse", rule_id=record.rule_id, group=group_id, ports=record.ports)
    return PortCheck(
        ports,
        True,
        why,
        group_id=group_id,
        mse_rule_id=record.rule_id,
        ingress_rule_id=rule.rule_id,
        request_id=request_id,
    )


def enterprise_record(
    facts: Facts, group_ids: Sequence[str], ports: PortRange
) -> GatewayRule | None:
    return next(
        (
            r
            for r in facts.rules
            if r.security_group_id in group_ids
            and r.security_group_id in facts.groups
            and not basic(facts, r.security_group_id)
            and r.ports.covers(ports)
        ),
        None,
    )


def same(record: GatewayRule, rule: IngressRule) -> bool:
    held = rule_ports(rule)
    return held is not None and record.ports.covers(held) and held.covers(record.ports)


def overlaps(a: PortRange, b: PortRange) -> bool:
    return a.start <= b.end and b.start <= a.end


def served_groups(facts: Facts) -> list[str]:
    groups = [g for e in facts.endpoints for g in (*e.group_ids, *(e.template_ids or ()))]
    return list(dict.fromkeys(groups))
