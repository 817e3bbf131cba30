"""Timer handlers: pending deadlines, reminders, and the end of time-bound grants.

``run_due_timers`` leases the timers due at the injected clock's "now" (one script, so across
any number of replicas each timer goes to one of them), handles each, and acks it only once its
effect is committed. A timer whose handling fails (Redis away, the process killed) is not
dropped: its lease ends and it is due again for any replica. Timers are the fast path, not the
record: the request says when it expires or ends, and ``approvals.sweep`` puts back any timer
that went missing. A handler checks the request first, so a timer that outlived its reason
(a request approved before its deadline, a grant revoked early) or runs twice does nothing.
Ending a grant only moves it to ``revoking`` and queues the job that deletes its rules, because
cloud calls belong to job handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import timedelta

from approvals.effects import Effects, Job, JobKind, Timer, TimerKind
from approvals.job_context import JobContext
from approvals.machine import HOLDING, transition
from approvals.model import Request, RequestState
from approvals.outbox import NotificationKind, notification
from bot.catalogue import say
from bot.logs import bind, log_context, request_fields

logger = logging.getLogger(__name__)
_N = NotificationKind


async def run_due_timers(ctx: JobContext, lease: timedelta, limit: int = 100) -> int:
    """Handle the timers due now (up to ``limit``), each leased for ``lease``; how many."""
    claimed = await ctx.store.work.claim_due_timers(ctx.clock.now(), lease, limit)
    for item in claimed:
        try:
            with log_context(request_id=item.timer.request_id, timer=item.timer.kind.value):
                await handle_timer(ctx, item.timer)
            await ctx.store.work.ack_timer(item)
        except Exception:
            # Left leased: it is due again when the lease ends, here or on another replica.
            logger.exception(
                "%s timer of %s failed; it is tried again after %s",
                item.timer.kind.value, item.timer.request_id, lease,
            )  # fmt: skip
    return len(claimed)


async def handle_timer(ctx: JobContext, timer: Timer) -> None:
    request = await ctx.store.get(timer.request_id)
    if request is None:
        return  # finished and past retention
    bind(**request_fields(request))
    match timer.kind:
        case TimerKind.EXPIRE:
            await _expire(ctx, timer.request_id)
        case TimerKind.REMIND:
            await _tell_if(ctx, request, {RequestState.PENDING}, _N.REMIND_APPROVERS)
        case TimerKind.GRANT_WARN:
            await _tell_if(ctx, request, HOLDING, _N.WARN_GRANT_EXPIRY)
        case TimerKind.GRANT_END:
            await _end_grant(ctx, timer.request_id)


async def _tell_if(
    ctx: JobContext, request: Request, states: Collection[RequestState], kind: NotificationKind
) -> None:
    """A message that changes no request, so it goes to the outbox outside a commit."""
    if request.state in states:
        await ctx.store.outbox.enqueue(notification(kind, request.id, request.version))


async def _expire(ctx: JobContext, request_id: str) -> None:
    now = ctx.clock.now()

    def expire(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.PENDING:
            return None
        if current.expires_at is not None and now < current.expires_at:
            return None  # the deadline moved; its own timer is set for it
        reason = say("why.nobody_decided")
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
        due = current.end_due
        if current.state not in HOLDING or due is None or now < due:
            return None
        reason = current.end.why if current.end is not None else say("why.time_limit")
        revoking = transition(current, RequestState.REVOKING, at=now, reason=reason)
        return revoking, Effects(jobs=(Job(kind=JobKind.EXPIRE_GRANT, request_id=current.id),))

    await ctx.store.update(request_id, begin_revoking)
