"""Scenarios with a policy file: auto-approval posts an FYI card, a denial posts none, and a
grant is extended by typing and by the button under its end warning."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from handlers.ids import ActionId, BlockId
from standins.slack import LocalSlack
from standins.slack.directory import (
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    SECURITY_CHANNEL_ID,
    dm_channel_id,
)
from tests.slack.scenario import PROD_GW, Chat, StartChat, button_value, private_notes, text_of

pytestmark = [pytest.mark.scenario, pytest.mark.redis]

POLICY = """
rules:
  - name: no-ssh-on-prod
    match: {gateways: [prod-gw], ports: {any_of: [22]}}
    decide: {deny: "SSH to prod goes through the bastion"}
  - name: self-service
    match: {gateways: [prod-gw], ports: {all_within: [8000-8100]}, max_duration: 8h}
    decide: {auto_approve: {per_day: 5}}
"""


@pytest.fixture
def chat(start_chat: StartChat, sgbot_env: dict[str, str], tmp_path: Path) -> Chat:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    # The end warning is due a second after the grant starts, so the button can be clicked.
    return start_chat(
        {**sgbot_env, "SGBOT_POLICY_FILE": str(policy), "SGBOT_GRANT_WARN_BEFORE": "7199s"}
    )


def channel_texts(local_slack: LocalSlack) -> list[str]:
    return [text_of(m) for m in local_slack.messages(SECURITY_CHANNEL_ID)]


def card_saying(local_slack: LocalSlack, *words: str) -> dict[str, Any]:
    """The first message in the security channel saying every one of ``words`` ({} if none)."""
    for message in local_slack.messages(SECURITY_CHANNEL_ID):
        if all(word in text_of(message) for word in words):
            return message
    return {}


def test_auto_approved_posts_an_fyi_card_with_end_access_and_denied_posts_none(
    chat: Chat, local_slack: LocalSlack
) -> None:
    chat.ask(DEVELOPER_ID, f"authorize gateway {PROD_GW} to service orders on 8080 for 2h")
    fyi = local_slack.wait_for(
        lambda: card_saying(local_slack, "Approved by policy rule self-service", "End access"), 30
    )
    assert button_value(fyi, ActionId.APPROVE) is None  # nobody needs to decide

    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    said = chat.ask(
        DEVELOPER_ID, f"authorize gateway {PROD_GW} to service orders on 22", response_url=url
    )
    assert "received" in said
    local_slack.wait_for(
        lambda: "SSH to prod goes through the bastion" in private_notes(local_slack, url), 30
    )
    assert "denied by policy rule no-ssh-on-prod" in private_notes(local_slack, url)
    assert not any("on 22" in t or "22/22" in t for t in channel_texts(local_slack))


def test_a_grant_is_extended_by_typing_and_by_the_warning_button(
    chat: Chat, local_slack: LocalSlack
) -> None:
    chat.ask(DEVELOPER_ID, f"authorize gateway {PROD_GW} to service orders on 8080 for 2h")
    card = local_slack.wait_for(lambda: card_saying(local_slack, "End access"), 30)
    grant_id = button_value(card, ActionId.END_GRANT)
    assert grant_id is not None

    def warning() -> dict[str, Any] | None:
        for message in local_slack.messages(dm_channel_id(DEVELOPER_ID)):
            if button_value(message, ActionId.EXTEND_GRANT) == grant_id:
                return message
        return None

    warned = local_slack.wait_for(warning, 30)
    chat.press(
        DEVELOPER_ID,
        ActionId.EXTEND_GRANT,
        grant_id,
        block_id=BlockId.EXTEND,
        channel=dm_channel_id(DEVELOPER_ID),
        message=warned,
    )
    # The button's extension, auto-approved like any other.
    local_slack.wait_for(lambda: card_saying(local_slack, f"for {grant_id}", "Approved by"), 30)

    typed = chat.ask(DEVELOPER_ID, f"extend {grant_id.lower()} by 1h")
    assert re.search(rf"`REQ-\w+` asks to extend `{grant_id}` by 1h", typed), typed
    local_slack.wait_for(
        lambda: sum(f"for {grant_id}" in t for t in channel_texts(local_slack)) >= 2, 30
    )

    refused = chat.ask(DEVELOPER_ID, "extend REQ-ZZZZZ by 1h")
    assert "REQ-ZZZZZ" in refused
    assert "extend" in chat.ask(DEVELOPER_ID, f"extend {grant_id}")  # says how much longer
