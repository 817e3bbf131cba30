"""Scenarios beyond approve and deny: retry after a cloud failure, cancel, cascade delete,
ending a grant from the card, the thread under the card, and what the requester hears."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.ids import ActionId
from standins.slack import LocalSlack
from standins.slack.directory import (
    APPROVER_IDS,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    GUEST_ID,
    SECURITY_CHANNEL_ID,
)
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import (
    PROD_GW,
    PROD_GW_GROUP,
    REQUEST,
    Chat,
    button_value,
    card_of,
    dm_texts,
    mse_rules,
    private_notes,
    text_of,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
APPROVER = APPROVER_IDS[0]


def card_with(local_slack: LocalSlack, request_id: str, word: str) -> dict[str, Any] | None:
    card = card_of(local_slack, request_id)
    return card if card is not None and word in text_of(card) else None


def thread_texts(local_slack: LocalSlack, card: dict[str, Any]) -> list[str]:
    replies = local_slack.thread(SECURITY_CHANNEL_ID, str(card["ts"]))
    return [text_of(m) for m in replies if m.get("ts") != card["ts"]]


def rules_on_8080(emulator: EmulatorHandle) -> list[dict[str, Any]]:
    return [r for r in mse_rules(emulator) if r["port_range"] == "8080/8080"]


def test_retry_on_a_failed_card_is_for_approvers_and_the_thread_tells_each_step_once(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    emulator.set_faults(
        fail=[
            {
                "action": "AddSecurityGroupRule",
                "code": "NoPermission",
                "http_status": 403,
                "count": None,
            }
        ]
    )
    card, request_id = chat.request_card(DEVELOPER_ID, REQUEST)
    chat.click(APPROVER, card, ActionId.APPROVE)

    failed = local_slack.wait_for(lambda: card_with(local_slack, request_id, "INC-"), 30)
    assert failed is not None
    assert button_value(failed, ActionId.RETRY) == request_id
    assert "NoPermission" in text_of(failed) or "AddSecurityGroupRule" in text_of(failed)

    refused = chat.click_with_notes(DEVELOPER_ID, failed, ActionId.RETRY)
    local_slack.wait_for(lambda: "Only an approver" in private_notes(local_slack, refused), 10)
    emulator.clear_faults()
    chat.click_with_notes(APPROVER, failed, ActionId.RETRY)

    applied = local_slack.wait_for(lambda: card_with(local_slack, request_id, "End access"), 30)
    assert applied is not None

    def steps_until_applied() -> list[str]:
        texts = thread_texts(local_slack, applied)
        return texts if texts and "is applied" in texts[-1] else []

    steps = local_slack.wait_for(steps_until_applied, 30)
    markers = [":x: Applying", ":repeat: Retrying", ":white_check_mark:"]
    assert [next(m for m in markers if m in text) for text in steps] == markers
    assert all(request_id in text for text in steps)


def test_the_requester_hears_what_will_happen_and_alone_can_cancel(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    _, request_id = chat.request_card(DEVELOPER_ID, REQUEST, response_url=url)
    local_slack.wait_for(lambda: "for approval" in private_notes(local_slack, url), 30)
    pending = private_notes(local_slack, url)
    for expected in (request_id, "sg-ackpoola01", "sg-ackpoolb02", "8080", "1 approval"):
        assert expected in pending
    assert SECURITY_CHANNEL_ID in pending

    refused = chat.ask(APPROVER, f"cancel {request_id}")
    assert "Only the requester" in refused
    assert card_with(local_slack, request_id, "Approve") is not None

    answer = chat.ask(DEVELOPER_ID, f"cancel {request_id}")
    assert f"{request_id}` is cancelled" in answer
    local_slack.wait_for(
        lambda: card_with(local_slack, request_id, ":heavy_minus_sign: cancelled"), 30
    )
    assert emulator.calls().get("AddSecurityGroupRule", 0) == 0


def test_revoking_a_rule_deletes_the_backend_rule_too(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    rule = mse_rules(emulator)[0]
    group = rule["security_group_id"]

    def backend_inbound() -> list[dict[str, Any]]:
        permissions: list[dict[str, Any]] = emulator.state()["security_groups"][group]
        return [
            p
            for p in permissions
            if p["port_range"] == rule["port_range"] and p["source_group_id"] == PROD_GW_GROUP
        ]

    assert backend_inbound()
    revoke = f"revoke rule {rule['id']} on gateway {PROD_GW}"
    card, request_id = chat.request_card(DEVELOPER_ID, revoke)
    chat.click(APPROVER, card, ActionId.APPROVE)
    local_slack.wait_for(
        lambda: card_with(local_slack, request_id, ":white_check_mark: applied"), 30
    )

    remaining = mse_rules(emulator)
    assert rule["id"] not in [r["id"] for r in remaining]
    assert backend_inbound() == []


def test_ending_a_grant_from_its_card_needs_the_requester_or_an_approver(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    card, request_id = chat.request_card(DEVELOPER_ID, f"{REQUEST} for 4h")
    chat.click(APPROVER, card, ActionId.APPROVE)
    applied = local_slack.wait_for(lambda: card_with(local_slack, request_id, "End access"), 30)
    assert applied is not None
    assert rules_on_8080(emulator)

    refused = chat.click_with_notes(GUEST_ID, applied, ActionId.END_GRANT)
    local_slack.wait_for(lambda: "guest accounts cannot" in private_notes(local_slack, refused), 10)
    assert card_with(local_slack, request_id, "End access") is not None

    chat.click_with_notes(APPROVER_IDS[1], applied, ActionId.END_GRANT)
    local_slack.wait_for(lambda: card_with(local_slack, request_id, ":wastebasket: revoked"), 30)
    assert rules_on_8080(emulator) == []
    local_slack.wait_for(
        lambda: any(
            request_id in t and "removed" in t for t in dm_texts(local_slack, DEVELOPER_ID)
        ),
        30,
    )
