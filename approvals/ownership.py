"""Cloud rule writes on behalf of grants, and who holds each rule.

One MSE rule (gateway, backend group, port range) may serve several grants: a permanent one
and a time-bound one asking for the same access share it. Every write to a rule happens under
that rule's lease (``approvals.leases``), checked again right before the call. Adding a
grant's rules is ``approvals.rule_adds``; ``release_grant`` deletes a grant's rules that no
other live grant holds and only then gives up its ownership, so a delete the cloud refuses
leaves the grant holding its rules (its end is tried again); rules others still hold stay,
and the notes say for whom. A delete never cascades to a backend rule sgbot did not create
(``approvals.backend_rules``): the notes say access remains through it. ``close_rule`` is an
approved revoke of one rule: it is deleted whoever held it, then its owners are dropped so
nothing tries to keep it. A rule already gone from the cloud counts as deleted: removing
access is idempotent. Every rule the bot creates or deletes is recorded in the gateway's
creators hash, which also drops the gateway's cached listing (``Coordination.record_creator``
and ``forget_rule``).
"""

from __future__ import annotations

from dataclasses import dataclass

from approvals.audit import AuditLog, write_fields
from approvals.backend_rules import BackendReader
from approvals.clock import Clock
from approvals.coordination import Coordination, RuleKey
from approvals.leases import Lease, RuleLeases
from approvals.model import PlannedRule, Request, RuleOutcome, RuleResult
from bot.catalogue import say
from bot.cloud import rules
from bot.cloud.port import CloudPort
from bot.cloud.retry import RetryPolicy
from vocabulary.errors import NotFound

HELD_OUTCOMES = frozenset({RuleOutcome.CREATED, RuleOutcome.EXISTED})
"""Results that mean "this grant holds the rule": its end deletes it unless others hold it."""

RELIED_ON_OUTCOMES = HELD_OUTCOMES | {RuleOutcome.FOUND}
"""Results that give the grant its access, held or not."""


@dataclass(frozen=True)
class RuleWriter:
    """What a rule write needs: the cloud, the owners index, the rule leases, the retry policy,
    and the audit trail every write is recorded in (with the clock that dates it)."""

    cloud: CloudPort
    work: Coordination
    leases: RuleLeases
    retry: RetryPolicy
    audit: AuditLog
    clock: Clock

    async def audited(
        self, request_id: str, rule: RuleKey, what: str, cloud_request_id: str | None
    ) -> None:
        fields = write_fields(
            request_id, rule.gateway_id, rule.security_group_id, rule.port_range.mse,
            at=self.clock.now(), what=what, cloud_request_id=cloud_request_id,
        )  # fmt: skip
        await self.audit.append(fields)


@dataclass(frozen=True)
class Released:
    """What giving up a grant's rules did; ``notes`` name rules kept for other grants."""

    results: tuple[RuleResult, ...]
    notes: tuple[str, ...]


def enterprise_groups(request: Request) -> frozenset[str]:
    """The request's backend groups that are enterprise groups: MSE authorizes CIDRs there,
    which sgbot may not know, so any inbound rule from a CIDR on the ports may be the one MSE
    links to."""
    return frozenset(g.security_group_id for g in request.groups if g.group_type != "normal")


def held_results(grant: Request) -> tuple[RuleResult, ...]:
    return tuple(r for r in grant.results if r.outcome in HELD_OUTCOMES and r.rule_id is not None)


async def release_grant(writer: RuleWriter, grant: Request) -> Released:
    """Delete (cascading) the rules ``grant`` holds that nobody else holds, then let go."""
    assert grant.gateway_id is not None
    results: list[RuleResult] = []
    notes: list[str] = []
    reader = BackendReader(writer.cloud, grant.gateway_security_group, enterprise_groups(grant))
    for held in held_results(grant):
        assert held.rule_id is not None
        key = RuleKey(grant.gateway_id, held.security_group_id, held.port_range)
        async with writer.leases.hold(key) as lease:
            others = await writer.work.owners_besides(key, grant.id)
            if others:
                await writer.work.remove_owner(key, grant.id)
                notes.append(
                    say(
                        "note.rule_still_needed",
                        rule=held.rule_id,
                        group=held.security_group_id,
                        ports=held.port_range,
                        others=", ".join(others),
                    )
                )
                results.append(held.model_copy(update={"outcome": RuleOutcome.EXISTED}))
                continue
            backend = await reader.decide(
                grant.gateway_id, held.rule_id, key.security_group_id, key.port_range,
                held.backend_rule,
            )  # fmt: skip
            cloud_request_id = await _delete(
                writer, lease, grant.id, key, held.rule_id, keep_backend=backend.keep
            )
            await writer.work.remove_owner(key, grant.id)
        kept = backend.rule if backend.keep else None
        results.append(
            held.model_copy(
                update={
                    "outcome": RuleOutcome.DELETED,
                    "cloud_request_id": cloud_request_id,
                    "backend_rule": kept,
                }
            )
        )
        if kept is not None:
            notes.append(say("note.access_remains", rule=kept.rule_id))
    return Released(results=tuple(results), notes=tuple(notes))


async def close_rule(
    writer: RuleWriter,
    request: Request,
    item: PlannedRule,
    *,
    keep_backend_rule: bool,
) -> tuple[RuleResult, str | None]:
    """Delete one rule an approved revoke names; returns the result and a note on its owners."""
    assert item.existing_rule_id is not None  # revoke plans always name the rule
    assert request.gateway_id is not None
    gateway_id = request.gateway_id
    key = RuleKey(gateway_id, item.security_group_id, item.port_range)
    reader = BackendReader(writer.cloud, request.gateway_security_group, enterprise_groups(request))
    async with writer.leases.hold(key) as lease:
        owners = sorted(await writer.work.owners(key))
        backend = await reader.decide(
            gateway_id, item.existing_rule_id, key.security_group_id, key.port_range,
            asked_to_keep=keep_backend_rule or item.keep_backend,
        )  # fmt: skip
        cloud_request_id = await _delete(
            writer, lease, request.id, key, item.existing_rule_id, keep_backend=backend.keep
        )
        for owner in owners:
            await writer.work.remove_owner(key, owner)
    notes = []
    if owners:
        held = ", ".join(owners)
        notes.append(say("note.was_held", rule=item.existing_rule_id, holders=held))
    kept = backend.rule if backend.keep else None
    if kept is not None:
        notes.append(say("note.backend_stays", why=backend.why))
    result = RuleResult(
        security_group_id=item.security_group_id,
        port_range=item.port_range,
        outcome=RuleOutcome.DELETED,
        rule_id=item.existing_rule_id,
        cloud_request_id=cloud_request_id,
        backend_rule=kept,
    )
    return result, "; ".join(notes) or None


async def _delete(
    writer: RuleWriter,
    lease: Lease,
    request_id: str,
    key: RuleKey,
    rule_id: int,
    *,
    keep_backend: bool,
) -> str | None:
    """Delete by id; None when the rule was already gone (a replayed job, or a manual delete)."""
    gateway_id = key.gateway_id
    try:
        deleted: str | None = await rules.delete_rule(
            writer.cloud,
            gateway_id,
            rule_id,
            keep_backend_rule=keep_backend,
            before_write=lease.check,
            retry=writer.retry,
        )
    except NotFound:
        deleted = None
    await writer.work.forget_rule(gateway_id, rule_id)
    if deleted is not None:
        backend = "keeping its backend rule" if keep_backend else "with its backend rule"
        await writer.audited(request_id, key, f"delete rule {rule_id} {backend}", deleted)
    return deleted
