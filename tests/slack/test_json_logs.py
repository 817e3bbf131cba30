"""``SGBOT_LOG_FORMAT=json``: one request followed through every line the bot logged about it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from handlers.ids import ActionId
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEVELOPER_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import (
    PROD_GW_ID,
    REQUEST,
    WAIT_SECONDS,
    StartChat,
    card_of,
    request_id_of,
    text_of,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]


def json_lines(log: str) -> list[dict[str, Any]]:
    """Every line of the log, each of which must be one JSON object."""
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert all(isinstance(line, dict) for line in lines)
    return lines


def test_one_request_followed_through_its_json_lines(
    start_chat: StartChat,
    sgbot_env: dict[str, str],
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    chat = start_chat({**sgbot_env, "SGBOT_LOG_FORMAT": "json"})
    assert "received" in chat.ask(DEVELOPER_ID, REQUEST)
    card = wait_for_card(local_slack)
    request_id = request_id_of(card)
    assert chat.click(APPROVER_IDS[0], card, ActionId.APPROVE)[0] == 200
    local_slack.wait_for(
        lambda: "applied" in text_of(card_of(local_slack, request_id) or {}), WAIT_SECONDS
    )

    lines = json_lines(chat.sgbot.log())
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    ours = [line for line in lines if line.get("request_id") == request_id]
    # The whole life: every state change, each with who asked and where.
    moves = [line["message"] for line in ours if line["logger"] == "approvals.audit"]
    for state in ("received", "resolving", "pending", "approved", "applying", "applied"):
        assert any(f"-> {state} " in move for move in moves), (state, moves)
    # Lines from the Slack side (the click), the worker's jobs and the deliverer.
    assert any(line.get("job") == "resolve" for line in ours)
    assert any(line.get("job") == "apply" for line in ours)
    assert any(line["logger"] == "bot.delivery" for line in ours)
    assert any(line["logger"] == "handlers.actions" for line in ours)
    # Once the gateway is known, it is on the line; the region is on every line.
    assert all(line.get("region") == emulator.region_id for line in ours)
    after_resolution = [line for line in ours if line.get("job") == "apply"]
    assert after_resolution
    assert all(line.get("gateway") == PROD_GW_ID for line in after_resolution)
    assert all(line.get("user_id") == DEVELOPER_ID for line in after_resolution)
    # Every cloud call made for it names the cloud's own request id.
    cloud_calls = [line for line in ours if line.get("cloud_action")]
    actions = {line["cloud_action"] for line in cloud_calls}
    assert {"GetGateway", "AddSecurityGroupRule"} <= actions, actions
    assert all(line.get("cloud_request_id") for line in cloud_calls)
    # No line of another request (there is none) and no secret on any line.
    log = chat.sgbot.log()
    assert sgbot_env["SLACK_BOT_TOKEN"] not in log
    assert sgbot_env["SLACK_SIGNING_SECRET"] not in log
