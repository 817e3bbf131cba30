"""The job handlers: resolve a received request, apply an approved one, end a grant.

Jobs arrive at least once (a replayed or reclaimed stream entry), so every handler starts from
the stored state and does only what is left: ``received`` is taken to ``resolving`` with a
compare-and-set (a lost race means another worker has it); a worker finding ``resolving``,
``applying`` or ``revoking`` continues what a dead one started — that is no transition, just
the same state picked up again. Applying records each rule's result as it happens and skips
rules already recorded; ``ensure_rule`` lists before it adds, so a rule is never created twice.
Transient cloud errors are retried in place with backoff (``JobContext.retry``, bounded by
``attempts``); anything else ends the request in ``failed`` (or back in ``applied`` for a
grant that could not be removed) with the reason and an incident id. Every message goes
through the outbox in the commit that warrants it; a thread reply names its step. How long an
apply took and which cloud errors ended one are told to ``JobContext.observer``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from approvals import ownership
from approvals.clock import Clock
from approvals.effects import Effects, Job, JobKind, Timer, TimerKind
from approvals.ids import new_incident_id
from approvals.machine import transition
from approvals.model import (
    Request,
    RequestKind,
    RequestState,
    RuleAction,
    RuleOutcome,
    RuleResult,
    fingerprint,
)
from approvals.outbox import NotificationKind, ThreadEvent, notifications
from approvals.policy import PolicyConfig, required_approvals, risk_flags
from approvals.resolution import Resolved, resolve_change
from approvals.results import StaleRequest
from approvals.store import RequestStore
from bot.cloud.port import CloudPort
from bot.cloud.retry import RetryPolicy
from bot.commands import RevokeRequest, RevokeRule
from bot.errors import CloudError, SgbotError

logger = logging.getLogger(__name__)
T = TypeVar("T")
_N = NotificationKind
REVOKE_RETRY_DELAY = timedelta(minutes=5)  # a grant whose rules could not be removed


class JobObserver(Protocol):
    """Where a worker reports what it measured (``bot.metrics.Metrics`` in a serving process)."""

    def apply_finished(self, seconds: float) -> None:
        """An apply ended (applied or failed) ``seconds`` after its job was taken."""

    def cloud_failed(self, code: str) -> None:
        """A cloud error ended an apply, or kept a grant's rules in place."""


class NoObserver:
    """A worker that exports no metrics."""

    def apply_finished(self, seconds: float) -> None:
        return None

    def cloud_failed(self, code: str) -> None:
        return None


@dataclass(frozen=True)
class JobContext:
    """What the handlers need; ``attempts`` bounds in-place retries of transient errors."""

    store: RequestStore
    cloud: CloudPort
    clock: Clock
    policy: PolicyConfig
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    attempts: int = 3
    incident_id: Callable[[], str] = new_incident_id
    observer: JobObserver = field(default_factory=NoObserver)


async def run_job(ctx: JobContext, job: Job) -> None:
    """Carry out ``job``; returns when it needs no further delivery (the caller acks)."""
    handler = {
        JobKind.RESOLVE: resolve,
        JobKind.APPLY: apply,
        JobKind.REVOKE: end_grant,
        JobKind.EXPIRE_GRANT: end_grant,
    }[job.kind]
    await handler(ctx, job.request_id)


async def _with_retries(ctx: JobContext, step: Callable[[], Awaitable[T]]) -> T:
    for attempt in range(ctx.attempts):
        try:
            return await step()
        except CloudError as exc:
            if not exc.transient or attempt + 1 >= ctx.attempts:
                raise
            logger.warning("transient cloud error (%s); retrying", exc)
            await ctx.retry.pause(attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _told(request: Request, *kinds: NotificationKind, step: ThreadEvent | None = None) -> Effects:
    """The messages owed by the commit that saves ``request``'s next version."""
    return Effects(notifications=notifications(request.id, request.version + 1, *kinds, step=step))


def _error_code(exc: CloudError) -> str:
    return (exc.code or type(exc).__name__)[:40]


async def _take(
    ctx: JobContext, request: Request, start: RequestState, working: RequestState
) -> Request | None:
    """The request in ``working`` state, moving it from ``start``; None if not ours to do."""
    if request.state is working:
        return request
    if request.state is not start:
        return None
    try:
        return await ctx.store.commit(request, transition(request, working, at=ctx.clock.now()))
    except StaleRequest:
        return None  # another worker moved it first and carries on


# -- resolve ---------------------------------------------------------------------------


async def resolve(ctx: JobContext, request_id: str) -> None:
    request = await ctx.store.require(request_id)
    working = await _take(ctx, request, RequestState.RECEIVED, RequestState.RESOLVING)
    if working is None:
        return
    try:
        resolved = await _with_retries(ctx, lambda: resolve_change(ctx.cloud, ctx.store, working))
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
        "gateway_security_group": resolved.gateway.security_group_id,
        "groups": resolved.groups,
        "resolution_path": resolved.path,
        "plan": resolved.plan,
        "ports": resolved.ports,
    }


