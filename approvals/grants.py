"""The end of a grant: removing its rules when its time is up, or when it is revoked.

A grant ends in ``revoking``, reached from ``applied`` by its end timer (``approvals.timers``),
by the End access button, or by an approved "revoke REQ-…" whose apply pass calls
``revoke_earlier``. ``ownership.release_grant`` deletes only the rules no other grant still
holds, and the grant is then settled in ``revoked`` with what was removed and kept. A grant
whose rules could not be removed goes back to ``applied`` with the cloud's reason and an
incident id, and its end timer is set again ``REVOKE_RETRY_DELAY`` later
(``grant_end_retry``, which the worker's dead-letter path uses too).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from approvals import ownership
from approvals.effects import Effects, Timer, TimerKind
from approvals.job_context import (
    JobContext,
    error_code,
    record_result,
    take,
    told,
    with_retries,
)
from approvals.machine import transition
from approvals.model import Request, RequestState, RuleResult
from approvals.outbox import NotificationKind, ThreadEvent
from bot.errors import CloudError

logger = logging.getLogger(__name__)
_N = NotificationKind
REVOKE_RETRY_DELAY = timedelta(minutes=5)  # a grant whose rules could not be removed


def grant_end_retry(request_id: str, now: datetime) -> Timer:
    """The end timer set again for a grant whose rules are still in the cloud."""
    return Timer(kind=TimerKind.GRANT_END, request_id=request_id, due=now + REVOKE_RETRY_DELAY)


async def end_grant(ctx: JobContext, request_id: str) -> None:
    """Remove the rules of a grant in ``revoking`` (time limit reached, or ended early)."""
    grant = await ctx.store.require(request_id)
    if grant.state is not RequestState.REVOKING:
        return
    try:
        released = await with_retries(
            ctx, lambda: ownership.release_grant(ctx.cloud, ctx.store.work, grant)
        )
    except CloudError as exc:
        ctx.observer.cloud_failed(error_code(exc))
        await _keep_grant(ctx, request_id, exc)
        return
    reason = "; ".join([grant.state_reason or "grant ended", *released.notes])
    await _settle_grant(ctx, request_id, released.results, reason)


async def revoke_earlier(ctx: JobContext, request: Request, earlier_id: str) -> list[str]:
    """An approved "revoke REQ-…": end that grant now, keeping rules others still hold."""
    earlier = await ctx.store.require(earlier_id)
    working = await take(ctx, earlier, RequestState.APPLIED, RequestState.REVOKING)
    if working is None:
        return [f"{earlier_id} was already {earlier.state.value}"]
    released = await ownership.release_grant(ctx.cloud, ctx.store.work, working)
    # Results first: a crash before the grant is settled finds it still revoking and
    # releases again, which deletes nothing twice.
    for result in released.results:
        await record_result(ctx, request.id, result)
    reason = "; ".join([f"revoked by {request.id}", *released.notes])
    await _settle_grant(ctx, earlier_id, released.results, reason)
    return list(released.notes)


async def _settle_grant(
    ctx: JobContext, request_id: str, results: tuple[RuleResult, ...], reason: str
) -> None:
    def settle(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.REVOKING:
            return None
        ended = transition(current, RequestState.REVOKED, at=ctx.clock.now(), reason=reason)
        effects = told(
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
        effects = told(current, _N.THREAD_REPLY, step=ThreadEvent.REVOKE_FAILED)
        effects = effects.plus(Effects(set_timers=(grant_end_retry(current.id, now),)))
        return kept.evolve(incident_id=incident), effects

    await ctx.store.update(request_id, keep)
