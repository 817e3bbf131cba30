"""``/sg check`` against a running bot: a private answer, no cloud writes, and the pre-fill.

The orders service runs on two node pools; only one is authorized on 8080. The check says
which endpoints are blocked, offers "Request the missing access" for exactly the other pool's
groups, only to the asker, and the form it opens goes through the normal approval.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from handlers.ids import ActionId, BlockId
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEV_CHANNEL_ID, DEVELOPER_ID, GUEST_ID
from tests.cloud.adapter_support import PROD_GW as PROD_GW_ID
from tests.cloud.adapter_support import make_cloud
from tests.fixtures.emulator import EmulatorHandle
from tests.handlers.blockkit import initial_values
from tests.slack.scenario import (
    Chat,
    button_value,
    cards,
    dm_texts,
    mse_rules,
    stored_requests,
    text_of,
)
from vocabulary.commands import PortRange

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
CHECK = "check gateway prod-gw to service orders"


def authorize_web_pool(emulator: EmulatorHandle) -> None:
    cloud = make_cloud(emulator)
    port = PortRange(start=8080, end=8080)
    asyncio.run(cloud.add_rule(PROD_GW_ID, "sg-ackpoola01", port, "by hand"))


def checked(chat: Chat, local_slack: LocalSlack, user: str, text: str) -> tuple[str, Any]:
    """Type ``text`` as ``user``; the ack, and the answer that follows on the response URL."""
    url = local_slack.new_response_url(user, DEV_CHANNEL_ID)
    ack = chat.ask(user, text, response_url=url)
    answer = local_slack.wait_for(lambda: local_slack.responses(url), 20)[-1]
    return ack, answer


def click(chat: Chat, local_slack: LocalSlack, user: str, value: str) -> str:
    url = local_slack.new_response_url(user, DEV_CHANNEL_ID)
    chat.press(
        user,
        ActionId.REQUEST_MISSING,
        value,
        block_id=BlockId.CHECK_MISSING,
        channel=DEV_CHANNEL_ID,
        message_ts="1700000000.000100",
        response_url=url,
    )
    return url


def test_check_answers_privately_and_prefills_exactly_the_missing_access(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    authorize_web_pool(emulator)
    rules_before = mse_rules(emulator)
    ack, answer = checked(chat, local_slack, DEVELOPER_ID, CHECK)
    assert "Checking" in ack
    said = text_of(answer)
    assert "blocked for 2 endpoints of 4" in said
    assert "np-multi" in said
    assert "sg-ackpoolb01, sg-ackpoolb02 on 8080" in said
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    assert mse_rules(emulator) == rules_before  # a check writes nothing
    assert stored_requests(sgbot_env) == 0
    value = button_value(answer, ActionId.REQUEST_MISSING)
    assert value is not None

    intruder = click(chat, local_slack, APPROVER_IDS[0], value)
    refused = local_slack.wait_for(lambda: local_slack.responses(intruder), 10)
    assert "Only the person who typed" in text_of(refused[0])
    assert local_slack.views(APPROVER_IDS[0]) == []

    click(chat, local_slack, DEVELOPER_ID, value)
    form = local_slack.wait_for(lambda: local_slack.views(DEVELOPER_ID), 10)[-1]
    initial = initial_values(form)
    assert initial[BlockId.GATEWAY] == PROD_GW_ID
    assert initial[BlockId.TARGET] == "sg-ackpoolb01, sg-ackpoolb02"
    assert initial[BlockId.PORTS] == "8080"
    assert stored_requests(sgbot_env) == 0
    card = chat.submit_unchanged(DEVELOPER_ID, form)
    assert "sg-ackpoolb01" in text_of(card)
    assert "sg-ackpoolb02" in text_of(card)
    assert len(cards(local_slack)) == 1


def test_check_is_refused_to_a_guest(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    emulator.reset_calls()
    _, answer = checked(chat, local_slack, GUEST_ID, CHECK)
    assert "guest accounts cannot" in text_of(answer)
    assert "ListSecurityGroupRule" not in emulator.calls()


def test_check_of_a_target_without_ports_says_what_to_type(
    chat: Chat, local_slack: LocalSlack
) -> None:
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    ack = chat.ask(DEVELOPER_ID, "check gateway prod-gw to sg-ackpoola01", response_url=url)
    assert "check gateway GATEWAY to TARGET [on PORTS]" in ack


def selected(value: str) -> dict[str, Any]:
    return {"type": "external_select", "selected_option": {"value": value}}


def test_check_from_app_home_and_the_request_form(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    authorize_web_pool(emulator)
    chat.post(chat.signer.event_callback(chat.signer.app_home_opened(DEVELOPER_ID)))
    home = local_slack.wait_for(lambda: local_slack.home(DEVELOPER_ID), 10)
    assert home is not None
    assert button_value(home, ActionId.OPEN_CHECK_FORM) == "open"
    chat.press(
        DEVELOPER_ID,
        ActionId.OPEN_CHECK_FORM,
        "open",
        block_id=BlockId.HOME_ACTIONS,
        channel=DEVELOPER_ID,
        message_ts="0",
    )
    form = local_slack.wait_for(lambda: local_slack.views(DEVELOPER_ID), 10)[-1]
    assert button_value(form, ActionId.CHECK_FROM_FORM) == "check"

    empty = chat.signer.view_block_actions(
        DEVELOPER_ID, form, ActionId.CHECK_FROM_FORM, "check",
        block_id=BlockId.FORM_CHECK, state_values={},
    )  # fmt: skip
    assert chat.post(empty)[0] == 200
    assert local_slack.wait_for(
        lambda: [t for t in dm_texts(local_slack, DEVELOPER_ID) if "Choose a gateway" in t], 10
    )

    state: dict[str, Any] = {
        BlockId.GATEWAY: {ActionId.GATEWAY_SELECT: selected(PROD_GW_ID)},
        BlockId.SERVICE: {ActionId.SERVICE_SELECT: selected("orders.default")},
    }
    filled = chat.signer.view_block_actions(
        DEVELOPER_ID, form, ActionId.CHECK_FROM_FORM, "check",
        block_id=BlockId.FORM_CHECK, state_values=state,
    )  # fmt: skip
    assert chat.post(filled)[0] == 200
    answers = local_slack.wait_for(
        lambda: [t for t in dm_texts(local_slack, DEVELOPER_ID) if "endpoints of 4" in t], 20
    )
    assert "blocked for 2 endpoints of 4" in answers[0]
