"""With ``SGBOT_LANGUAGE=zh`` every surface the builders make reads in Chinese.

The card in every state, the thread replies for every step, the requester's message in every
state, the lists, App Home, the request and deny forms and the Confirm/Edit prompt are built
with the Chinese catalogue, and their text is searched for English phrasing left behind: two
English words in a row, once code spans, mentions, dates, emoji and known acronyms are taken
out. The request's own data is written in Chinese, so only our words are under test. Limits
are checked too: Chinese text must fit the same Block Kit limits.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from approvals.model import Decision, RequestState, RuleOutcome, RuleResult, Surface, Verdict
from approvals.outbox import ThreadEvent
from handlers.blocks import (
    card_for,
    deny_reason_form,
    end_overdue_alert,
    history_list,
    home_view,
    pending_list,
    request_form,
    requester_message,
    thread_reply,
)
from handlers.blocks_forms import FormMetadata
from handlers.blocks_reading import reading_prompt
from tests.approvals.examples import T0
from tests.handlers.blockkit import check_message, check_view, text_objects
from tests.handlers.test_blocks_card import ALICE, BOB, resolved
from vocabulary.commands import PortRange

NOW = T0 + timedelta(minutes=5)
# What may stand in Chinese text: markup, ids and names of products and protocols.
MARKUP = re.compile(r"`[^`]*`|<[^>]*>|:[a-z0-9_+\-]+:|\*|_")
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[\s,;.]+[A-Za-z]{2,})+\b")
NAMES = {"ENI", "VPC", "ECS", "MSE", "ACK", "RAM", "TCP", "UTC", "ID", "sgbot", "REQ", "Pod"}


pytestmark = pytest.mark.usefixtures("chinese")


def english_left(texts: list[str], allowed: set[str] = NAMES) -> list[str]:
    """English phrases in ``texts`` that are more than ``allowed`` names."""
    found = []
    for text in texts:
        bare = MARKUP.sub(" ", text)
        for match in ENGLISH_PHRASE.finditer(bare):
            words = set(re.findall(r"[A-Za-z]+", match.group()))
            if not words <= allowed:
                found.append(match.group())
    return found


def chinese_request(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "resolution_path": "直接指定的安全组",
        "reason": "部署结账服务",
        "decisions": (
            Decision(actor=ALICE, verdict=Verdict.APPROVE, at=T0 + timedelta(minutes=1)),
        ),
        "results": (
            RuleResult(
                security_group_id="sg-backend1",
                port_range=PortRange(start=8080, end=8080),
                outcome=RuleOutcome.CREATED,
                rule_id=4711,
            ),
        ),
        "grant_expires_at": T0 + timedelta(hours=5),
        "incident_id": "INC-4F9Z0M1C",
        "state_reason": "云端限流",
    }
    request = resolved(**(fields | overrides))
    plan = tuple(
        item.model_copy(update={"reason": "位于其他 VPC"}) if item.reason else item
        for item in request.plan
    )
    return request.evolve(plan=plan)


def message_texts(message: Any) -> list[str]:
    return [message["text"], *text_objects(message, "mrkdwn"), *text_objects(message, "plain_text")]


@pytest.mark.parametrize("state", list(RequestState))
def test_the_card_and_the_requester_message_are_chinese_in_every_state(
    state: RequestState,
) -> None:
    request = chinese_request(state=state)
    for message in (
        card_for(request, now=NOW, emulated=True),
        requester_message(request, emulated=True),
        requester_message(request, emulated=False, grant_ending=True),
    ):
        check_message(message)
        assert english_left(message_texts(message)) == []


@pytest.mark.parametrize("event", list(ThreadEvent))
def test_every_thread_reply_is_chinese(event: ThreadEvent) -> None:
    message = thread_reply(chinese_request(), event, emulated=False)
    check_message(message)
    assert english_left(message_texts(message)) == []


def test_a_denied_card_lists_and_alerts_are_chinese() -> None:
    denial = Decision(actor=BOB, verdict=Verdict.DENY, at=T0, reason="请改用 443")
    denied = chinese_request(state=RequestState.DENIED, decisions=(denial,))
    pending = chinese_request(state=RequestState.PENDING, results=())
    messages = [
        card_for(denied, now=NOW, emulated=False),
        pending_list([pending], now=NOW, emulated=True),
        pending_list([], now=NOW, emulated=False),
        history_list([pending, denied], emulated=False),
        history_list([], emulated=False),
        end_overdue_alert(chinese_request(state=RequestState.APPLIED), emulated=False),
        reading_prompt(
            "authorize gateway prod-gw to service orders on 8080",
            ["`prod-gw` 理解为网关"],
            "r" * 22,
            emulated=False,
        ),
    ]
    for message in messages:
        check_message(message)
        assert english_left(message_texts(message)) == []


def test_home_and_forms_are_chinese() -> None:
    pending = chinese_request(state=RequestState.PENDING, results=())
    views = [
        home_view([pending], [pending], now=NOW, emulated=True),
        home_view([], [], now=NOW, emulated=False),
        request_form({}, FormMetadata(surface=Surface.SLASH, channel_id="C0DEV")),
        deny_reason_form("REQ-7K2QD"),
    ]
    for view in views:
        check_view(view)
        texts = [*text_objects(view, "mrkdwn"), *text_objects(view, "plain_text")]
        assert english_left(texts) == []
    assert "新建申请" in str(views[0])
    assert "提交审批" in str(views[2])
