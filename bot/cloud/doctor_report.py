"""The doctor's judgement, pure: ``diagnose`` turns the facts into a ``Diagnosis``.

Each endpoint's ports are judged by ``bot.cloud.doctor_coverage`` (ECS's rule semantics), the
causes named by ``bot.cloud.doctor_causes``; ``missing`` here is every (group, ports) whose
own rules do not let the gateway in, of the groups the gateway could be authorized in, which
is what the "Request the missing access" button asks for.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue import say
from bot.cloud.doctor_causes import (
    new_node,
    port_changed,
    refusals,
    several_groups,
    state_causes,
    wrong_node,
)
from bot.cloud.doctor_coverage import basic, decide, gateway_cidrs, served_groups
from bot.cloud.doctor_joined import joined_after_grant
from bot.cloud.doctor_model import Diagnosis, EndpointCheck, Facts
from vocabulary.commands import PortRange


def diagnose(facts: Facts) -> Diagnosis:
    cidrs = gateway_cidrs(facts.rules)
    checks = tuple(
        EndpointCheck(e, tuple(decide(facts, e.group_ids, p, cidrs) for p in facts.ports))
        for e in facts.endpoints
    )
    causes = [
        *state_causes(facts),
        *wrong_node(facts, checks),
        *several_groups(facts, checks, cidrs),
        *port_changed(facts, checks, cidrs),
        *new_node(checks),
        *joined_after_grant(facts, checks),
    ]
    cannot_see = [say("doctor.blind.health")]
    enterprise = [g for g in served_groups(facts) if g in facts.groups and not basic(facts, g)]
    if enterprise:
        shown = ", ".join(cidrs) or say("doctor.blind.gateway_cidrs")
        cannot_see.append(say("doctor.blind.enterprise", cidrs=shown))
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


def _missing(facts: Facts, cidrs: Sequence[str]) -> tuple[tuple[str, PortRange], ...]:
    gateway_group = facts.gateway_group
    pairs = []
    for group_id in served_groups(facts):
        group = facts.groups.get(group_id)
        if group is None or refusals(facts, group_id):
            continue
        for ports in facts.ports:
            if not decide(facts, (group_id,), ports, cidrs).covered:
                pairs.append((group_id, ports))
    return tuple(p for p in pairs if p[0] != gateway_group.security_group_id)
