"""The other commands end to end: list rules, revoke by request id and by rule, the form."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.ids import ActionId, BlockId
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEV_CHANNEL_ID, DEVELOPER_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import (
    PROD_GW,
    PROD_GW_ID,
    Chat,
    card_of,
    cards,
    mse_rules,
    request_id_of,
    text_of,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]


def approve_next_card(chat: Chat, seen: int) -> str:
    """Approve the card after the first ``seen`` ones and wait until it is applied."""
    local_slack = chat.slack
    local_slack.wait_for(lambda: len(cards(local_slack)) > seen, 30)
    card = cards(local_slack)[seen]
    request_id = request_id_of(card)
    chat.click(APPROVER_IDS[0], card, ActionId.APPROVE)
    local_slack.wait_for(lambda: "applied" in text_of(card_of(local_slack, request_id) or {}), 30)
    return request_id


def test_list_rules_and_revokes(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    start = len(mse_rules(emulator))
    chat.ask(DEVELOPER_ID, f"authorize gateway {PROD_GW} to security group sg-legacyapp01 on 7070")
    granted = approve_next_card(chat, 0)
    assert len(mse_rules(emulator)) == start + 1

    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    chat.ask(DEVELOPER_ID, f"list rules for gateway {PROD_GW}", response_url=url)
    listing = local_slack.wait_for(
        lambda: [
            text_of(r) for r in local_slack.responses(url) if "Rules of gateway" in text_of(r)
        ],
        30,
    )[0]
    assert granted in listing
    assert "not created through sgbot" in listing

    chat.ask(DEVELOPER_ID, f"revoke {granted}")
    approve_next_card(chat, 1)
    local_slack.wait_for(lambda: len(mse_rules(emulator)) == start, 30)
    groups = emulator.state()["security_groups"]
    assert not any(p["port_range"] == "7070/7070" for p in groups["sg-legacyapp01"])

    chat.ask(DEVELOPER_ID, f"revoke rule 1 on gateway {PROD_GW} keep backend rule")
    approve_next_card(chat, 2)
    local_slack.wait_for(lambda: all(r["id"] != 1 for r in mse_rules(emulator)), 30)
    kept = emulator.state()["security_groups"]["sg-ackpoola01"]
    assert any(p["port_range"] == "443/443" for p in kept)


def test_the_request_form(chat: Chat, local_slack: LocalSlack) -> None:
    chat.ask(DEVELOPER_ID, f"authorize gateway {PROD_GW}")
    form = local_slack.wait_for(lambda: local_slack.views(DEVELOPER_ID), 10)[-1]
    bad: dict[str, Any] = {
        BlockId.GATEWAY: {ActionId.GATEWAY_SELECT: {"selected_option": {"value": PROD_GW_ID}}},
        BlockId.SERVICE: {ActionId.SERVICE_SELECT: {"selected_option": {"value": "orders"}}},
        BlockId.PORTS: {ActionId.PORTS_INPUT: {"type": "plain_text_input", "value": "http"}},
    }
    status, body = chat.post(chat.signer.view_submission(DEVELOPER_ID, form, bad))
    assert status == 200
    assert "errors" in body
    assert BlockId.PORTS in body
    good = {
        **bad,
        BlockId.PORTS: {ActionId.PORTS_INPUT: {"type": "plain_text_input", "value": "8080"}},
    }
    status, body = chat.post(chat.signer.view_submission(DEVELOPER_ID, form, good))
    assert status == 200
    assert "errors" not in body
    card = wait_for_card(local_slack)
    assert "orders" in text_of(card)
