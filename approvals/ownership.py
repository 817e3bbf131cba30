"""Cloud rule writes on behalf of grants, and who holds each rule.

One MSE rule (gateway, backend group, port range) may serve several grants: a permanent one
and a time-bound one asking for the same access share it. ``add_rule`` makes sure the rule
exists (list before add, so a replayed job never duplicates it) and records the grant as an
owner; ``release_grant`` gives up a grant's rules and deletes only those no other live grant
holds, saying which ones stayed and for whom. ``close_rule`` is an approved revoke of one rule:
it is deleted whoever held it, and its owners are dropped so nothing tries to keep it.
A rule already gone from the cloud counts as deleted: removing access is idempotent. Every
rule the bot creates or deletes is recorded in the gateway's creators hash, which also drops
the gateway's cached listing (``Coordination.record_creator`` and ``forget_rule``).
"""

from __future__ import annotations

from dataclasses import dataclass

from approvals.coordination import Coordination, RuleKey
from approvals.model import PlannedRule, Request, RuleOutcome, RuleResult
from bot.cloud import rules
from bot.cloud.port import CloudPort
from bot.cloud.retry import RetryPolicy
from bot.errors import NotFound

HELD_OUTCOMES = frozenset({RuleOutcome.CREATED, RuleOutcome.EXISTED})
"""Results that mean "this grant relies on the rule"."""


@dataclass(frozen=True)
class Released:
    """What giving up a grant's rules did; ``notes`` name rules kept for other grants."""

    results: tuple[RuleResult, ...]
    notes: tuple[str, ...]


def rule_description(request_id: str) -> str:
    """The MSE rule description; it lets an operator see which request created a rule."""
    return f"sgbot {request_id}"


def held_results(grant: Request) -> tuple[RuleResult, ...]:
    return tuple(r for r in grant.results if r.outcome in HELD_OUTCOMES and r.rule_id is not None)


async def add_rule(
    cloud: CloudPort,
    work: Coordination,
    grant: Request,
    item: PlannedRule,
    retry: RetryPolicy,
) -> RuleResult:
    """Ensure the planned rule exists and register ``grant`` as one of its owners."""
    assert grant.gateway_id is not None  # a planned request always names its gateway
    ensured = await rules.ensure_rule(
        cloud,
        grant.gateway_id,
        item.security_group_id,
        item.port_range,
        rule_description(grant.id),
        retry=retry,
    )
    # Owner first, result second: a crash in between leaves an owner whose rule the
    # resumed job finds again, never a recorded rule that nobody owns.
    await work.add_owner(
        RuleKey(grant.gateway_id, item.security_group_id, item.port_range), grant.id
    )
    if ensured.created:
        await work.record_creator(grant.gateway_id, ensured.rule_id, grant.id)
    return RuleResult(
        security_group_id=item.security_group_id,
        port_range=item.port_range,
        outcome=RuleOutcome.CREATED if ensured.created else RuleOutcome.EXISTED,
        rule_id=ensured.rule_id,
        cloud_request_id=ensured.request_id,
    )


async def release_grant(cloud: CloudPort, work: Coordination, grant: Request) -> Released:
    """Give up every rule ``grant`` holds; delete (cascading) those nobody else holds."""
    assert grant.gateway_id is not None
    results: list[RuleResult] = []
    notes: list[str] = []
    for held in held_results(grant):
        assert held.rule_id is not None
        key = RuleKey(grant.gateway_id, held.security_group_id, held.port_range)
        if await work.remove_owner_and_count(key, grant.id):
            others = ", ".join(sorted(await work.owners(key)))
            notes.append(
                f"rule {held.rule_id} ({held.security_group_id} ports {held.port_range}) "
                f"stays: still needed by {others}"
            )
            results.append(held.model_copy(update={"outcome": RuleOutcome.EXISTED}))
            continue
        cloud_request_id = await _delete(
            cloud, work, grant.gateway_id, held.rule_id, keep_backend=False
        )
        results.append(
            held.model_copy(
                update={"outcome": RuleOutcome.DELETED, "cloud_request_id": cloud_request_id}
            )
        )
    return Released(results=tuple(results), notes=tuple(notes))


async def close_rule(
    cloud: CloudPort,
    work: Coordination,
    gateway_id: str,
    item: PlannedRule,
    *,
    keep_backend_rule: bool,
) -> tuple[RuleResult, str | None]:
    """Delete one rule an approved revoke names; returns the result and a note on its owners."""
    assert item.existing_rule_id is not None  # revoke plans always name the rule
    key = RuleKey(gateway_id, item.security_group_id, item.port_range)
    owners = sorted(await work.owners(key))
    for owner in owners:
        await work.remove_owner_and_count(key, owner)
    cloud_request_id = await _delete(
        cloud, work, gateway_id, item.existing_rule_id, keep_backend=keep_backend_rule
    )
    note = (
        f"rule {item.existing_rule_id} was held by {', '.join(owners)}; they no longer rely on it"
        if owners
        else None
    )
    result = RuleResult(
        security_group_id=item.security_group_id,
        port_range=item.port_range,
        outcome=RuleOutcome.DELETED,
        rule_id=item.existing_rule_id,
        cloud_request_id=cloud_request_id,
    )
    return result, note


async def _delete(
    cloud: CloudPort, work: Coordination, gateway_id: str, rule_id: int, *, keep_backend: bool
) -> str | None:
    """Delete by id; None when the rule was already gone (a replayed job, or a manual delete)."""
    try:
        deleted: str | None = await rules.delete_rule(
            cloud, gateway_id, rule_id, keep_backend_rule=keep_backend
        )
    except NotFound:
        deleted = None
    await work.forget_rule(gateway_id, rule_id)
    return deleted
