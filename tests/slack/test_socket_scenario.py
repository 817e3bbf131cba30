"""``sgbot socket`` end to end: the main path over a Socket Mode WebSocket instead of HTTP.

The bot connects to the local Slack with the app-level token (no signing secret at all); a
slash command and an approver's click arrive as envelopes; the slash command's private answer
is the payload of its ack, which is what Slack shows the person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from handlers.ids import ActionId
from standins.slack import LocalSlack
from standins.slack.directory import (
    APPROVER_IDS,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    SECURITY_CHANNEL_ID,
)
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.socket_mode import SocketBot, SocketSlack
from tests.slack.scenario import (
    PROD_GW,
    REQUEST,
    WAIT_SECONDS,
    card_click,
    card_of,
    dm_texts,
    mse_rules,
    request_id_of,
    text_of,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]

StartSocketBot = Callable[[Mapping[str, str]], SocketBot]


def test_request_approve_apply_over_socket_mode(
    start_sgbot_socket: StartSocketBot,
    socket_env: dict[str, str],
    socket_slack: SocketSlack,
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    start_sgbot_socket(socket_env)
    [opened] = local_slack.calls("apps.connections.open")
    assert opened.error is None
    rules_before = len(mse_rules(emulator))

    asked = socket_slack.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, REQUEST)
    ack = local_slack.socket_ack(asked, WAIT_SECONDS)
    assert ack.payload is not None
    assert "received" in text_of(ack.payload)
    assert ack.payload.get("response_type") == "ephemeral"

    card = wait_for_card(local_slack)
    request_id = request_id_of(card)
    assert request_id in text_of(ack.payload)
    assert "8080" in text_of(card)
    # Ack first: the answer went back before the cloud lookups that the card waits for.
    [card_post] = [
        call
        for call in local_slack.calls("chat.postMessage")
        if call.args.get("channel") == SECURITY_CHANNEL_ID
    ]
    assert ack.acked_at <= card_post.at

    approved = card_click(socket_slack, APPROVER_IDS[0], card, ActionId.APPROVE, value=request_id)
    local_slack.socket_ack(approved, WAIT_SECONDS)

    local_slack.wait_for(lambda: len(mse_rules(emulator)) > rules_before, WAIT_SECONDS)
    added = mse_rules(emulator)[rules_before:]
    assert {rule["port_range"] for rule in added} == {"8080/8080"}
    local_slack.wait_for(
        lambda: "applied" in text_of(card_of(local_slack, request_id) or {}), WAIT_SECONDS
    )
    local_slack.wait_for(
        lambda: any(
            request_id in t and "applied" in t for t in dm_texts(local_slack, DEVELOPER_ID)
        ),
        WAIT_SECONDS,
    )


def test_bad_input_is_answered_in_the_ack(
    start_sgbot_socket: StartSocketBot,
    socket_env: dict[str, str],
    socket_slack: SocketSlack,
    local_slack: LocalSlack,
) -> None:
    start_sgbot_socket(socket_env)
    asked = socket_slack.slash_command(
        DEVELOPER_ID, DEV_CHANNEL_ID, f"authorize gateway {PROD_GW} to service orders on 99999"
    )
    ack = local_slack.socket_ack(asked, WAIT_SECONDS)
    assert ack.payload is not None
    assert "out of range" in text_of(ack.payload)
    assert ack.payload.get("response_type") == "ephemeral"
    # Answered privately and nothing else: no card, no message anywhere.
    assert local_slack.calls("chat.postMessage") == []
    assert local_slack.calls("chat.postEphemeral") == []
