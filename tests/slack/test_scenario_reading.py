"""Requests read by inference wait for the Confirm of the person who typed them, or an Edit.

Each test types a phrasing sgbot reads only by guessing part of it, sees "I read this as …"
with Confirm and Edit, and checks that nothing was stored or sent to approvers until the
requester confirms; then that Confirm stores exactly one request through the normal path,
that no one else can confirm, and that Edit opens the request form pre-filled.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from handlers.ids import ActionId, BlockId
from standins.slack import LocalSlack
from standins.slack.directory import (
    APPROVER_IDS,
    BOT_USER_ID,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    dm_channel_id,
)
from tests.handlers.blockkit import initial_values
from tests.slack.scenario import (
    PROD_GW,
    Chat,
    button_value,
    cards,
    request_id_of,
    stored_requests,
    text_of,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
GUESSED = "please authorize prod-gw to orders on port 8080"


def slash_prompt(chat: Chat, text: str, response_url: str) -> dict[str, Any]:
    """Type ``text`` as the slash command; the ack is the private prompt."""
    command = chat.signer.slash_command(
        DEVELOPER_ID, DEV_CHANNEL_ID, text, response_url=response_url
    )
    status, body = chat.post(command)
    assert status == 200, body
    prompt: dict[str, Any] = json.loads(body)
    return prompt


def click_reading(
    chat: Chat, user: str, action: str, value: str, *, channel: str, response_url: str
) -> None:
    """A click on the prompt, an ephemeral message that Slack does not send back."""
    chat.press(
        user,
        action,
        value,
        block_id=BlockId.READING,
        channel=channel,
        message_ts="1700000000.000100",
        response_url=response_url,
    )


def test_confirm_sends_a_guessed_request_once_and_only_for_its_author(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    prompt = slash_prompt(chat, GUESSED, url)
    said = text_of(prompt)
    assert "I read this as" in said
    assert f"authorize gateway {PROD_GW} to service orders on 8080" in said
    assert "taken as the gateway" in said
    value = button_value(prompt, ActionId.CONFIRM_READING)
    assert value is not None
    assert button_value(prompt, ActionId.EDIT_READING) == value
    assert stored_requests(sgbot_env) == 0

    intruder_url = local_slack.new_response_url(APPROVER_IDS[0], DEV_CHANNEL_ID)
    click_reading(
        chat, APPROVER_IDS[0], ActionId.CONFIRM_READING, value,
        channel=DEV_CHANNEL_ID, response_url=intruder_url,
    )  # fmt: skip
    refused = local_slack.wait_for(lambda: local_slack.responses(intruder_url), 10)
    assert "Only the person who typed" in text_of(refused[0])
    tampered_url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    click_reading(
        chat, DEVELOPER_ID, ActionId.CONFIRM_READING, "REQ-7F3K2",
        channel=DEV_CHANNEL_ID, response_url=tampered_url,
    )  # fmt: skip
    local_slack.wait_for(lambda: local_slack.responses(tampered_url), 10)
    assert stored_requests(sgbot_env) == 0
    assert cards(local_slack) == []

    confirm_url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    for _ in range(2):  # a double click
        click_reading(
            chat, DEVELOPER_ID, ActionId.CONFIRM_READING, value,
            channel=DEV_CHANNEL_ID, response_url=confirm_url,
        )  # fmt: skip
    card = wait_for_card(local_slack)
    request_id = request_id_of(card)
    assert "orders" in text_of(card)
    replaced = local_slack.wait_for(lambda: local_slack.responses(confirm_url), 10)[0]
    assert replaced["replace_original"] is True
    assert request_id in text_of(replaced)
    assert button_value(replaced, ActionId.CONFIRM_READING) is None
    assert stored_requests(sgbot_env) == 1
    assert len(cards(local_slack)) == 1


def test_a_strict_phrasing_goes_straight_through(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    prompt = slash_prompt(
        chat, f"please authorize gateway {PROD_GW} to service orders on 8080", url
    )
    assert "received" in text_of(prompt)
    assert button_value(prompt, ActionId.CONFIRM_READING) is None
    wait_for_card(local_slack)
    assert stored_requests(sgbot_env) == 1


def test_edit_opens_the_form_filled_with_the_reading(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    text = f"<@{BOT_USER_ID}> allow prod-gw to reach orders on port 8080 for 2h because load test"
    mention = chat.signer.app_mention(DEVELOPER_ID, DEV_CHANNEL_ID, text)
    assert chat.post(chat.signer.event_callback(mention))[0] == 200
    prompt = local_slack.wait_for(lambda: local_slack.ephemerals(DEVELOPER_ID), 10)[-1]
    assert "I read this as" in text_of(prompt)
    value = button_value(prompt, ActionId.EDIT_READING)
    assert value is not None
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    click_reading(
        chat, DEVELOPER_ID, ActionId.EDIT_READING, value, channel=DEV_CHANNEL_ID, response_url=url
    )
    form = local_slack.wait_for(lambda: local_slack.views(DEVELOPER_ID), 10)[-1]
    initial = initial_values(form)
    assert initial[BlockId.GATEWAY] == PROD_GW
    assert initial[BlockId.SERVICE] == "orders"
    assert initial[BlockId.PORTS] == "8080"
    assert initial[BlockId.DURATION] == "1h"  # 2h is not offered: the nearest shorter, noted
    assert "you asked for 2h" in text_of(form)
    assert initial[BlockId.REASON] == "load test"
    assert stored_requests(sgbot_env) == 0

    card = chat.submit_unchanged(DEVELOPER_ID, form)
    assert "orders" in text_of(card)
    assert "load test" in text_of(card)
    assert stored_requests(sgbot_env) == 1


def test_a_revoke_synonym_waits_for_confirm_in_a_dm(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    typed = "please close rule 1 on gw prod-gw and keep the backend rule"
    dm = chat.signer.direct_message(DEVELOPER_ID, typed)
    assert chat.post(chat.signer.event_callback(dm))[0] == 200
    channel = dm_channel_id(DEVELOPER_ID)
    prompt = local_slack.wait_for(lambda: local_slack.messages(channel), 10)[-1]
    assert "revoke rule 1 on gateway prod-gw keep backend rule" in text_of(prompt)
    assert "read as `revoke`" in text_of(prompt)
    assert stored_requests(sgbot_env) == 0
    value = button_value(prompt, ActionId.CONFIRM_READING)
    assert value is not None
    url = local_slack.new_response_url(DEVELOPER_ID, channel)
    click_reading(
        chat, DEVELOPER_ID, ActionId.CONFIRM_READING, value, channel=channel, response_url=url
    )
    card = wait_for_card(local_slack)
    assert "rule" in text_of(card).lower()
    assert stored_requests(sgbot_env) == 1


def test_a_guessed_query_is_answered_with_the_reading(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    prompt = slash_prompt(chat, "REQ-7F3K2?", url)
    said = text_of(prompt)
    assert "I read this as `status REQ-7F3K2`" in said
    assert "There is no request" in said
    assert button_value(prompt, ActionId.CONFIRM_READING) is None
    assert stored_requests(sgbot_env) == 0