async def _reject(
    ctx: JobContext, request: Request, reason: str, resolved: Resolved | None = None
) -> None:
    details = request.evolve(**_filled(resolved)) if resolved else request
    rejected = transition(details, RequestState.REJECTED, at=ctx.clock.now(), reason=reason)
    try:
        await ctx.store.commit(request, rejected, _told(request, _N.TELL_REQUESTER))
    except StaleRequest:
        logger.info("request %s was settled by another worker", request.id)


async def _make_pending(ctx: JobContext, request: Request, resolved: Resolved) -> None:
    now = ctx.clock.now()
    policy = ctx.policy
    flags = risk_flags(resolved.ports, policy) if request.kind is RequestKind.AUTHORIZE else ()
    expires_at = now + policy.pending_ttl
    remind_at = expires_at - policy.remind_before
    filled = request.evolve(
        **_filled(resolved),
        risk_flags=flags,
        required_approvals=required_approvals(flags),
        fingerprint=fingerprint(
            resolved.gateway.unique_id, resolved.groups, resolved.ports, request.kind
        ),
        expires_at=expires_at,
        updated_at=now,
    )
    try:
        await ctx.store.mark_pending(
            request,
            filled,
            remind_at=remind_at if remind_at > now else None,
            effects=_told(request, _N.POST_CARD, _N.TELL_REQUESTER),
        )
    except StaleRequest:
        logger.info("request %s was settled by another worker", request.id)


# -- apply -----------------------------------------------------------------------------


async def apply(ctx: JobContext, request_id: str) -> None:
    taken_at = ctx.clock.now()
    request = await ctx.store.require(request_id)
    if await _take(ctx, request, RequestState.APPROVED, RequestState.APPLYING) is None:
        return
    try:
        notes = await _with_retries(ctx, lambda: _apply_pass(ctx, request_id))
    except CloudError as exc:
        ctx.observer.cloud_failed(_error_code(exc))
        await _fail(ctx, request_id, exc)
    else:
        await _finish_apply(ctx, request_id, notes)
    _observe_apply(ctx, taken_at)


def _observe_apply(ctx: JobContext, taken_at: datetime) -> None:
    ctx.observer.apply_finished(max((ctx.clock.now() - taken_at).total_seconds(), 0.0))


async def _apply_pass(ctx: JobContext, request_id: str) -> list[str]:
    """One pass over the plan, skipping what earlier passes (or a dead worker) recorded."""
    request = await ctx.store.require(request_id)
    if request.state is not RequestState.APPLYING:
        return []
    if isinstance(request.command, RevokeRequest):
        return await _revoke_earlier(ctx, request, request.command.request_id)
    done = {
        (r.security_group_id, r.port_range)
        for r in request.results
        if r.outcome is not RuleOutcome.FAILED
    }
    notes: list[str] = []
    for item in request.plan:
        if item.action not in (RuleAction.ADD, RuleAction.DELETE):
            continue
        if (item.security_group_id, item.port_range) in done:
            continue
        if item.action is RuleAction.ADD:
            result = await ownership.add_rule(ctx.cloud, ctx.store.work, request, item, ctx.retry)
        else:
            keep = isinstance(request.command, RevokeRule) and request.command.keep_backend_rule
            assert request.gateway_id is not None
            result, note = await ownership.close_rule(
                ctx.cloud, ctx.store.work, request.gateway_id, item, keep_backend_rule=keep
            )
            notes.extend([note] if note else [])
        await _record(ctx, request_id, result)
    return notes


