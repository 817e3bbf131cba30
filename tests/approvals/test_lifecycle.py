"""How an apply and a grant's end settle, as pure functions of the request and the time."""

from __future__ import annotations

from datetime import timedelta

from approvals.effects import TimerKind
from approvals.lifecycle import apply_failed, end_refused, holding_state
from approvals.model import (
    PlannedRule,
    Request,
    RequestState,
    RuleAction,
    RuleOutcome,
    RuleResult,
)
from approvals.outbox import NotificationKind
from tests.approvals.examples import T0, make_config, make_request
from vocabulary.commands import PortRange

P8080 = PortRange(start=8080, end=8080)
P8081 = PortRange(start=8081, end=8081)
END = T0 + timedelta(hours=4)


def planned(ports: PortRange) -> PlannedRule:
    return PlannedRule(security_group_id="sg-backend1", port_range=ports, action=RuleAction.ADD)


def result(ports: PortRange, outcome: RuleOutcome) -> RuleResult:
    rule_id = None if outcome is RuleOutcome.FAILED else ports.start
    return RuleResult(
        security_group_id="sg-backend1", port_range=ports, outcome=outcome, rule_id=rule_id
    )


def grant(state: RequestState, *results: RuleResult, **fields: object) -> Request:
    return make_request(
        state=state,
        gateway_id="gw-" + "a" * 32,
        plan=(planned(P8080), planned(P8081)),
        results=results,
        duration=timedelta(hours=4),
        **fields,
    )


def test_a_failure_after_a_rule_was_made_is_partly_applied_and_keeps_its_end() -> None:
    applying = grant(
        RequestState.APPLYING,
        result(P8080, RuleOutcome.CREATED),
        result(P8081, RuleOutcome.FAILED),
        grant_expires_at=END,
    )
    settled, effects = apply_failed(
        applying, T0 + timedelta(minutes=5), "quota", "INC-1", make_config()
    )
    assert settled.state is RequestState.PARTLY_APPLIED
    assert settled.grant_expires_at == END
    assert [(t.kind, t.due) for t in effects.set_timers] == [
        (TimerKind.GRANT_END, END),
        (TimerKind.GRANT_WARN, END - timedelta(hours=1)),
    ]


def test_a_failure_holding_nothing_is_failed_with_no_end() -> None:
    applying = grant(RequestState.APPLYING, result(P8080, RuleOutcome.FAILED))
    settled, effects = apply_failed(applying, T0, "quota", "INC-1", make_config())
    assert settled.state is RequestState.FAILED
    assert settled.grant_expires_at is None
    assert effects.set_timers == ()


def test_a_refused_end_goes_back_to_the_state_it_held() -> None:
    partial = grant(RequestState.REVOKING, result(P8080, RuleOutcome.CREATED), grant_expires_at=END)
    whole = grant(
        RequestState.REVOKING,
        result(P8080, RuleOutcome.CREATED),
        result(P8081, RuleOutcome.EXISTED),
        grant_expires_at=END,
    )
    assert holding_state(partial) is RequestState.PARTLY_APPLIED
    assert holding_state(whole) is RequestState.APPLIED
    assert end_refused(partial, END, "no", "INC-1", make_config())[0].state is (
        RequestState.PARTLY_APPLIED
    )


def ending_at_its_limit() -> Request:
    """A one-rule grant whose time limit has come: the worker is removing its rule."""
    return grant(
        RequestState.REVOKING,
        result(P8080, RuleOutcome.CREATED),
        grant_expires_at=END,
        state_reason="time limit reached",
    )


def test_the_overdue_alert_is_never_late_for_the_backoff() -> None:
    policy = make_config(end_overdue_after=timedelta(minutes=10))
    current = ending_at_its_limit()
    now = END
    attempts = []
    alerts = 0
    for _ in range(5):
        kept, effects = end_refused(current, now, "refused", "INC-1", policy)
        assert kept.end is not None
        alerts += [n.kind for n in effects.notifications].count(NotificationKind.ALERT_END_OVERDUE)
        attempts.append(kept.end.next_attempt_at - END)
        now = kept.end.next_attempt_at
        current = kept.evolve(state=RequestState.REVOKING, state_reason=kept.end.why)
    minutes = [int(a.total_seconds() // 60) for a in attempts]
    assert minutes == [1, 3, 7, 10, 26]  # 7 + 8 would pass the alert at 10; then 10 + 16
    assert alerts == 1
    assert kept.end is not None
    assert kept.end.overdue_since == END + timedelta(minutes=10)
    assert kept.end.why == "time limit reached"


def test_a_first_refusal_past_the_overdue_mark_alerts_at_once() -> None:
    # The end itself ran late (the workers were down): its first refusal is already overdue.
    policy = make_config(end_overdue_after=timedelta(minutes=15))
    current = ending_at_its_limit()
    kept, effects = end_refused(current, END + timedelta(minutes=40), "refused", "INC-1", policy)
    kinds = [n.kind for n in effects.notifications]
    assert NotificationKind.ALERT_END_OVERDUE in kinds
    assert NotificationKind.THREAD_REPLY in kinds
    assert kept.end is not None
    assert kept.end.overdue_since == END + timedelta(minutes=40)
    # Later refusals do not alert again.
    again = kept.evolve(state=RequestState.REVOKING)
    _, later = end_refused(again, kept.end.next_attempt_at, "refused", "INC-1", policy)
    assert NotificationKind.ALERT_END_OVERDUE not in [n.kind for n in later.notifications]
