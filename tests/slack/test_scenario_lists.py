"""``list pending`` over many requests: the real total, one page at a time, and its pager."""

from __future__ import annotations

import json

import pytest
import redis

from handlers.ids import ActionId, BlockId
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEV_CHANNEL_ID, DEVELOPER_ID
from tests.slack.scenario import PROD_GW, Chat, button_value, text_of

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
PENDING = 12  # more than one page of ten


def pending_count(env: dict[str, str]) -> int:
    client = redis.Redis.from_url(env["REDIS_URL"])
    try:
        return int(client.zcard(f"{{{env['SGBOT_KEY_PREFIX']}}}:pending"))
    finally:
        client.close()


def test_list_pending_counts_every_request_and_pages_with_its_buttons(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    for number in range(PENDING):
        text = f"authorize gateway {PROD_GW} to security group sg-legacyapp01 on {7001 + number}"
        requester = (DEVELOPER_ID, APPROVER_IDS[0])[number % 2]  # each under the rate limit
        chat.ask(requester, text)
    local_slack.wait_for(lambda: pending_count(sgbot_env) == PENDING, 60)

    # The raw ack, not chat.ask's text: the pager buttons are in its blocks.
    asked = chat.signer.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, "list pending")
    status, body = chat.post(asked)
    assert status == 200
    first = json.loads(body)
    assert first["text"] == f"{PENDING} pending requests"
    assert "page 1 of 2" in text_of(first)
    assert text_of(first).count("`REQ-") == 10
    assert button_value(first, ActionId.PENDING_PAGE_PREVIOUS) is None
    assert button_value(first, ActionId.PENDING_PAGE_NEXT) == "2"

    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    chat.press(
        DEVELOPER_ID,
        ActionId.PENDING_PAGE_NEXT,
        "2",
        block_id=BlockId.PENDING_PAGER,
        channel=DEV_CHANNEL_ID,
        message=first,
        message_ts="1700000000.000100",
        response_url=url,
    )
    second = local_slack.wait_for(lambda: local_slack.responses(url), 30)[-1]
    assert second["text"] == f"{PENDING} pending requests"
    assert "page 2 of 2" in text_of(second)
    assert text_of(second).count("`REQ-") == PENDING - 10
    assert second.get("replace_original") is True
    assert button_value(second, ActionId.PENDING_PAGE_PREVIOUS) == "1"
    assert button_value(second, ActionId.PENDING_PAGE_NEXT) is None
