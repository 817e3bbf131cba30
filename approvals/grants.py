"""The end of a grant: removing its rules when its time is up, or when it is revoked.

A grant ends in ``revoking``, reached from ``applied`` or ``partly_applied`` by its end timer
(``approvals.timers``), by the End access button, or by an approved "revoke REQ-…" whose apply
pass calls ``revoke_earlier``. ``ownership.release_grant`` deletes only the rules no other grant
still holds, and the grant is then settled in ``revoked`` with what was removed and kept. A
grant whose rules the cloud would not remove goes back to holding them, with its ownership
intact, the cloud's reason and an incident id, and its end is tried again with backoff
(``lifecycle.end_refused``, which the worker's dead-letter path uses too).
"""

from __future__ import annotations

import logging

from approvals import lifecycle, ownership
from approvals.effects import Effects
from approvals.extend import settle_late_extensions
from approvals.job_context import (
    JobContext,
    error_code,
    record_result,
    told,
    with_retries,
)
from approvals.machine import HOLDING, transition
from approvals.model import Request, RequestState, RuleResult
from approvals.outbox import NotificationKind, ThreadEvent
from bot.catalogue import say
from vocabulary.errors import CloudError

logger = logging.getLogger(__name__)
_N = NotificationKind


async def end_grant(ctx: JobContext, request_id: str) -> None:
    """Remove the rules of a grant in ``revoking`` (time limit reached, or ended early)."""
    grant = await ctx.store.require(request_id)
    if grant.state is not RequestState.REVOKING:
        return
    try:
        released = await with_retries(
            ctx, lambda: ownership.release_grant(ctx.writer(grant), grant)
        )
    except CloudError as exc:
        ctx.observer.cloud_failed(error_code(exc))
        await keep_holding(ctx, request_id, str(exc))
        return
    await _settle_grant(ctx, request_id, released, grant.state_reason or say("why.grant_ended"))


async def revoke_earlier(ctx: JobContext, request: Request, earlier_id: str) -> list[str]:
    """An approved "revoke REQ-…": end that grant now, keeping rules others still hold."""
    earlier = await ctx.store.require(earlier_id)
    now = ctx.clock.now()
    why = say("why.revoked_by_request", request_id=request.id)

    def begin(current: Request) -> tuple[Request, Effects] | None:
        if current.state not in HOLDING:
            return None
        ends = min(current.grant_expires_at or now, now)  # a refused removal is retried then
        revoking = transition(current, RequestState.REVOKING, at=now, reason=why)
        return revoking.evolve(grant_expires_at=ends), Effects()

    if earlier.state is not RequestState.REVOKING:
        earlier = await ctx.store.update(earlier_id, begin)
        if earlier.state is not RequestState.REVOKING:
            state = say(f"state_name.{earlier.state.value}")
            return [say("note.already", request_id=earlier_id, state=state)]
    try:
        released = await ownership.release_grant(ctx.writer(earlier), earlier)
    except CloudError as exc:
        await keep_holding(ctx, earlier_id, str(exc))  # its own end retries from now on
        raise
    # Results first: a crash before the grant is settled finds it still revoking and
    # releases again, which deletes nothing twice.
    for result in released.results:
        await record_result(ctx, request.id, result)
    await _settle_grant(ctx, earlier_id, released, why)
    return list(released.notes)


async def _settle_grant(
    ctx: JobContext, request_id: str, released: ownership.Released, why: str
) -> None:
    reason = "; ".join([why, *released.notes])
    results: tuple[RuleResult, ...] = released.results

    def settle(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.REVOKING:
            return None
        ended = transition(current, RequestState.REVOKED, at=ctx.clock.now(), reason=reason)
        effects = told(
            current, _N.UPDATE_CARD, _N.THREAD_REPLY, _N.TELL_REQUESTER, step=ThreadEvent.REVOKED
        )
        return ended.with_results(results), effects

    await ctx.store.update(request_id, settle)
    await settle_late_extensions(ctx, request_id)


async def keep_holding(
    ctx: JobContext, request_id: str, error: str, incident: str | None = None
) -> None:
    """A grant whose rules could not be removed holds them still; its end is tried again."""
    incident = incident or ctx.incident_id()
    logger.error("incident %s: removing the rules of %s failed: %s", incident, request_id, error)
    now = ctx.clock.now()

    def keep(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.REVOKING:
            return None
        return lifecycle.end_refused(current, now, error, incident, ctx.policy)

    await ctx.store.update(request_id, keep)
