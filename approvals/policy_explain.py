"""``sgbot policy explain``: which rule would decide a typed request, and why. Pure but for
``resolve_facts``, which asks the cloud what the target resolves to.

The lines say, rule by rule, why each rule before the deciding one did not apply, then what
the deciding rule decides. Resolution failures are said, and the facts fall back to what was
typed, under which a rule naming resolved groups cannot match.
"""

from __future__ import annotations

from dataclasses import replace

from approvals.policy_file import Policy
from approvals.policy_rules import Facts, Ruling, evaluate
from bot.cloud.port import CloudPort
from bot.cloud.resolve import find_gateway, resolve_target
from vocabulary.commands import Authorize
from vocabulary.errors import SgbotError


async def resolve_facts(cloud: CloudPort, command: Authorize, facts: Facts) -> tuple[Facts, str]:
    """``facts`` with the gateway and groups the cloud resolves, and a line saying how."""
    try:
        gateway = await find_gateway(cloud, command.gateway)
    except SgbotError as exc:
        return facts, f"could not resolve gateway {command.gateway}: {exc}; matching what was typed"
    facts = replace(facts, gateway_id=gateway.unique_id, gateway_name=gateway.name)
    try:
        resolution = await resolve_target(cloud, gateway, command.target)
    except SgbotError as exc:
        return facts, f"could not resolve the target: {exc}; matching what was typed"
    groups = tuple(
        name for g in resolution.groups for name in (g.security_group_id, g.name) if name
    )
    return replace(facts, groups=groups), f"resolved: {resolution.path}"


def decision_text(ruling: Ruling) -> str:
    decide = ruling.decide
    auto = decide.auto_approve
    if decide.deny is not None:
        return f"deny, telling the requester: {decide.deny}"
    if auto is not None:
        longest = f", at most {auto.max_duration}" if auto.max_duration else ""
        return f"auto_approve (at most {auto.per_day} a day per requester{longest})"
    return decide.label


def explain_lines(policy: Policy, facts: Facts) -> list[str]:
    ruling = evaluate(policy, facts)
    lines = [f"policy {policy.source} (hash {policy.digest}, mode {policy.document.mode})"]
    lines += [f"rule {name}: does not apply: {why}" for name, why in ruling.passed_over]
    lines.append(f"decided by rule {ruling.rule_name}: {decision_text(ruling)}")
    if policy.audit_only:
        lines.append("audit mode: this is only shown; people decide everything")
    return lines
