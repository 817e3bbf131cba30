"""The App Home: request button, my requests, and approve/deny for approvers within 100 blocks."""

from __future__ import annotations

from datetime import timedelta

from approvals.model import RequestState
from handlers.block_parts import EMULATED_NOTICE
from handlers.blocks import home_view
from handlers.ids import ActionId
from tests.approvals.examples import REQUESTER_ID, T0, make_request
from tests.handlers.blockkit import (
    action_ids,
    assert_inert,
    check_view,
    elements,
    text_objects,
)

MINE = [
    make_request(id=f"REQ-M{index:04d}", updated_at=T0 + timedelta(minutes=index))
    for index in range(40)
]
PENDING = [
    make_request(
        id=f"REQ-P{index:04d}",
        state=RequestState.PENDING,
        expires_at=T0 + timedelta(hours=1 + index),
    )
    for index in range(60)
]


def test_approver_home_with_many_requests_stays_within_limits() -> None:
    view = home_view(MINE, PENDING, now=T0, emulated=True)
    check_view(view)
    assert view["type"] == "home"
    buttons = [b for b in elements(view["blocks"], "button") if b["action_id"] == ActionId.APPROVE]
    assert [b["value"] for b in buttons] == [f"REQ-P{index:04d}" for index in range(30)]
    texts = "\n".join(text_objects(view, "mrkdwn"))
    assert "…and 30 more" in texts
    assert "…and 25 older" in texts
    assert EMULATED_NOTICE in texts
    assert_inert(text_objects(view, "mrkdwn"), {REQUESTER_ID})


def test_non_approvers_see_no_decision_buttons() -> None:
    view = home_view(MINE[:3], None, now=T0, emulated=False)
    check_view(view)
    assert action_ids(view) == [ActionId.OPEN_REQUEST_FORM, ActionId.OPEN_CHECK_FORM]
    assert EMULATED_NOTICE not in "\n".join(text_objects(view, "mrkdwn"))


def test_empty_home_still_renders() -> None:
    view = home_view([], [], now=T0, emulated=False)
    check_view(view)
    texts = "\n".join(text_objects(view, "mrkdwn"))
    assert "not asked for anything" in texts
    assert "Nothing is waiting" in texts
