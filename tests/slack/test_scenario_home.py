"""App Home (my requests; pending approvals with buttons for approvers, policy-checked clicks)
and the request form's external select, answered from the cloud and then from the cache."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from handlers.ids import ActionId, BlockId, CallbackId
from standins.slack import LocalSlack, payloads
from standins.slack.directory import APPROVER_IDS, DEVELOPER_ID, SECURITY_CHANNEL_ID
from standins.slack.signer import FORM
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import PROD_GW_ID, REQUEST, Chat, button_value, card_of, dm_texts, text_of

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
APPROVER = APPROVER_IDS[0]


def open_home(chat: Chat, user: str) -> None:
    status, _ = chat.post(chat.signer.event_callback(chat.signer.app_home_opened(user)))
    assert status == 200


def home_click(chat: Chat, user: str, home: dict[str, Any]) -> None:
    """Approve clicked in App Home: Slack sends the view, and no channel or response URL."""
    value = button_value(home, ActionId.APPROVE)
    assert value is not None
    payload = payloads.block_actions(
        chat.signer.directory,
        user=user,
        action_id=ActionId.APPROVE,
        block_id="home-decision",
        value=value,
        channel=SECURITY_CHANNEL_ID,
        message=None,
        message_ts="0",
        response_url="",
        trigger_id="home-trigger",
        action_ts="1.0",
    )
    for absent in ("channel", "response_url", "message"):
        payload.pop(absent, None)
    payload["container"] = {"type": "view", "view_id": "VHOME"}
    payload["view"] = {"id": "VHOME", "type": "home", "blocks": home["blocks"]}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    status, _ = chat.post(chat.signer.sign(body, FORM))
    assert status == 200


def published_home(local_slack: LocalSlack, user: str, word: str) -> dict[str, Any]:
    """The user's Home once it mentions ``word``; empty (falsy) until then."""
    home = local_slack.home(user)
    return home if home is not None and word in text_of(home) else {}


def test_app_home_lists_mine_and_lets_only_approvers_approve(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    _, request_id = chat.request_card(DEVELOPER_ID, REQUEST)

    open_home(chat, DEVELOPER_ID)
    mine = local_slack.wait_for(lambda: published_home(local_slack, DEVELOPER_ID, request_id), 10)
    assert "Your requests" in text_of(mine)
    assert button_value(mine, ActionId.APPROVE) is None

    open_home(chat, APPROVER)
    theirs = local_slack.wait_for(lambda: published_home(local_slack, APPROVER, "Waiting for"), 10)
    assert button_value(theirs, ActionId.APPROVE) == request_id

    home_click(chat, DEVELOPER_ID, theirs)  # the requester is no approver
    local_slack.wait_for(
        lambda: any("not an approver" in t for t in dm_texts(local_slack, DEVELOPER_ID)), 10
    )
    assert emulator.calls().get("AddSecurityGroupRule", 0) == 0

    home_click(chat, APPROVER, theirs)

    def applied() -> bool:
        card = card_of(local_slack, request_id)
        return card is not None and ":white_check_mark: applied" in text_of(card)

    local_slack.wait_for(applied, 30)
    local_slack.wait_for(lambda: any(request_id in t for t in dm_texts(local_slack, APPROVER)), 10)
    refreshed = local_slack.wait_for(
        lambda: published_home(local_slack, APPROVER, "Nothing is waiting"), 10
    )
    assert button_value(refreshed, ActionId.APPROVE) is None
    assert emulator.calls().get("AddSecurityGroupRule", 0) > 0


def test_gateway_options_come_from_the_cloud_then_from_the_cache(
    chat: Chat, emulator: EmulatorHandle
) -> None:
    view = {"id": "VFORM", "callback_id": CallbackId.REQUEST_FORM, "private_metadata": ""}

    def suggest(typed: str) -> list[str]:
        status, body = chat.post(
            chat.signer.block_suggestion(
                DEVELOPER_ID, ActionId.GATEWAY_SELECT, typed, block_id=BlockId.GATEWAY, view=view
            )
        )
        assert status == 200
        return [option["value"] for option in json.loads(body)["options"]]

    before = sum(emulator.calls().values())
    assert suggest("prod") == [PROD_GW_ID]
    asked = sum(emulator.calls().values()) - before
    assert asked > 0
    assert PROD_GW_ID in suggest("")
    assert suggest("no-such-gateway") == []
    assert sum(emulator.calls().values()) - before == asked  # the cache answered
