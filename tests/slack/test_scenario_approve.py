"""The main path: a request, its card, an approval, the rules in the cloud, everyone told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.slack_local import LocalSlack, SlackSigner
from bot.slack_local.directory import APPROVER_IDS, DEV_CHANNEL_ID, DEVELOPER_ID
from handlers.ids import ActionId
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.sgbot_process import SgbotProcess
from tests.slack.scenario import (
    PROD_GW,
    PROD_GW_GROUP,
    PROD_GW_ID,
    button_value,
    card_of,
    click,
    dm_texts,
    slash_answer,
    text_of,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]


def mse_rules(emulator: EmulatorHandle) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = emulator.state()["mse_rules"].get(PROD_GW_ID, [])
    return rules


def test_request_approve_apply_and_tell(
    start_sgbot: Callable[..., SgbotProcess],
    sgbot_env: dict[str, str],
    slack_signer: SlackSigner,
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    bot = start_sgbot(sgbot_env)
    rules_before = len(mse_rules(emulator))
    status, body = slack_signer.slash_command(
        DEVELOPER_ID, DEV_CHANNEL_ID, f"authorize gateway {PROD_GW} to service orders on 8080"
    ).post(bot.events_url)
    assert status == 200
    assert "received" in slash_answer(body)

    card = wait_for_card(local_slack)
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None
    assert "8080" in text_of(card)

    status, _ = click(slack_signer, bot.events_url, APPROVER_IDS[0], card, ActionId.APPROVE)
    assert status == 200

    local_slack.wait_for(lambda: len(mse_rules(emulator)) > rules_before, 30)
    added = mse_rules(emulator)[rules_before:]
    assert {rule["port_range"] for rule in added} == {"8080/8080"}
    groups = emulator.state()["security_groups"]
    for rule in added:
        inbound = groups[rule["security_group_id"]]
        assert any(
            p["source_group_id"] == PROD_GW_GROUP and p["port_range"] == "8080/8080"
            for p in inbound
        )
    local_slack.wait_for(
        lambda: (
            (c := card_of(local_slack, request_id)) is not None
            and button_value(c, ActionId.APPROVE) is None
            and "applied" in text_of(c)
        ),
        30,
    )
    local_slack.wait_for(
        lambda: any(
            request_id in t and "applied" in t for t in dm_texts(local_slack, DEVELOPER_ID)
        ),
        30,
    )
