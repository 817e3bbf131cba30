"""Hostile text in every field a person or the cloud controls, through every builder.

The same 40 KB string carrying broadcasts, mentions, a disguised link, emphasis, control
characters and fullwidth look-alikes goes into the reason, gateway and service names, the
resolution path, group names, plan and result errors, the state reason and the deny reason.
Every output must validate, stay within limits, and keep no markup but our own.
"""

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
    Surface,
    Verdict,
)
from approvals.policy import required_approvals
from bot.cloud.port import Gateway, GatewayRule
from handlers.block_parts import Message
from handlers.blocks import (
    ThreadEvent,
    approval_card,
    card_for,
    history_list,
    home_view,
    options_response,
    pending_list,
    request_form,
    requester_message,
    rules_list,
    status_message,
    thread_reply,
)
from handlers.blocks_forms import FormMetadata
from handlers.ids import BlockId
from tests.approvals.examples import HOME_ENTERPRISE, HOME_TEAM, REQUESTER_ID, T0, make_request
from tests.handlers.blockkit import (
    assert_inert,
    check_message,
    check_view,
    message_texts,
    text_objects,
)
from vocabulary.commands import Authorize, GatewayRef, PortRange, ServiceTarget

PAYLOAD = (
    "<!channel> <!here> <@U123> <#C999> <https://evil.example|click> *bold* _it_ ~s~ `x` "
    "\x00\x07\x1b[31m \u202eevil\u202c \u200b ＜!channel＞ ＜https://evil.example｜x＞ "  # noqa: RUF001
)
HOSTILE = (PAYLOAD * (40_960 // len(PAYLOAD) + 1))[:40_960]
KNOWN = {REQUESTER_ID, "U0ALICE"}
NOW = T0 + timedelta(minutes=5)
PORTS = (PortRange(start=22, end=22), PortRange(start=1, end=65535))
ALICE = Actor(org_id=HOME_ENTERPRISE, team_id=HOME_TEAM, user_id="U0ALICE")


def hostile_request(state: RequestState = RequestState.PENDING) -> Request:
    command = Authorize(
        gateway=GatewayRef(value=HOSTILE),
        target=ServiceTarget(name=HOSTILE, namespace=HOSTILE),
        ports=PORTS,
        duration=timedelta(hours=4),
        reason=HOSTILE[:500],
    )
    group = BackendGroup(
        security_group_id="sg-backend1", name=HOSTILE, group_type="normal", vpc_id=HOSTILE
    )
    where: dict[str, Any] = {"security_group_id": "sg-backend1", "port_range": PORTS[0]}
    flags = (RiskFlag.ALL_PORTS, RiskFlag.BROAD, RiskFlag.SENSITIVE_PORT)
    return make_request(
        command=command,
        state=state,
        ports=PORTS,
        gateway_id="gw-" + "c" * 32,
        gateway_name=HOSTILE,
        resolution_path=HOSTILE,
        groups=(group,) * 40,
        plan=tuple(
            PlannedRule(**where, action=action, reason=HOSTILE, existing_rule_id=12)
            for action in RuleAction
        )
        * 20,
        reason=HOSTILE,
        risk_flags=flags,
        required_approvals=required_approvals(flags),
        state_reason=HOSTILE,
        decisions=(
            Decision(actor=ALICE, verdict=Verdict.APPROVE, at=T0, reason=HOSTILE),
            Decision(actor=ALICE, verdict=Verdict.DENY, at=T0, reason=HOSTILE),
        ),
        results=tuple(
            RuleResult(**where, outcome=outcome, rule_id=5, error=HOSTILE)
            for outcome in RuleOutcome
        )
        * 20,
        incident_id=HOSTILE,
        grant_expires_at=T0 + timedelta(hours=4),
    )


def assert_safe(message: Message) -> None:
    check_message(message)
    assert_inert(message_texts(message), KNOWN)


@pytest.mark.parametrize("state", list(RequestState))
def test_cards_statuses_and_notices_render_hostile_text_inert(state: RequestState) -> None:
    request = hostile_request(state)
    card = card_for(request, now=NOW, emulated=True)
    assert_safe(card)
    texts = "\n".join(message_texts(card))
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt;" in texts  # rendered, not dropped
    assert "&lt;https://evil.example|click&gt; ∗bold∗" in texts  # noqa: RUF001
    assert_safe(status_message(request, now=NOW, emulated=False))
    assert_safe(requester_message(request, emulated=True))
    assert_safe(requester_message(request, emulated=False, grant_ending=True))


def test_the_pending_card_confirm_is_bounded_plain_text() -> None:
    card = approval_card(hostile_request(), now=NOW, emulated=False)
    assert_safe(card)
    approve = card["blocks"][-1]["elements"][0]
    assert approve["value"] == "REQ-7K2QD"
    assert approve["confirm"]["text"]["type"] == "plain_text"


@pytest.mark.parametrize("event", list(ThreadEvent))
def test_thread_replies_render_hostile_text_inert(event: ThreadEvent) -> None:
    assert_safe(thread_reply(hostile_request(RequestState.FAILED), event, emulated=True))


def test_lists_and_home_render_hostile_text_inert() -> None:
    requests = [hostile_request().evolve(id=f"REQ-{index:05d}") for index in range(60)]
    assert_safe(pending_list(requests, now=NOW, emulated=True))
    assert_safe(history_list(requests, emulated=True))
    view = home_view(requests, requests, now=NOW, emulated=True)
    check_view(view)
    assert_inert(text_objects(view, "mrkdwn"), KNOWN)


def test_rules_list_renders_hostile_names_inert() -> None:
    gateway = Gateway(
        unique_id="gw-" + "c" * 32, name=HOSTILE, security_group_id="sg-gw", vpc_id="vpc-1"
    )
    rules = [
        GatewayRule(
            rule_id=index,
            security_group_id="sg-backend1",
            ports=PortRange(start=80, end=80),
            description=HOSTILE,
            security_group_name=HOSTILE,
        )
        for index in range(1, 300)
    ]
    message = rules_list(gateway, rules, {1: "REQ-7K2QD"}, page_size=50, emulated=True)
    assert_safe(message)


def test_forms_and_options_keep_hostile_text_out_of_markup() -> None:
    view = request_form(
        {BlockId.GATEWAY: (HOSTILE, "gw-" + "c" * 32), BlockId.REASON: HOSTILE[:500]},
        FormMetadata(channel_id="C0DEV", surface=Surface.FORM),
        errors={BlockId.PORTS: HOSTILE, HOSTILE: HOSTILE},
    )
    check_view(view)
    assert_inert(text_objects(view, "mrkdwn"))
    answer = options_response([(HOSTILE, "gw-" + "c" * 32)] * 120)
    assert len(answer["options"]) == 100
    assert all(len(o["text"]["text"]) <= 75 for o in answer["options"])
    assert all(o["text"]["type"] == "plain_text" for o in answer["options"])