async def _record(ctx: JobContext, request_id: str, result: RuleResult) -> None:
    """Save one rule's result at once, so a crash loses at most the rule in flight."""
    key = (result.security_group_id, result.port_range)

    def add_result(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.APPLYING:
            return None
        kept = [r for r in current.results if (r.security_group_id, r.port_range) != key]
        return current.with_results([*kept, result]).evolve(updated_at=ctx.clock.now()), Effects()

    await ctx.store.update(request_id, add_result)


async def _revoke_earlier(ctx: JobContext, request: Request, earlier_id: str) -> list[str]:
    """An approved "revoke REQ-…": end that grant now, keeping rules others still hold."""
    earlier = await ctx.store.require(earlier_id)
    working = await _take(ctx, earlier, RequestState.APPLIED, RequestState.REVOKING)
    if working is None:
        return [f"{earlier_id} was already {earlier.state.value}"]
    released = await ownership.release_grant(ctx.cloud, ctx.store.work, working)
    # Results first: a crash before the grant is settled finds it still revoking and
    # releases again, which deletes nothing twice.
    for result in released.results:
        await _record(ctx, request.id, result)
    reason = "; ".join([f"revoked by {request.id}", *released.notes])
    await _settle_grant(ctx, earlier_id, released.results, reason)
    return list(released.notes)


async def _finish_apply(ctx: JobContext, request_id: str, notes: list[str]) -> None:
    now = ctx.clock.now()

    def finish(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.APPLYING:
            return None
        applied = transition(current, RequestState.APPLIED, at=now, reason="; ".join(notes) or None)
        effects = _told(
            current, _N.UPDATE_CARD, _N.THREAD_REPLY, _N.TELL_REQUESTER, step=ThreadEvent.APPLIED
        )
        if current.kind is RequestKind.AUTHORIZE and current.duration is not None:
            ends = now + current.duration
            applied = applied.evolve(grant_expires_at=ends)
            timers = [Timer(kind=TimerKind.GRANT_END, request_id=current.id, due=ends)]
            warn_at = ends - ctx.policy.grant_warn_before
            if warn_at > now:
                timers.append(Timer(kind=TimerKind.GRANT_WARN, request_id=current.id, due=warn_at))
            effects = effects.plus(Effects(set_timers=tuple(timers)))
        return applied, effects

    await ctx.store.update(request_id, finish)


async def _fail(ctx: JobContext, request_id: str, exc: CloudError) -> None:
    incident = ctx.incident_id()
    logger.error("incident %s: applying %s failed: %s", incident, request_id, exc)

    def fail(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.APPLYING:
            return None
        failed = transition(current, RequestState.FAILED, at=ctx.clock.now(), reason=str(exc))
        effects = _told(
            current, _N.UPDATE_CARD, _N.THREAD_REPLY, _N.TELL_REQUESTER, step=ThreadEvent.FAILED
        )
        return failed.evolve(incident_id=incident), effects

    await ctx.store.update(request_id, fail)


# -- end of a grant --------------------------------------------------------------------


async def end_grant(ctx: JobContext, request_id: str) -> None:
    """Remove the rules of a grant in ``revoking`` (time limit reached, or ended early)."""
    grant = await ctx.store.require(request_id)
    if grant.state is not RequestState.REVOKING:
        return
    try:
        released = await _with_retries(
            ctx, lambda: ownership.release_grant(ctx.cloud, ctx.store.work, grant)
        )
    except CloudError as exc:
        ctx.observer.cloud_failed(_error_code(exc))
        await _keep_grant(ctx, request_id, exc)
        return
    reason = "; ".join([grant.state_reason or "grant ended", *released.notes])
    await _settle_grant(ctx, request_id, released.results, reason)


async def _settle_grant(
    ctx: JobContext, request_id: str, results: tuple[RuleResult, ...], reason: str
) -> None:
    def settle(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.REVOKING:
            return None
        ended = transition(current, RequestState.REVOKED, at=ctx.clock.now(), reason=reason)
        effects = _told(
            current, _N.UPDATE_CARD, _N.THREAD_REPLY, _N.TELL_REQUESTER, step=ThreadEvent.REVOKED
        )
        return ended.with_results(results), effects

    await ctx.store.update(request_id, settle)


async def _keep_grant(ctx: JobContext, request_id: str, exc: CloudError) -> None:
    """A grant whose rules could not be removed stays applied; its end timer fires again."""
    incident = ctx.incident_id()
    logger.error("incident %s: removing the rules of %s failed: %s", incident, request_id, exc)
    now = ctx.clock.now()

    def keep(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.REVOKING:
            return None
        kept = transition(current, RequestState.APPLIED, at=now, reason=str(exc))
        again = Timer(kind=TimerKind.GRANT_END, request_id=current.id, due=now + REVOKE_RETRY_DELAY)
        effects = _told(current, _N.THREAD_REPLY, step=ThreadEvent.REVOKE_FAILED)
        effects = effects.plus(Effects(set_timers=(again,)))
        return kept.evolve(incident_id=incident), effects

    await ctx.store.update(request_id, keep)
