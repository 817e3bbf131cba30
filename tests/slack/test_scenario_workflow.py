"""Scenarios beyond approve and deny: retry after a cloud failure, cancel, cascade delete,
ending a grant from the card, the thread under the card, and what the requester hears."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.slack_local import LocalSlack, SlackSigner
from bot.slack_local.directory import (
    APPROVER_IDS,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    GUEST_ID,
    SECURITY_CHANNEL_ID,
)
from handlers.ids import ActionId
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.sgbot_process import SgbotProcess
from tests.slack.scenario import (
    PROD_GW,
    PROD_GW_GROUP,
    PROD_GW_ID,
    ask,
    button_value,
    card_of,
    click,
    dm_texts,
    private_notes,
    text_of,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
REQUEST = f"authorize gateway {PROD_GW} to service orders on 8080"
APPROVER = APPROVER_IDS[0]


def card_with(local_slack: LocalSlack, request_id: str, word: str) -> dict[str, Any] | None:
    card = card_of(local_slack, request_id)
    return card if card is not None and word in text_of(card) else None


def thread_texts(local_slack: LocalSlack, card: dict[str, Any]) -> list[str]:
    replies = local_slack.thread(SECURITY_CHANNEL_ID, str(card["ts"]))
    return [text_of(m) for m in replies if m.get("ts") != card["ts"]]


def click_with_notes(
    signer: SlackSigner,
    *,
    bot: SgbotProcess,
    local_slack: LocalSlack,
    user: str,
    card: Any,
    action: str,
) -> str:
    """Click as ``user``; returns the response URL the bot answers that click on."""
    url = local_slack.new_response_url(user, SECURITY_CHANNEL_ID)
    assert click(signer, bot.events_url, user, card, action, response_url=url)[0] == 200
    return url


def test_retry_on_a_failed_card_is_for_approvers_and_the_thread_tells_each_step_once(
    local_slack: LocalSlack,
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    emulator: EmulatorHandle,
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
    bot = start_sgbot(sgbot_env)
    ask(slack_signer, bot.events_url, DEVELOPER_ID, REQUEST)
    card = wait_for_card(local_slack)
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None
    click(slack_signer, bot.events_url, APPROVER, card, ActionId.APPROVE)

    failed = local_slack.wait_for(lambda: card_with(local_slack, request_id, "INC-"), 30)
    assert failed is not None
    assert button_value(failed, ActionId.RETRY) == request_id
    assert "NoPermission" in text_of(failed) or "AddSecurityGroupRule" in text_of(failed)

    refused = click_with_notes(
        slack_signer,
        bot=bot,
        local_slack=local_slack,
        user=DEVELOPER_ID,
        card=failed,
        action=ActionId.RETRY,
    )
    local_slack.wait_for(lambda: "Only an approver" in private_notes(local_slack, refused), 10)
    emulator.clear_faults()
    click_with_notes(
        slack_signer,
        bot=bot,
        local_slack=local_slack,
        user=APPROVER,
        card=failed,
        action=ActionId.RETRY,
    )

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
    local_slack: LocalSlack,
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    emulator: EmulatorHandle,
) -> None:
    bot = start_sgbot(sgbot_env)
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    status, _ = slack_signer.slash_command(
        DEVELOPER_ID, DEV_CHANNEL_ID, REQUEST, response_url=url
    ).post(bot.events_url)
    assert status == 200
    card = wait_for_card(local_slack)
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None
    local_slack.wait_for(lambda: "for approval" in private_notes(local_slack, url), 30)
    pending = private_notes(local_slack, url)
    for expected in (request_id, "sg-ackpoola01", "sg-ackpoolb02", "8080", "1 approval"):
        assert expected in pending
    assert SECURITY_CHANNEL_ID in pending

    refused = ask(slack_signer, bot.events_url, APPROVER, f"cancel {request_id}")
    assert "Only the requester" in refused
    assert card_with(local_slack, request_id, "Approve") is not None

    answer = ask(slack_signer, bot.events_url, DEVELOPER_ID, f"cancel {request_id}")
    assert f"{request_id}` is cancelled" in answer
    local_slack.wait_for(
        lambda: card_with(local_slack, request_id, ":heavy_minus_sign: cancelled"), 30
    )
    assert emulator.calls().get("AddSecurityGroupRule", 0) == 0


def test_revoking_a_rule_deletes_the_backend_rule_too(
    local_slack: LocalSlack,
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    emulator: EmulatorHandle,
) -> None:
    rule = emulator.state()["mse_rules"][PROD_GW_ID][0]
    group = rule["security_group_id"]

    def backend_inbound() -> list[dict[str, Any]]:
        permissions: list[dict[str, Any]] = emulator.state()["security_groups"][group]
        return [
            p
            for p in permissions
            if p["port_range"] == rule["port_range"] and p["source_group_id"] == PROD_GW_GROUP
        ]

    assert backend_inbound()
    bot = start_sgbot(sgbot_env)
    ask(
        slack_signer, bot.events_url, DEVELOPER_ID, f"revoke rule {rule['id']} on gateway {PROD_GW}"
    )
    card = wait_for_card(local_slack)
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None
    click(slack_signer, bot.events_url, APPROVER, card, ActionId.APPROVE)
    local_slack.wait_for(
        lambda: card_with(local_slack, request_id, ":white_check_mark: applied"), 30
    )

    remaining = emulator.state()["mse_rules"][PROD_GW_ID]
    assert rule["id"] not in [r["id"] for r in remaining]
    assert backend_inbound() == []


def test_ending_a_grant_from_its_card_needs_the_requester_or_an_approver(
    local_slack: LocalSlack,
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    emulator: EmulatorHandle,
) -> None:
    bot = start_sgbot(sgbot_env)
    ask(slack_signer, bot.events_url, DEVELOPER_ID, f"{REQUEST} for 4h")
    card = wait_for_card(local_slack)
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None
    click(slack_signer, bot.events_url, APPROVER, card, ActionId.APPROVE)
    applied = local_slack.wait_for(lambda: card_with(local_slack, request_id, "End access"), 30)
    added = [r for r in emulator.state()["mse_rules"][PROD_GW_ID] if r["port_range"] == "8080/8080"]
    assert added

    refused = click_with_notes(
        slack_signer,
        bot=bot,
        local_slack=local_slack,
        user=GUEST_ID,
        card=applied,
        action=ActionId.END_GRANT,
    )
    local_slack.wait_for(
        lambda: "Only the requester or an approver" in private_notes(local_slack, refused), 10
    )
    assert card_with(local_slack, request_id, "End access") is not None

    click_with_notes(
        slack_signer,
        bot=bot,
        local_slack=local_slack,
        user=APPROVER_IDS[1],
        card=applied,
        action=ActionId.END_GRANT,
    )
    local_slack.wait_for(lambda: card_with(local_slack, request_id, ":wastebasket: revoked"), 30)
    kept = [r for r in emulator.state()["mse_rules"][PROD_GW_ID] if r["port_range"] == "8080/8080"]
    assert kept == []
    local_slack.wait_for(
        lambda: any(
            request_id in t and "removed" in t for t in dm_texts(local_slack, DEVELOPER_ID)
        ),
        30,
    )
