"""Cloud rule writes on behalf of grants, and who holds each rule.

One MSE rule (gateway, backend group, port range) may serve several grants: a permanent one
and a time-bound one asking for the same access share it. Every write to a rule happens under
that rule's lease (``approvals.leases``), checked again right before the call. ``add_rule``
makes sure the rule exists (list before add, so a replayed job never duplicates it) and
records the grant as an owner, first noting any identical inbound rule the backend group
already had; ``release_grant`` deletes a grant's rules that no other live grant holds and only
then gives up its ownership, so a delete the cloud refuses leaves the grant holding its rules
(its end is tried again); rules others still hold stay, and the notes say for whom. A delete
never cascades to a backend rule sgbot did not create (``approvals.backend_rules``): the notes
say access remains through it. ``close_rule`` is an approved revoke of one rule: it is deleted
whoever held it, then its owners are dropped so nothing tries to keep it. A rule already gone
from the cloud counts as deleted: removing access is idempotent. Every rule the bot creates or
deletes is recorded in the gateway's creators hash, which also drops the gateway's cached
listing (``Coordination.record_creator`` and ``forget_rule``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from approvals.audit import AuditLog, write_fields
from approvals.backend_rules import BackendReader, backend_rule
from approvals.clock import Clock
from approvals.coordination import Coordination, RuleKey
from approvals.descriptions import rule_description
from approvals.leases import Lease, RuleLeases
from approvals.model import PlannedRule, Request, RuleOutcome, RuleResult
from bot.catalogue import say
from bot.cloud import rules
from bot.cloud.port import CloudPort, IngressRule
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


async def add_rule(
    writer: RuleWriter, grant: Request, item: PlannedRule, until: datetime | None
) -> RuleResult:
    """Ensure the planned rule exists and register ``grant`` as one of its owners.

    ``until`` is when a time-bound grant ends (None: permanent); the rule's description says so.
    """
    assert grant.gateway_id is not None  # a planned request always names its gateway
    key = RuleKey(grant.gateway_id, item.security_group_id, item.port_range)
    enterprise = item.security_group_id in enterprise_groups(grant)
    async with writer.leases.hold(key) as lease:
        # Read before adding: an identical inbound rule there now is not sgbot's, and MSE
        # links the new rule to it, so the grant's end must not cascade to it.
        inbound = await writer.cloud.describe_ingress_rules(item.security_group_id)
        identical = rules.find_identical_ingress(
            inbound,
            grant.gateway_security_group,
            item.port_range,
            any_cidr=enterprise,
        )
        description = rule_description(grant.id, until)
        ensured = await rules.ensure_rule(
            writer.cloud,
            grant.gateway_id,
            item.security_group_id,
            item.port_range,
            description,
            retry=writer.retry,
            before_write=lease.check,
        )
        # A record with this grant's own description is its add from before a restart; one
        # another sgbot grant wrote is shared; any other was made outside sgbot and is only
        # relied on: the grant never owns it, so its end never deletes it.
        resumed = not ensured.created and ensured.description == description
        made_by_sgbot = ensured.created or rules.is_sgbot_description(ensured.description)
        if identical is not None and ensured.created and enterprise:
            identical = await _still_linked(writer, item, grant, inbound, identical)
        if made_by_sgbot:
            # Owner first, result second: a crash in between leaves an owner whose rule the
            # resumed job finds again, never a recorded rule that nobody owns.
            await writer.work.add_owner(key, grant.id)
    if ensured.created or resumed:
        await writer.work.record_creator(grant.gateway_id, ensured.rule_id, grant.id)
        linked = (
            f", linked to the existing {identical.rule_id}" if identical and not resumed else ""
        )
        found = " (found after a restart)" if resumed else ""
        await writer.audited(
            grant.id, key, f"add rule {ensured.rule_id}{linked}{found}", ensured.request_id
        )
    for duplicate, cloud_request_id in ensured.duplicates_deleted:
        what = f"delete duplicate rule {duplicate} without cascade (kept {ensured.rule_id})"
        await writer.audited(grant.id, key, what, cloud_request_id)
    if ensured.created or resumed:
        outcome = RuleOutcome.CREATED
    else:
        outcome = RuleOutcome.EXISTED if made_by_sgbot else RuleOutcome.FOUND
    return RuleResult(
        security_group_id=item.security_group_id,
        port_range=item.port_range,
        outcome=outcome,
        rule_id=ensured.rule_id,
        cloud_request_id=ensured.request_id,
        # After a restart the inbound rule seen now may be the one this add made: the end
        # then dates it against the record instead (``approvals.backend_rules``).
        backend_rule=backend_rule(identical) if identical and ensured.created else None,
    )


async def _still_linked(
    writer: RuleWriter,
    item: PlannedRule,
    grant: Request,
    before: list[IngressRule],
    candidate: IngressRule,
) -> IngressRule | None:
    """In an enterprise group, whether the record was linked to the CIDR rule found before.

    Matching any CIDR source is a guess; if the add made inbound rules of its own, MSE did
    not link to the older one, and the grant's end may cascade to what the add made.
    """
    seen = {rule.rule_id for rule in before}
    after = await writer.cloud.describe_ingress_rules(item.security_group_id)
    made = rules.find_identical_ingress(
        [rule for rule in after if rule.rule_id not in seen],
        grant.gateway_security_group,
        item.port_range,
        any_cidr=True,
    )
    return None if made is not None else candidate


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
