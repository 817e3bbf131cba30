"""The job handlers: resolve a received request and apply an approved one; ``run_job`` dispatches.

Jobs arrive at least once (a replayed or reclaimed stream entry), so every handler starts from
the stored state and does only what is left: ``received`` is taken to ``resolving`` with a
compare-and-set (a lost race means another worker has it); a worker finding ``resolving`` or
``applying`` continues what a dead one started — that is no transition, just the same state
picked up again. Applying adds a pass's rules together (``approvals.rule_adds``: one round of
reads, one of adds, one listing for the ids), records their results in one commit and skips
rules already recorded; the gateway is listed before any add, so a rule is never created
twice. Transient cloud errors are retried in place with backoff (``JobContext.retry``, bounded
by ``attempts``); anything else ends the request, with the reason and an incident id, in
``failed`` or, for a grant that already holds some rules, ``partly_applied``
(``approvals.lifecycle``); the rule that failed is recorded with the cloud's error. Every
message goes through the outbox in the commit that warrants it; a thread reply names its
step. How long an apply took and which cloud errors ended one are told to
``JobContext.observer``. Ending a grant is ``approvals.grants``; the context and the steps all
handlers share are ``approvals.job_context``, whose ``JobContext`` and ``JobObserver`` callers
may import from here.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from approvals import lifecycle, ownership
from approvals.effects import Effects, Job, JobKind
from approvals.extend import apply_extension, extension_fingerprint, resolve_extension
from approvals.grants import end_grant, revoke_earlier
from approvals.job_context import (
    JobContext,
    JobObserver,
    error_code,
    record_results,
    take,
    told,
    with_retries,
)
from approvals.machine import transition
from approvals.model import (
    PlannedRule,
    Request,
    RequestKind,
    RequestState,
    RuleAction,
    RuleOutcome,
    RuleResult,
    fingerprint,
)
from approvals.outbox import NotificationKind
from approvals.policy import risk_flags
from approvals.policy_decide import auto_approved, policy_outcome
from approvals.policy_limits import AutoApprovalLimit
from approvals.regional import gateway_cloud
from approvals.resolution import Resolved, resolve_change
from approvals.results import StaleRequest
from approvals.rule_adds import add_rules
from bot.catalogue import say
from vocabulary.commands import RevokeRequest, RevokeRule
from vocabulary.errors import CloudError, SgbotError

__all__ = ["JobContext", "JobObserver", "apply", "resolve", "run_job"]

logger = logging.getLogger(__name__)
_N = NotificationKind


async def run_job(ctx: JobContext, job: Job) -> None:
    """Carry out ``job``; returns when it needs no further delivery (the caller acks)."""
    handler = {
        JobKind.RESOLVE: resolve,
        JobKind.APPLY: apply,
        JobKind.REVOKE: end_grant,
        JobKind.EXPIRE_GRANT: end_grant,
    }[job.kind]
    await handler(ctx, job.request_id)


# -- resolve ---------------------------------------------------------------------------


async def resolve(ctx: JobContext, request_id: str) -> None:
    request = await ctx.store.require(request_id)
    working = await take(ctx, request, {RequestState.RECEIVED}, RequestState.RESOLVING)
    if working is None:
        return
    try:
        if working.extends is not None:
            resolved = await with_retries(ctx, lambda: resolve_extension(ctx, working))
        else:
            cloud = await with_retries(ctx, lambda: gateway_cloud(ctx, working))
            resolved = await with_retries(
                ctx, lambda: resolve_change(cloud, ctx.store, working, ctx.resolve_cache)
            )
            resolved = replace(resolved, region=cloud.region_id)
    except SgbotError as exc:
        await _reject(ctx, working, str(exc))
        return
    if resolved.problem is not None:
        await _reject(ctx, working, resolved.problem, resolved)
        return
    await _make_pending(ctx, working, resolved)


def _filled(resolved: Resolved) -> dict[str, object]:
    return {
        "gateway_id": resolved.gateway.unique_id,
        "gateway_name": resolved.gateway.name,
        "region": resolved.region,
        "gateway_security_group": resolved.gateway.security_group_id,
        "groups": resolved.groups,
        "resolution_path": resolved.path,
        "plan": resolved.plan,
        "ports": resolved.ports,
    }


async def _reject(
    ctx: JobContext,
    request: Request,
    reason: str,
    resolved: Resolved | None = None,
    **noted: object,
) -> None:
    details = request.evolve(**_filled(resolved), **noted) if resolved else request
    rejected = transition(details, RequestState.REJECTED, at=ctx.clock.now(), reason=reason)
    try:
        await ctx.store.commit(request, rejected, told(request, _N.TELL_REQUESTER))
    except StaleRequest:
        logger.info("request %s was settled by another worker", request.id)


async def _make_pending(ctx: JobContext, request: Request, resolved: Resolved) -> None:
    now = ctx.clock.now()
    policy = ctx.policy
    flags = risk_flags(resolved.ports, policy) if request.kind is RequestKind.AUTHORIZE else ()
    limits = AutoApprovalLimit(ctx.store.client, ctx.store.keys)
    ruled = await policy_outcome(ctx.policy_source, limits, request, resolved, now)
    if ruled.deny is not None:
        reason = say("policy.denied", note=ruled.note.text, deny=ruled.deny)
        await _reject(ctx, request, reason, resolved, policy=ruled.note)
        return
    expires_at = now + policy.pending_ttl
    remind_at = expires_at - policy.remind_before
    filled = request.evolve(
        **_filled(resolved),
        risk_flags=flags,
        required_approvals=ruled.required,
        approver_group=ruled.approver_group,
        policy=ruled.note,
        fingerprint=extension_fingerprint(request.extends)
        if request.extends is not None
        else fingerprint(resolved.gateway.unique_id, resolved.groups, resolved.ports, request.kind),
        expires_at=expires_at,
        updated_at=now,
    )
    try:
        saved = await ctx.store.mark_pending(
            request,
            filled,
            remind_at=remind_at if remind_at > now else None,
            effects=told(request, _N.POST_CARD, *(() if ruled.auto else (_N.TELL_REQUESTER,))),
        )
    except StaleRequest:
        logger.info("request %s was settled by another worker", request.id)
        return
    if ruled.auto and saved.state is RequestState.PENDING:
        await auto_approved(ctx.store, saved.id, now)


# -- apply -----------------------------------------------------------------------------


async def apply(ctx: JobContext, request_id: str) -> None:
    taken_at = ctx.clock.now()
    request = await ctx.store.require(request_id)
    if request.extends is not None:
        await apply_extension(ctx, request_id)
        return
    if await take(ctx, request, {RequestState.APPROVED}, RequestState.APPLYING) is None:
        return
    try:
        notes = await with_retries(ctx, lambda: _apply_pass(ctx, request_id))
    except CloudError as exc:
        ctx.observer.cloud_failed(error_code(exc))
        await _fail(ctx, request_id, exc)
    else:
        await _finish_apply(ctx, request_id, notes)
    _observe_apply(ctx, taken_at)


def _observe_apply(ctx: JobContext, taken_at: datetime) -> None:
    ctx.observer.apply_finished(max((ctx.clock.now() - taken_at).total_seconds(), 0.0))


def _failed(item: PlannedRule, exc: CloudError) -> RuleResult:
    return RuleResult(
        security_group_id=item.security_group_id,
        port_range=item.port_range,
        outcome=RuleOutcome.FAILED,
        cloud_request_id=exc.request_id,
        error=str(exc),
    )


async def _apply_pass(ctx: JobContext, request_id: str) -> list[str]:
    """One pass over the plan, skipping what earlier passes (or a dead worker) recorded."""
    request = await ctx.store.require(request_id)
    if request.state is not RequestState.APPLYING:
        return []
    if isinstance(request.command, RevokeRequest):
        return await revoke_earlier(ctx, request, request.command.request_id)
    done = {
        (r.security_group_id, r.port_range)
        for r in request.results
        if r.outcome is not RuleOutcome.FAILED
    }
    # A time-bound grant ends its duration after its first rule; later rules (and a retry)
    # are added with that same end, which their descriptions carry.
    until = request.grant_expires_at
    if until is None and request.duration is not None:
        until = ctx.clock.now() + request.duration
    todo = [
        item
        for item in request.plan
        if item.action in (RuleAction.ADD, RuleAction.DELETE)
        and (item.security_group_id, item.port_range) not in done
    ]
    adds = [item for item in todo if item.action is RuleAction.ADD]
    if adds:
        await _add_all(ctx, request, adds, until)
    notes: list[str] = []
    for item in todo:
        if item.action is not RuleAction.DELETE:
            continue
        keep = isinstance(request.command, RevokeRule) and request.command.keep_backend_rule
        try:
            result, note = await ownership.close_rule(
                ctx.writer(request), request, item, keep_backend_rule=keep
            )
        except CloudError as exc:
            await record_results(ctx, request.id, [_failed(item, exc)])  # why it is still there
            raise
        notes.extend([note] if note else [])
        await record_results(ctx, request.id, [result])
    return notes


async def _add_all(
    ctx: JobContext, request: Request, adds: list[PlannedRule], until: datetime | None
) -> None:
    """Add every rule left to add at once; record each result (a failed one says why it is
    missing), then raise the error that should end the pass, if any."""
    added = await add_rules(ctx.writer(request), request, adds, until)
    errors = [outcome for outcome in added if isinstance(outcome, CloudError)]
    results = [
        _failed(item, outcome) if isinstance(outcome, CloudError) else outcome
        for item, outcome in zip(adds, added, strict=True)
    ]
    await record_results(ctx, request.id, results, grant_ends=until)
    if errors:
        # One that a retry cannot mend ends the request now; otherwise the pass is retried.
        raise next((e for e in errors if not e.transient), errors[0])


async def _finish_apply(ctx: JobContext, request_id: str, notes: list[str]) -> None:
    now = ctx.clock.now()

    def finish(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.APPLYING:
            return None
        return lifecycle.applied(current, now, notes, ctx.policy)

    await ctx.store.update(request_id, finish)


async def _fail(ctx: JobContext, request_id: str, exc: CloudError) -> None:
    incident = ctx.incident_id()
    logger.error("incident %s: applying %s failed: %s", incident, request_id, exc)

    def fail(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.APPLYING:
            return None
        return lifecycle.apply_failed(current, ctx.clock.now(), str(exc), incident, ctx.policy)

    await ctx.store.update(request_id, fail)
