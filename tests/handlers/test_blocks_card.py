"""The approval card: pending buttons, confirm wording, quorum, and every later state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from approvals.model import (
    Actor,
    BackendGroup,
    Decision,
    PlannedRule,
    Request,
    RequestState,
    RiskFlag,
    RuleAction,
    RuleOutcome,
    RuleResult,
    Verdict,
)
from handlers.block_parts import EMULATED_NOTICE
from handlers.blocks import approval_card, card_for
from handlers.ids import ActionId, BlockId
from tests.approvals.examples import HOME_ENTERPRISE, HOME_TEAM, REQUESTER_ID, T0, make_request
from tests.handlers.blockkit import (
    action_ids,
    assert_inert,
    check_message,
    elements,
    message_texts,
)
from vocabulary.commands import PortRange

NOW = T0 + timedelta(minutes=5)
ALICE = Actor(org_id=HOME_ENTERPRISE, team_id=HOME_TEAM, user_id="U0ALICE")
BOB = Actor(org_id=HOME_ENTERPRISE, team_id=HOME_TEAM, user_id="U0BOB")
GROUP = BackendGroup(
    security_group_id="sg-backend1", name="k8s nodes", group_type="normal", vpc_id="vpc-1"
)


def resolved(**overrides: Any) -> Request:
    fields: dict[str, Any] = {
        "gateway_id": "gw-" + "a" * 32,
        "gateway_name": "prod-gw",
        "groups": (GROUP,),
        "resolution_path": "security group named directly",
        "plan": (
            PlannedRule(
                security_group_id="sg-backend1",
                port_range=PortRange(start=8080, end=8080),
                action=RuleAction.ADD,
            ),
            PlannedRule(
                security_group_id="sg-backend2",
                port_range=PortRange(start=8080, end=8080),
                action=RuleAction.SKIP,
                existing_rule_id=12,
            ),
            PlannedRule(
                security_group_id="sg-backend3",
                port_range=PortRange(start=8080, end=8080),
                action=RuleAction.REFUSE,
                reason="group is in another VPC",
            ),
        ),
        "reason": "deploy checkout",
    }
    return make_request(**(fields | overrides))


def approve(actor: Actor, minutes: int = 1) -> Decision:
    return Decision(actor=actor, verdict=Verdict.APPROVE, at=T0 + timedelta(minutes=minutes))


def test_pending_card_has_approve_and_deny_carrying_only_the_request_id() -> None:
    request = resolved()
    card = approval_card(request, now=NOW, emulated=False)
    check_message(card)
    decision = next(b for b in card["blocks"] if b.get("block_id") == BlockId.DECISION)
    approve_button, deny_button = decision["elements"]
    assert (approve_button["action_id"], approve_button["style"]) == (ActionId.APPROVE, "primary")
    assert (deny_button["action_id"], deny_button["style"]) == (ActionId.DENY, "danger")
    assert approve_button["value"] == deny_button["value"] == request.id
    assert "confirm" in approve_button
    assert_inert(message_texts(card), {REQUESTER_ID})


def test_pending_card_shows_expiry_plan_and_fields() -> None:
    request = resolved()
    card = approval_card(request, now=NOW, emulated=False)
    texts = "\n".join(message_texts(card))
    assert f"<!date^{int(request.expires_at.timestamp())}^" in texts  # type: ignore[union-attr]
    assert "(in 23 hours)" in texts
    assert "add `sg-backend1` port 8080" in texts
    assert "skip `sg-backend2` port 8080 — already covered by rule `12`" in texts
    assert "refuse `sg-backend3` port 8080 — group is in another VPC" in texts
    assert "`prod-gw` (`gw-" in texts
    assert "4 hours" in texts
    assert f"<@{REQUESTER_ID}>" in texts


@pytest.mark.parametrize(
    ("flags", "ports", "title_word"),
    [
        ((RiskFlag.BROAD,), (PortRange(start=8000, end=8999),), "broad"),
        ((RiskFlag.SENSITIVE_PORT,), (PortRange(start=22, end=22),), "sensitive"),
        ((RiskFlag.ALL_PORTS, RiskFlag.BROAD), (PortRange(start=1, end=65535),), "ALL ports"),
    ],
)
def test_risky_requests_get_a_stronger_confirm_naming_the_ports(
    flags: tuple[RiskFlag, ...], ports: tuple[PortRange, ...], title_word: str
) -> None:
    plain = approval_card(resolved(), now=NOW, emulated=False)
    risky = approval_card(
        resolved(risk_flags=flags, ports=ports, required_approvals=2), now=NOW, emulated=False
    )
    check_message(risky)
    plain_confirm = elements(plain["blocks"], "button")[0]["confirm"]
    risky_confirm = elements(risky["blocks"], "button")[0]["confirm"]
    assert "style" not in plain_confirm
    assert risky_confirm["style"] == "danger"
    assert title_word in risky_confirm["title"]["text"]
    assert str(ports[0]) in risky_confirm["text"]["text"]
    assert len(risky_confirm["text"]["text"]) > len(plain_confirm["text"]["text"])


def test_card_shows_quorum_progress_with_who_approved() -> None:
    request = resolved(required_approvals=2, decisions=(approve(ALICE),))
    card = card_for(request, now=NOW, emulated=False)
    texts = "\n".join(message_texts(card))
    assert "1 of 2 approvals: <@U0ALICE>" in texts
    assert ActionId.APPROVE in action_ids(card)


@pytest.mark.parametrize("emulated", [True, False])
def test_emulated_cards_say_so_in_blocks_and_fallback(emulated: bool) -> None:
    card = approval_card(resolved(), now=NOW, emulated=emulated)
    assert (EMULATED_NOTICE in "\n".join(message_texts(card)[1:])) is emulated
    assert (EMULATED_NOTICE in card["text"]) is emulated


LATER_STATES = [state for state in RequestState if state is not RequestState.PENDING]


@pytest.mark.parametrize("state", LATER_STATES)
def test_cards_after_pending_have_no_approve_button(state: RequestState) -> None:
    request = resolved(state=state, decisions=(approve(ALICE),))
    card = card_for(request, now=NOW, emulated=True)
    check_message(card)
    assert ActionId.APPROVE not in action_ids(card)
    assert ActionId.DENY not in action_ids(card)
    retried = {RequestState.FAILED, RequestState.PARTLY_APPLIED}
    assert (ActionId.RETRY in action_ids(card)) is (state in retried)
    assert_inert(message_texts(card), {REQUESTER_ID, "U0ALICE"})


def test_pending_card_for_is_the_approval_card() -> None:
    request = resolved()
    assert card_for(request, now=NOW, emulated=False) == approval_card(
        request, now=NOW, emulated=False
    )


def test_applied_card_names_who_approved_and_the_rules_created() -> None:
    request = resolved(
        state=RequestState.APPLIED,
        decisions=(approve(ALICE, 3),),
        results=(
            RuleResult(
                security_group_id="sg-backend1",
                port_range=PortRange(start=8080, end=8080),
                outcome=RuleOutcome.CREATED,
                rule_id=4711,
            ),
        ),
        grant_expires_at=T0 + timedelta(hours=5),
    )
    texts = "\n".join(message_texts(card_for(request, now=NOW, emulated=False)))
    approved_at = int((T0 + timedelta(minutes=3)).timestamp())
    assert f"Approved by <@U0ALICE> <!date^{approved_at}^" in texts
    assert "created rule `4711` for `sg-backend1` port 8080" in texts
    assert "The grant ends" in texts


def test_failed_card_offers_retry_and_cancel_and_shows_the_incident() -> None:
    request = resolved(
        state=RequestState.FAILED,
        decisions=(approve(ALICE),),
        incident_id="INC-4F9Z0M1C",
        state_reason="the cloud is throttling",
    )
    card = card_for(request, now=NOW, emulated=False)
    failure = next(b for b in card["blocks"] if b.get("block_id") == BlockId.FAILURE)
    assert [e["action_id"] for e in failure["elements"]] == [ActionId.RETRY, ActionId.CANCEL]
    assert {e["value"] for e in failure["elements"]} == {request.id}
    texts = "\n".join(message_texts(card))
    assert "`INC-4F9Z0M1C`" in texts
    assert "the cloud is throttling" in texts


def test_denied_card_names_the_denier_and_reason() -> None:
    denial = Decision(
        actor=BOB, verdict=Verdict.DENY, at=T0 + timedelta(minutes=2), reason="use port 443"
    )
    request = resolved(state=RequestState.DENIED, decisions=(denial,))
    texts = "\n".join(message_texts(card_for(request, now=NOW, emulated=False)))
    assert "Denied by <@U0BOB>" in texts
    assert "use port 443" in texts


def test_a_person_the_workflow_names_by_id_is_shown_as_a_mention() -> None:
    # The workflow records "revoked by U0ALICE" (it speaks no chat); the card mentions her,
    # leaves words that merely look like ids alone, and never wraps a mention twice.
    revoked = make_request(
        state=RequestState.REVOKED, state_reason="revoked by U0ALICE; UNKNOWN; <@U0BOB>"
    )
    texts = "\n".join(message_texts(card_for(revoked, now=NOW, emulated=False)))
    assert "revoked by <@U0ALICE>; UNKNOWN; &lt;@U0BOB&gt;" in texts
