"""Timer handlers: pending deadlines, reminders, and the end of time-bound grants.

``run_due_timers`` claims the timers due at the injected clock's "now"; the claim removes them
in one script, so across any number of replicas each timer is handled once. A handler checks
the request's state first: a timer that outlived its reason (a request approved before its
deadline, a grant revoked early) does nothing. Ending a grant only moves it to ``revoking`` and
queues the job that deletes its rules, because cloud calls belong to job handlers.
"""

from __future__ import annotations

import logging

from approvals.effects import Effects, Job, JobKind, Timer, TimerKind
from approvals.job_context import JobContext
from approvals.machine import transition
from approvals.model import Request, RequestState
from approvals.outbox import NotificationKind, notification
from bot.logs import bind, log_context, request_fields

logger = logging.getLogger(__name__)
_N = NotificationKind


async def run_due_timers(ctx: JobContext, limit: int = 100) -> int:
    """Handle every timer due now (up to ``limit``); returns how many were claimed."""
    due = await ctx.store.work.claim_due_timers(ctx.clock.now(), limit)
    for timer in due:
        with log_context(request_id=timer.request_id, timer=timer.kind.value):
            await handle_timer(ctx, timer)
    return len(due)


async def handle_timer(ctx: JobContext, timer: Timer) -> None:
    request = await ctx.store.get(timer.request_id)
    if request is None:
        return  # finished and past retention
    bind(**request_fields(request))
    match timer.kind:
        case TimerKind.EXPIRE:
            await _expire(ctx, timer.request_id)
        case TimerKind.REMIND:
            await _tell_if(ctx, request, RequestState.PENDING, _N.REMIND_APPROVERS)
        case TimerKind.GRANT_WARN:
            await _tell_if(ctx, request, RequestState.APPLIED, _N.WARN_GRANT_EXPIRY)
        case TimerKind.GRANT_END:
            await _end_grant(ctx, timer.request_id)


async def _tell_if(
    ctx: JobContext, request: Request, state: RequestState, kind: NotificationKind
) -> None:
    """A message that changes no request, so it goes to the outbox outside a commit."""
    if request.state is state:
        await ctx.store.outbox.enqueue(notification(kind, request.id, request.version))


async def _expire(ctx: JobContext, request_id: str) -> None:
    now = ctx.clock.now()

    def expire(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.PENDING:
            return None
        if current.expires_at is not None and now < current.expires_at:
            return None  # the deadline moved; its own timer is set for it
        reason = "nobody decided before the deadline"
        expired = transition(current, RequestState.EXPIRED, at=now, reason=reason)
        version = current.version + 1
        told = tuple(
            notification(kind, current.id, version) for kind in (_N.UPDATE_CARD, _N.TELL_REQUESTER)
        )
        return expired, Effects(notifications=told)

    await ctx.store.update(request_id, expire)


async def _end_grant(ctx: JobContext, request_id: str) -> None:
    now = ctx.clock.now()

    def begin_revoking(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.APPLIED:
            return None
        if current.grant_expires_at is None or now < current.grant_expires_at:
            return None
        revoking = transition(current, RequestState.REVOKING, at=now, reason="time limit reached")
        return revoking, Effects(jobs=(Job(kind=JobKind.EXPIRE_GRANT, request_id=current.id),))

    await ctx.store.update(request_id, begin_revoking)
