"""Thread replies, requester notices, status and help."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.model import (
    Actor,
    CardRef,
    Decision,
    EndProgress,
    Request,
    RequestState,
    RuleOutcome,
    RuleResult,
    Verdict,
)
from bot.grammar.usage import HELP_TEXT
from handlers.blocks import (
    ThreadEvent,
    end_overdue_alert,
    help_message,
    requester_message,
    status_message,
    thread_reply,
)
from tests.approvals.examples import HOME_ENTERPRISE, HOME_TEAM, REQUESTER_ID, T0, make_request
from tests.handlers.blockkit import action_ids, assert_inert, check_message, message_texts
from vocabulary.commands import PortRange

ALICE = Actor(org_id=HOME_ENTERPRISE, team_id=HOME_TEAM, user_id="U0ALICE")
APPROVAL = Decision(actor=ALICE, verdict=Verdict.APPROVE, at=T0 + timedelta(minutes=1))
DENIAL = Decision(actor=ALICE, verdict=Verdict.DENY, at=T0, reason="too broad")
CREATED = RuleResult(
    security_group_id="sg-backend1",
    port_range=PortRange(start=8080, end=8080),
    outcome=RuleOutcome.CREATED,
    rule_id=4711,
)


def request_in(state: RequestState) -> Request:
    return make_request(
        state=state,
        decisions=(DENIAL,) if state is RequestState.DENIED else (APPROVAL,),
        results=(CREATED,),
        incident_id="INC-4F9Z0M1C" if state is RequestState.FAILED else None,
        state_reason="no such gateway; type `list rules for gateway NAME`"
        if state is RequestState.REJECTED
        else None,
        card=CardRef(channel_id="C0SECURITY", message_ts="1700000000.000100"),
        required_approvals=2,
    )


@pytest.mark.parametrize(
    ("state", "phrase"),
    [
        (RequestState.RECEIVED, "received; I'm resolving"),
        (RequestState.RESOLVING, "received; I'm resolving"),
        (RequestState.PENDING, "sent to <#C0SECURITY> for approval; it needs 2 approvals"),
        (RequestState.REJECTED, "no such gateway; type `list rules for gateway NAME`"),
        (RequestState.APPROVED, "Approved by <@U0ALICE>"),
        (RequestState.APPLYING, "Applying `REQ-7K2QD` now"),
        (RequestState.APPLIED, "created rule `4711`"),
        (RequestState.DENIED, "Denied by <@U0ALICE>"),
        (RequestState.FAILED, "Incident `INC-4F9Z0M1C`"),
        (RequestState.EXPIRED, "expired before anyone decided"),
        (RequestState.CANCELLED, "was cancelled"),
        (RequestState.REVOKING, "Removing the rules"),
        (RequestState.REVOKED, "rules of `REQ-7K2QD` are removed"),
    ],
)
def test_requester_hears_every_outcome(state: RequestState, phrase: str) -> None:
    message = requester_message(request_in(state), emulated=False)
    check_message(message)
    assert phrase in message["text"]
    assert_inert(message_texts(message), {"U0ALICE"})


def test_denied_notice_carries_the_reason() -> None:
    message = requester_message(request_in(RequestState.DENIED), emulated=True)
    assert "too broad" in message["text"]


def test_grant_ending_notice_names_the_end() -> None:
    ends = T0 + timedelta(hours=4)
    request = make_request(state=RequestState.APPLIED, grant_expires_at=ends)
    message = requester_message(request, emulated=False, grant_ending=True)
    assert f"<!date^{int(ends.timestamp())}^" in message["text"]
    assert "ends" in message["text"]


@pytest.mark.parametrize("event", list(ThreadEvent))
def test_every_thread_event_has_a_valid_reply(event: ThreadEvent) -> None:
    state = RequestState.FAILED if event is ThreadEvent.FAILED else RequestState.PENDING
    message = thread_reply(request_in(state), event, emulated=True)
    check_message(message)
    assert "REQ-7K2QD" in message["text"]
    assert_inert(message_texts(message), {REQUESTER_ID, "U0ALICE"})


def test_partial_approval_reply_says_how_many_are_missing() -> None:
    message = thread_reply(
        request_in(RequestState.PENDING), ThreadEvent.APPROVAL_RECORDED, emulated=False
    )
    assert "1 of 2 approvals: <@U0ALICE>" in message["text"]
    assert "waiting for 1 more" in message["text"]


@pytest.mark.parametrize("state", [RequestState.PENDING, RequestState.FAILED])
def test_status_has_the_card_content_without_buttons(state: RequestState) -> None:
    message = status_message(request_in(state), now=T0, emulated=False)
    check_message(message)
    assert action_ids(message) == []
    assert "`REQ-7K2QD`" in "\n".join(message_texts(message))


def test_help_keeps_our_formatting() -> None:
    message = help_message(HELP_TEXT, emulated=False)
    check_message(message)
    texts = "\n".join(message_texts(message)[1:])
    assert "*Commands*" in texts
    assert "`REQ-7F3K2`" in texts


def test_a_partly_applied_grant_says_what_it_keeps_and_what_can_follow() -> None:
    failed = RuleResult(
        security_group_id="sg-backend2",
        port_range=PortRange(start=8080, end=8080),
        outcome=RuleOutcome.FAILED,
        error="QuotaExceeded <@U0EVIL>",
    )
    request = make_request(
        state=RequestState.PARTLY_APPLIED,
        decisions=(APPROVAL,),
        results=(CREATED, failed),
        state_reason="the cloud refused",
        incident_id="INC-ABCDEFGH",
        grant_expires_at=T0 + timedelta(hours=4),
    )
    for reply in (
        thread_reply(request, ThreadEvent.PARTLY_APPLIED, emulated=False),
        requester_message(request, emulated=False),
    ):
        check_message(reply)
        text = "\n".join(message_texts(reply))
        assert "partly applied" in text
        assert "created rule `4711`" in text
        assert "`sg-backend2` port 8080 failed" in text
        assert "nothing" not in text
        assert_inert(message_texts(reply), {REQUESTER_ID, "U0ALICE"})


def test_the_end_overdue_alert_names_the_grant_the_reason_and_the_next_try() -> None:
    request = make_request(
        state=RequestState.APPLIED,
        gateway_id="gw-" + "a" * 32,
        results=(CREATED,),
        state_reason="gateway upgrading",
        incident_id="INC-ABCDEFGH",
        grant_expires_at=T0,
        end=EndProgress(
            why="time limit reached",
            failures=5,
            next_attempt_at=T0 + timedelta(minutes=31),
            last_error="IncorrectStatus.Gateway <!channel>",
            overdue_since=T0 + timedelta(minutes=15),
        ),
    )
    alert = end_overdue_alert(request, emulated=False)
    check_message(alert)
    text = "\n".join(message_texts(alert))
    assert "End overdue" in text
    assert "`REQ-7K2QD`" in text
    assert "IncorrectStatus.Gateway" in text
    assert "INC-ABCDEFGH" in text
    assert "<!channel>" not in text  # the cloud's words are escaped
