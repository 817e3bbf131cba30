"""Matching a request against the policy: first matching rule wins. Pure.

``Facts`` is what is known about a request once it is resolved (or, for ``sgbot policy explain
--offline``, only what was typed). ``evaluate`` walks the rules in order and returns a
``Ruling``: the rule that decided, its decision, and for each rule before it the first
matcher that did not hold, so ``explain`` can say why. Choices made here:

* A revoke is never denied and never auto-approved (closing access must always be possible):
  rules deciding those are passed over for it; only ``approvals`` rules apply.
* ``auto_approve`` whose own ``max_duration`` the ask exceeds, or that is asked for by someone
  who is not a full member, or for a request pre-flight refused, is passed over too, so the
  next rule decides; the ruling says so. The per-day limit needs Redis and is checked by the
  caller (``approvals.policy_limits``), which then falls back to ``FALLBACK_APPROVALS``.
* No rule matching means one approval, as before any policy existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from fnmatch import fnmatchcase

from approvals.policy_file import Decide, Match, Policy, PolicyRule, PortsMatch, Verb
from vocabulary.commands import (
    Authorize,
    ClusterTarget,
    InstanceTarget,
    NodePoolTarget,
    PortRange,
    SecurityGroupsTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Target,
    merge_port_ranges,
)

FALLBACK_APPROVALS = 1
NO_RULE = "(no rule matched)"


@dataclass(frozen=True)
class Facts:
    """What a rule can match on. ``None`` means unknown (not resolved): such a matcher fails."""

    verb: Verb
    region: str
    gateway_id: str | None
    gateway_name: str | None
    typed_target: tuple[str, ...]  # the target as typed, in every form a rule may name it
    groups: tuple[str, ...] | None  # resolved backend group ids and names
    ports: tuple[PortRange, ...]
    duration: timedelta | None  # None: permanent
    requester_id: str
    requester_groups: frozenset[str] = frozenset()  # policy groups the requester is in
    full_member: bool = True
    preflight_refused: bool = False


@dataclass(frozen=True)
class Ruling:
    """The outcome: ``rule`` None when no rule matched."""

    policy: Policy
    rule: PolicyRule | None
    passed_over: tuple[tuple[str, str], ...] = field(default=())  # (rule name, why not)

    @property
    def rule_name(self) -> str:
        return self.rule.name if self.rule is not None else NO_RULE

    @property
    def decide(self) -> Decide:
        return self.rule.decide if self.rule is not None else Decide(approvals=FALLBACK_APPROVALS)


def target_names(target: Target) -> tuple[str, ...]:
    """Every way a rule may name a typed target: ``web``, ``default/web``, ``service:web``…"""
    match target:
        case ServiceTarget(name=name, namespace=namespace):
            full = f"{namespace}/{name}" if namespace else name
            return (name, full, f"service:{name}", f"service:{full}")
        case SecurityGroupTarget(security_group_id=group):
            return (group, f"group:{group}")
        case SecurityGroupsTarget(security_group_ids=groups):
            # Each group listed, so a rule about any one of them applies to the list.
            return tuple(name for group in groups for name in (group, f"group:{group}"))
        case InstanceTarget(instance_id=instance):
            return (instance, f"instance:{instance}")
        case ClusterTarget(cluster_id=cluster):
            return (cluster, f"cluster:{cluster}")
        case NodePoolTarget(nodepool_id=pool, cluster_id=cluster):
            return (pool, f"nodepool:{pool}", cluster, f"cluster:{cluster}")
    return ()


def authorize_facts(
    command: Authorize,
    *,
    region: str,
    requester_id: str,
    verb: Verb = Verb.AUTHORIZE,
    requester_groups: frozenset[str] = frozenset(),
) -> Facts:
    """Facts from a typed authorize alone (nothing resolved)."""
    gateway = command.gateway
    return Facts(
        verb=verb,
        region=region,
        gateway_id=gateway.value if gateway.is_unique_id else None,
        gateway_name=None if gateway.is_unique_id else gateway.value,
        typed_target=target_names(command.target),
        groups=None,
        ports=command.ports,
        duration=command.duration,
        requester_id=requester_id,
        requester_groups=requester_groups,
    )


def _any_glob(patterns: Iterable[str], values: Iterable[str | None]) -> bool:
    known = [value for value in values if value]
    return any(fnmatchcase(value, pattern) for pattern in patterns for value in known)


def _ports_hold(matcher: PortsMatch, asked: tuple[PortRange, ...]) -> bool:
    merged = merge_port_ranges(asked)
    if matcher.wider_than is not None:
        return sum(r.width for r in merged) > matcher.wider_than
    if matcher.any_of:
        return any(a.start <= m.end and m.start <= a.end for a in merged for m in matcher.any_of)
    return all(any(m.covers(a) for m in merge_port_ranges(matcher.all_within)) for a in merged)


def _duration_text(value: timedelta | None) -> str:
    return "permanent" if value is None else str(value)


def mismatch(match: Match, facts: Facts) -> str | None:
    """The first matcher of ``match`` that does not hold for ``facts``, or None."""
    if match.verbs is not None and facts.verb not in match.verbs:
        return f"verb {facts.verb.value} is not {', '.join(v.value for v in match.verbs)}"
    if match.regions is not None and facts.region not in match.regions:
        return f"region {facts.region} is not listed"
    if match.gateways is not None and not _any_glob(
        match.gateways, (facts.gateway_id, facts.gateway_name)
    ):
        return f"gateway {facts.gateway_name or facts.gateway_id or '?'} is not listed"
    if match.targets is not None and not _any_glob(
        match.targets, (*facts.typed_target, *(facts.groups or ()))
    ):
        unresolved = " (its groups are not resolved)" if facts.groups is None else ""
        shown = facts.typed_target[0] if facts.typed_target else "?"
        return f"target {shown} is not listed{unresolved}"
    if match.ports is not None and not _ports_hold(match.ports, facts.ports):
        return f"ports {','.join(map(str, facts.ports))} do not match"
    if match.max_duration is not None and (
        facts.duration is None or facts.duration > match.max_duration
    ):
        return f"duration {_duration_text(facts.duration)} is over {match.max_duration}"
    if match.requesters is not None:
        who = match.requesters
        if facts.requester_id not in who.users and (
            who.group is None or who.group not in facts.requester_groups
        ):
            return f"requester {facts.requester_id} is not listed"
    return None


def _not_for(decide: Decide, facts: Facts) -> str | None:
    """Why this decision cannot apply to these facts even though the rule matched."""
    if facts.verb is Verb.REVOKE and decide.approvals is None:
        return "revokes are never denied or auto-approved"
    auto = decide.auto_approve
    if auto is None:
        return None
    if not facts.full_member:
        return "the requester is not a full member, so nothing is auto-approved"
    if facts.preflight_refused:
        return "pre-flight refused part of it, so it is not auto-approved"
    if auto.max_duration is not None and (
        facts.duration is None or facts.duration > auto.max_duration
    ):
        return f"auto-approval is for at most {auto.max_duration}"
    return None


def evaluate(policy: Policy, facts: Facts, unavailable: Mapping[str, str] | None = None) -> Ruling:
    """The first rule that matches ``facts``; ``unavailable`` names rules passed over and why
    (an auto-approval whose per-day limit is spent)."""
    passed: list[tuple[str, str]] = []
    skip = unavailable or {}
    for rule in policy.document.rules:
        why = skip.get(rule.name) or mismatch(rule.match, facts) or _not_for(rule.decide, facts)
        if why is None:
            return Ruling(policy=policy, rule=rule, passed_over=tuple(passed))
        passed.append((rule.name, why))
    return Ruling(policy=policy, rule=None, passed_over=tuple(passed))


def policy_groups(policy: Policy) -> frozenset[str]:
    """The Slack user groups a policy's requester matchers name."""
    return frozenset(
        rule.match.requesters.group
        for rule in policy.document.rules
        if rule.match.requesters is not None and rule.match.requesters.group is not None
    )
