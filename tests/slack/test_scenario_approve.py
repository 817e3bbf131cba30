"""The main path: a request, its card, an approval, the rules in the cloud, everyone told."""

from __future__ import annotations

import pytest

from handlers.ids import ActionId
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEVELOPER_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import (
    PROD_GW_GROUP,
    REQUEST,
    Chat,
    button_value,
    card_of,
    dm_texts,
    mse_rules,
    request_id_of,
    text_of,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]


def test_request_approve_apply_and_tell(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    rules_before = len(mse_rules(emulator))
    assert "received" in chat.ask(DEVELOPER_ID, REQUEST)

    card = wait_for_card(local_slack)
    request_id = request_id_of(card)
    assert "8080" in text_of(card)

    status, _ = chat.click(APPROVER_IDS[0], card, ActionId.APPROVE)
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
