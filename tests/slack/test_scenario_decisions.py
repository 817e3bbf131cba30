"""Decisions on the card: deny with a reason, refused clicks, racing clicks, late clicks."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.slack_local import LocalSlack, SlackSigner
from bot.slack_local.directory import APPROVER_IDS, DEVELOPER_ID, SECURITY_CHANNEL_ID
from handlers.ids import ActionId, BlockId
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.sgbot_process import SgbotProcess
from tests.slack.scenario import (
    PROD_GW,
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


def card_says(local_slack: LocalSlack, request_id: str, word: str) -> bool:
    card = card_of(local_slack, request_id)
    return card is not None and word in text_of(card) and not button_value(card, ActionId.APPROVE)


def added_rules(emulator: EmulatorHandle) -> int:
    return emulator.calls().get("AddSecurityGroupRule", 0)


def test_deny_with_a_reason(
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    bot = start_sgbot(sgbot_env)
    ask(slack_signer, bot.events_url, DEVELOPER_ID, REQUEST)
    card = wait_for_card(local_slack)
    request_id = button_value(card, ActionId.DENY)
    assert request_id is not None
    approver = APPROVER_IDS[0]
    assert click(slack_signer, bot.events_url, approver, card, ActionId.DENY)[0] == 200
    form = local_slack.wait_for(lambda: local_slack.views(approver), 10)[-1]
    reason = {"type": "plain_text_input", "value": "use the staging gateway"}
    state: dict[str, Any] = {BlockId.DENY_REASON: {ActionId.DENY_REASON_INPUT: reason}}
    status, _ = slack_signer.view_submission(approver, form, state).post(bot.events_url)
    assert status == 200
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
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    bot = start_sgbot(sgbot_env)
    requester = APPROVER_IDS[0]  # an approver asking for themselves
    ask(slack_signer, bot.events_url, requester, REQUEST)
    card = wait_for_card(local_slack)
    for clicker, expected in ((requester, "yourself"), (DEVELOPER_ID, "not an approver")):
        url = local_slack.new_response_url(clicker, SECURITY_CHANNEL_ID)
        assert (
            click(slack_signer, bot.events_url, clicker, card, ActionId.APPROVE, response_url=url)[
                0
            ]
            == 200
        )
        local_slack.wait_for(lambda u=url, e=expected: e in private_notes(local_slack, u), 10)  # type: ignore[misc]
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None
    current = card_of(local_slack, request_id)
    assert current is not None
    assert button_value(current, ActionId.APPROVE) == request_id
    assert local_slack.calls("chat.update") == []
    assert added_rules(emulator) == 0


def test_ten_concurrent_approvals_apply_once(
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    bot = start_sgbot(sgbot_env)
    ask(slack_signer, bot.events_url, DEVELOPER_ID, REQUEST)
    card = wait_for_card(local_slack)
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None

    def approve(index: int) -> int:
        approver = APPROVER_IDS[index % 2]
        return click(slack_signer, bot.events_url, approver, card, ActionId.APPROVE)[0]

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert list(pool.map(approve, range(10))) == [200] * 10
    local_slack.wait_for(lambda: card_says(local_slack, request_id, "applied"), 30)
    groups = {
        rule["security_group_id"]
        for rule in emulator.state()["mse_rules"][PROD_GW_ID]
        if rule["port_range"] == "8080/8080"
    }
    assert added_rules(emulator) == len(groups) > 0


def test_a_click_after_expiry_refreshes_the_card(
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    bot = start_sgbot({**sgbot_env, "SGBOT_PENDING_TTL": "2s", "SGBOT_REMIND_BEFORE": "1s"})
    ask(slack_signer, bot.events_url, DEVELOPER_ID, REQUEST)
    card = wait_for_card(local_slack)
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None
    local_slack.wait_for(lambda: card_says(local_slack, request_id, "expired"), 30)
    updates_before = len(local_slack.calls("chat.update"))
    url = local_slack.new_response_url(APPROVER_IDS[0], SECURITY_CHANNEL_ID)
    assert (
        click(
            slack_signer, bot.events_url, APPROVER_IDS[0], card, ActionId.APPROVE, response_url=url
        )[0]
        == 200
    )
    local_slack.wait_for(lambda: "expired" in private_notes(local_slack, url), 10)
    local_slack.wait_for(lambda: len(local_slack.calls("chat.update")) > updates_before, 10)
    assert card_says(local_slack, request_id, "expired")
    assert added_rules(emulator) == 0


def test_a_button_edited_to_name_a_decided_request_leaves_the_clicked_card_alone(
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    bot = start_sgbot(sgbot_env)
    ask(slack_signer, bot.events_url, DEVELOPER_ID, REQUEST)
    first = wait_for_card(local_slack)
    first_id = button_value(first, ActionId.APPROVE)
    assert first_id is not None
    assert click(slack_signer, bot.events_url, APPROVER_IDS[0], first, ActionId.DENY)[0] == 200
    form = local_slack.wait_for(lambda: local_slack.views(APPROVER_IDS[0]), 10)[-1]
    reason = {"type": "plain_text_input", "value": "not now"}
    state: dict[str, Any] = {BlockId.DENY_REASON: {ActionId.DENY_REASON_INPUT: reason}}
    assert slack_signer.view_submission(APPROVER_IDS[0], form, state).post(bot.events_url)[0] == 200
    local_slack.wait_for(lambda: card_says(local_slack, first_id, "denied"), 30)

    ask(slack_signer, bot.events_url, DEVELOPER_ID, REQUEST.replace("8080", "8081"))
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
    second_id = button_value(second, ActionId.APPROVE)
    assert second_id is not None
    tampered = slack_signer.block_actions(
        APPROVER_IDS[1],
        ActionId.APPROVE,
        first_id,
        block_id=BlockId.DECISION,
        channel=SECURITY_CHANNEL_ID,
        message=second,
    )
    updates_before = len(local_slack.calls("chat.update"))
    assert tampered.post(bot.events_url)[0] == 200
    local_slack.wait_for(lambda: len(local_slack.calls("chat.update")) > updates_before, 10)
    still_second = card_of(local_slack, second_id)
    assert still_second is not None
    assert button_value(still_second, ActionId.APPROVE) == second_id
    assert card_says(local_slack, first_id, "denied")
    assert added_rules(emulator) == 0
