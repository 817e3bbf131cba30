"""How an apply or a grant's end settles: the new request and what its commit owes. Pure.

* ``applied``: every planned rule is in place; a time-bound grant keeps the end its first rule
  fixed (``grant_expires_at``) and gets its end and warning timers.
* ``apply_failed``: the cloud refused. A grant that holds some rules (created, or co-owned) is
  ``partly_applied``: it keeps them, and a time-bound one ends when its first rule said, like
  an applied grant; anything else is ``failed`` (nothing held, so nothing changed).
* ``end_refused``: the cloud refused to remove a grant's rules. The grant goes back to holding
  them (``applied``, or ``partly_applied`` when some planned rule never was) and keeps its
  ownership; the next attempt backs off from ``END_RETRY_FIRST`` doubling to ``END_RETRY_CAP``.
  Only the first refusal is told in the card's thread; once the grant is
  ``end_overdue_after`` past its end the security channel is alerted, once, and the grant shows
  "end overdue" until its rules are gone. Attempts are never later than that alert is due.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from approvals.effects import Effects, Timer, TimerKind
from approvals.machine import transition
from approvals.model import EndProgress, Request, RequestKind, RequestState, RuleAction
from approvals.outbox import NotificationKind, ThreadEvent, notifications
from approvals.ownership import RELIED_ON_OUTCOMES, held_results
from approvals.policy import PolicyConfig
from bot.catalogue import say

_N = NotificationKind
Change = tuple[Request, Effects]
END_RETRY_FIRST = timedelta(minutes=1)
END_RETRY_CAP = timedelta(hours=1)


def _told(request: Request, *kinds: NotificationKind, step: ThreadEvent | None = None) -> Effects:
    return Effects(notifications=notifications(request.id, request.version + 1, *kinds, step=step))


def grant_timers(request_id: str, ends: datetime, now: datetime, policy: PolicyConfig) -> Effects:
    """The end timer of a time-bound grant, and its warning while that is still ahead."""
    timers = [Timer(kind=TimerKind.GRANT_END, request_id=request_id, due=ends)]
    warn_at = ends - policy.grant_warn_before
    if warn_at > now:
        timers.append(Timer(kind=TimerKind.GRANT_WARN, request_id=request_id, due=warn_at))
    return Effects(set_timers=tuple(timers))


def _with_end(current: Request, held: Request, now: datetime, policy: PolicyConfig) -> Change:
    """``held`` (a grant now holding rules) with its end fixed and timed, if it has one."""
    if current.kind is not RequestKind.AUTHORIZE or current.duration is None:
        return held, Effects()
    ends = current.grant_expires_at or now + current.duration
    return held.evolve(grant_expires_at=ends), grant_timers(current.id, ends, now, policy)


def applied(current: Request, now: datetime, notes: list[str], policy: PolicyConfig) -> Change:
    done = transition(current, RequestState.APPLIED, at=now, reason="; ".join(notes) or None)
    kinds = (_N.UPDATE_CARD, _N.THREAD_REPLY, _N.TELL_REQUESTER)
    saved, timers = _with_end(current, done, now, policy)
    return saved, _told(current, *kinds, step=ThreadEvent.APPLIED).plus(timers)


def apply_failed(
    current: Request, now: datetime, reason: str, incident: str, policy: PolicyConfig
) -> Change:
    """``current`` (applying) settled after the cloud refused part of its plan."""
    holds = current.kind is RequestKind.AUTHORIZE and bool(held_results(current))
    state = RequestState.PARTLY_APPLIED if holds else RequestState.FAILED
    step = ThreadEvent.PARTLY_APPLIED if holds else ThreadEvent.FAILED
    failed = transition(current, state, at=now, reason=reason).evolve(incident_id=incident)
    kinds = (_N.UPDATE_CARD, _N.THREAD_REPLY, _N.TELL_REQUESTER)
    if not holds:
        return failed, _told(current, *kinds, step=step)
    saved, timers = _with_end(current, failed, now, policy)
    return saved, _told(current, *kinds, step=step).plus(timers)


def holding_state(grant: Request) -> RequestState:
    """``applied`` when every rule the plan adds is in place for it, else ``partly_applied``."""
    held = {
        (r.security_group_id, r.port_range)
        for r in grant.results
        if r.outcome in RELIED_ON_OUTCOMES and r.rule_id is not None
    }
    wanted = {(p.security_group_id, p.port_range) for p in grant.plan if p.action is RuleAction.ADD}
    return RequestState.APPLIED if wanted <= held else RequestState.PARTLY_APPLIED


def end_overdue_at(grant: Request, policy: PolicyConfig) -> datetime | None:
    """When a grant still holding its rules counts as overdue (None: it has no end)."""
    if grant.grant_expires_at is None:
        return None
    return grant.grant_expires_at + policy.end_overdue_after


def end_refused(
    current: Request, now: datetime, error: str, incident: str, policy: PolicyConfig
) -> Change:
    """``current`` (revoking) back to holding its rules, with its end retried later."""
    before = current.end
    failures = 1 if before is None else before.failures + 1
    delay = min(END_RETRY_FIRST * 2 ** (failures - 1), END_RETRY_CAP)
    next_attempt = now + delay
    overdue_at = end_overdue_at(current, policy)
    alerted = before.overdue_since if before is not None else None
    alert = alerted is None and overdue_at is not None and now >= overdue_at
    if alerted is None and not alert and overdue_at is not None:
        next_attempt = min(next_attempt, overdue_at)  # the alert is never late
    progress = EndProgress(
        why=current.state_reason or (before.why if before is not None else say("why.grant_ended")),
        failures=failures,
        next_attempt_at=next_attempt,
        last_error=error,
        overdue_since=now if alert else alerted,
    )
    kept = transition(current, holding_state(current), at=now, reason=error)
    kept = kept.evolve(incident_id=incident, end=progress)
    if before is None:
        # The first refusal may itself come after the overdue mark (the end ran late): the
        # alert goes out with it, since ``overdue_since`` set here stops any later one.
        kinds = (_N.UPDATE_CARD, _N.THREAD_REPLY) + ((_N.ALERT_END_OVERDUE,) if alert else ())
        effects = _told(current, *kinds, step=ThreadEvent.REVOKE_FAILED)
    elif alert:
        effects = _told(current, _N.UPDATE_CARD, _N.ALERT_END_OVERDUE)
    else:
        effects = Effects()
    retry = Timer(kind=TimerKind.GRANT_END, request_id=current.id, due=next_attempt)
    return kept, effects.plus(Effects(set_timers=(retry,)))
