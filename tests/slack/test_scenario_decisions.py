"""Decisions on the card: deny with a reason, refused clicks, racing clicks, late clicks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from handlers.ids import ActionId, BlockId
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEVELOPER_ID, SECURITY_CHANNEL_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import (
    REQUEST,
    Chat,
    StartChat,
    button_value,
    card_click,
    card_of,
    dm_texts,
    mse_rules,
    private_notes,
    request_id_of,
    text_of,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]


def card_says(local_slack: LocalSlack, request_id: str, word: str) -> bool:
    card = card_of(local_slack, request_id)
    return card is not None and word in text_of(card) and not button_value(card, ActionId.APPROVE)


def added_rules(emulator: EmulatorHandle) -> int:
    return emulator.calls().get("AddSecurityGroupRule", 0)


def deny_with_reason(chat: Chat, approver: str, card: dict[str, Any], reason: str) -> None:
    """Click Deny, then submit ``reason`` in the form that click opens."""
    assert chat.click(approver, card, ActionId.DENY)[0] == 200
    form = chat.slack.wait_for(lambda: chat.slack.views(approver), 10)[-1]
    typed = {"type": "plain_text_input", "value": reason}
    state: dict[str, Any] = {BlockId.DENY_REASON: {ActionId.DENY_REASON_INPUT: typed}}
    assert chat.post(chat.signer.view_submission(approver, form, state))[0] == 200


def test_deny_with_a_reason(chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle) -> None:
    card, _ = chat.request_card(DEVELOPER_ID, REQUEST)
    request_id = button_value(card, ActionId.DENY)
    assert request_id is not None
    deny_with_reason(chat, APPROVER_IDS[0], card, "use the staging gateway")
    local_slack.wait_for(lambda: card_says(local_slack, request_id, "denied"), 30)
    local_slack.wait_for(
        lambda: any(
            request_id in t and "use the staging gateway" in t
            for t in dm_texts(local_slack, DEVELOPER_ID)
        ),
        30,
    )
    assert added_rules(emulator) == 0


def test_refused_clicks_change_nothing(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    requester = APPROVER_IDS[0]  # an approver asking for themselves
    card, request_id = chat.request_card(requester, REQUEST)
    for clicker, expected in ((requester, "yourself"), (DEVELOPER_ID, "not an approver")):
        url = chat.click_with_notes(clicker, card, ActionId.APPROVE)
        local_slack.wait_for(lambda u=url, e=expected: e in private_notes(local_slack, u), 10)  # type: ignore[misc]
    current = card_of(local_slack, request_id)
    assert current is not None
    assert button_value(current, ActionId.APPROVE) == request_id
    assert local_slack.calls("chat.update") == []
    assert added_rules(emulator) == 0


def test_ten_concurrent_approvals_apply_once(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    card, request_id = chat.request_card(DEVELOPER_ID, REQUEST)

    def approve(index: int) -> int:
        return chat.click(APPROVER_IDS[index % 2], card, ActionId.APPROVE)[0]

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert list(pool.map(approve, range(10))) == [200] * 10
    local_slack.wait_for(lambda: card_says(local_slack, request_id, "applied"), 30)
    groups = {
        rule["security_group_id"]
        for rule in mse_rules(emulator)
        if rule["port_range"] == "8080/8080"
    }
    assert added_rules(emulator) == len(groups) > 0


def test_a_click_after_expiry_refreshes_the_card(
    start_chat: StartChat,
    sgbot_env: dict[str, str],
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    chat = start_chat({**sgbot_env, "SGBOT_PENDING_TTL": "2s", "SGBOT_REMIND_BEFORE": "1s"})
    card, request_id = chat.request_card(DEVELOPER_ID, REQUEST)
    local_slack.wait_for(lambda: card_says(local_slack, request_id, "expired"), 30)
    updates_before = len(local_slack.calls("chat.update"))
    url = chat.click_with_notes(APPROVER_IDS[0], card, ActionId.APPROVE)
    local_slack.wait_for(lambda: "expired" in private_notes(local_slack, url), 10)
    local_slack.wait_for(lambda: len(local_slack.calls("chat.update")) > updates_before, 10)
    assert card_says(local_slack, request_id, "expired")
    assert added_rules(emulator) == 0


def test_a_button_edited_to_name_a_decided_request_leaves_the_clicked_card_alone(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    first, first_id = chat.request_card(DEVELOPER_ID, REQUEST)
    deny_with_reason(chat, APPROVER_IDS[0], first, "not now")
    local_slack.wait_for(lambda: card_says(local_slack, first_id, "denied"), 30)

    chat.ask(DEVELOPER_ID, REQUEST.replace("8080", "8081"))
    second = local_slack.wait_for(
        lambda: next(
            (
                card
                for card in local_slack.messages(SECURITY_CHANNEL_ID)
                if button_value(card, ActionId.APPROVE) not in (None, first_id)
            ),
            None,
        ),
        30,
    )
    assert second is not None
    second_id = request_id_of(second)
    tampered = card_click(chat.signer, APPROVER_IDS[1], second, ActionId.APPROVE, value=first_id)
    updates_before = len(local_slack.calls("chat.update"))
    assert chat.post(tampered)[0] == 200
    local_slack.wait_for(lambda: len(local_slack.calls("chat.update")) > updates_before, 10)
    still_second = card_of(local_slack, second_id)
    assert still_second is not None
    assert button_value(still_second, ActionId.APPROVE) == second_id
    assert card_says(local_slack, first_id, "denied")
    assert added_rules(emulator) == 0
