"""The drift watch of a running bot: items posted once to the security channel, buttons for
approvers only, and the changes to the cloud made only after another approver approves."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from handlers.ids import ActionId, BlockId
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEVELOPER_ID, SECURITY_CHANNEL_ID
from tests.cloud.adapter_support import make_cloud
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import (
    PROD_GW_ID,
    REQUEST,
    Chat,
    StartChat,
    button_value,
    cards,
    mse_rules,
    private_notes,
    request_id_of,
    text_of,
)
from vocabulary.commands import PortRange

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
DRIFT_ENV = {"SGBOT_RECONCILE_EVERY": "1s", "SGBOT_WATCH_GATEWAYS": "prod-gw"}


def drift_posts(local_slack: LocalSlack, kind_words: str) -> list[dict[str, Any]]:
    return [m for m in cards(local_slack) if kind_words in str(m.get("text", ""))]


def press(chat: Chat, user: str, post: dict[str, Any], action: str) -> str:
    """Click ``action`` on a drift post as ``user``; what the bot told them privately."""
    value = button_value(post, action)
    assert value is not None, f"no {action} button on the post"
    url = chat.slack.new_response_url(user, SECURITY_CHANNEL_ID)
    chat.press(
        user, action, value, block_id=BlockId.DRIFT, channel=SECURITY_CHANNEL_ID,
        message=post, response_url=url,
    )  # fmt: skip
    chat.slack.wait_for(lambda: private_notes(chat.slack, url), 30)
    return private_notes(chat.slack, url)


def approve_new_card(chat: Chat, seen: set[str]) -> str:
    """Approve, as the second approver, the first approvable card not in ``seen``."""

    def new_card() -> dict[str, Any] | None:
        approvable = [c for c in cards(chat.slack) if button_value(c, ActionId.APPROVE)]
        return next((c for c in approvable if request_id_of(c) not in seen), None)

    card = chat.slack.wait_for(new_card, 30)
    assert card is not None
    assert chat.click(APPROVER_IDS[1], card, ActionId.APPROVE)[0] == 200
    return request_id_of(card)


def test_drift_posted_once_and_each_button_does_what_it_says(
    start_chat: StartChat,
    sgbot_env: dict[str, str],
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    chat = start_chat(sgbot_env | DRIFT_ENV)
    # A grant through the bot, then one of its rules deleted in the console.
    card = chat.request_card(DEVELOPER_ID, REQUEST)[0]
    granted = request_id_of(card)
    assert chat.click(APPROVER_IDS[0], card, ActionId.APPROVE)[0] == 200
    local_slack.wait_for(lambda: any("8080" in r["port_range"] for r in mse_rules(emulator)), 30)
    deleted = next(r for r in mse_rules(emulator) if r["port_range"] == "8080/8080")
    asyncio.run(make_cloud(emulator).delete_rule(PROD_GW_ID, int(deleted["id"]), cascade=True))

    gone = local_slack.wait_for(lambda: drift_posts(local_slack, "gone from the cloud"), 30)
    unapproved = local_slack.wait_for(lambda: drift_posts(local_slack, "no request explains"), 30)
    time.sleep(3)  # three more rounds
    assert len(drift_posts(local_slack, "gone from the cloud")) == 1
    assert len(drift_posts(local_slack, "no request explains")) == 1  # rule 1, from before
    assert granted in text_of(gone[0])
    status, metrics = chat.sgbot.get("/metrics")
    assert status == 200
    assert 'sgbot_drift_items_total{kind="gone"} 1.0' in metrics
    assert 'sgbot_drift_items_total{kind="unapproved"} 1.0' in metrics

    # Buttons are for approvers: a developer's click changes nothing.
    refused = press(chat, DEVELOPER_ID, unapproved[0], ActionId.DRIFT_REVOKE)
    assert "Only an approver" in refused

    # Re-apply asks for the rule again; it is back once another approver approves.
    told = press(chat, APPROVER_IDS[0], gone[0], ActionId.DRIFT_REAPPLY)
    assert "another approver must approve" in told
    reapplied = approve_new_card(chat, {granted})
    local_slack.wait_for(
        lambda: any(
            r["security_group_id"] == deleted["security_group_id"]
            and r["port_range"] == "8080/8080"
            for r in mse_rules(emulator)
        ),
        30,
    )
    redrawn = drift_posts(local_slack, "gone from the cloud")[0]
    assert button_value(redrawn, ActionId.DRIFT_REAPPLY) is None
    assert "asked to re-apply it" in text_of(redrawn)

    # Revoke of a rule sgbot did not create: deleted only after another approver approves.
    told = press(chat, APPROVER_IDS[0], unapproved[0], ActionId.DRIFT_REVOKE)
    assert "nothing is deleted until another approver approves" in told
    assert any(r["id"] == 1 for r in mse_rules(emulator))
    approve_new_card(chat, {granted, reapplied})
    local_slack.wait_for(lambda: all(r["id"] != 1 for r in mse_rules(emulator)), 30)
    second = press(chat, APPROVER_IDS[1], unapproved[0], ActionId.DRIFT_IGNORE)
    assert "already revoking" in second


def test_forget_ignore_and_adopt_from_the_channel(
    start_chat: StartChat,
    sgbot_env: dict[str, str],
    local_slack: LocalSlack,
    emulator: EmulatorHandle,
) -> None:
    chat = start_chat(sgbot_env | DRIFT_ENV | {"SGBOT_DRIFT_IGNORE": "id:1"})
    card = chat.request_card(DEVELOPER_ID, REQUEST)[0]
    assert chat.click(APPROVER_IDS[0], card, ActionId.APPROVE)[0] == 200
    local_slack.wait_for(lambda: any("8080" in r["port_range"] for r in mse_rules(emulator)), 30)
    deleted = next(r for r in mse_rules(emulator) if r["port_range"] == "8080/8080")
    cloud = make_cloud(emulator)
    # Deleted in the console without its inbound rule, and a rule added there.
    asyncio.run(cloud.delete_rule(PROD_GW_ID, int(deleted["id"]), cascade=False))
    asyncio.run(cloud.add_rule(PROD_GW_ID, "sg-legacyapp02", PortRange(start=9090, end=9090), "x"))

    gone = local_slack.wait_for(lambda: drift_posts(local_slack, "gone from the cloud"), 30)
    orphan = local_slack.wait_for(lambda: drift_posts(local_slack, "inbound rule whose"), 30)
    added = local_slack.wait_for(lambda: drift_posts(local_slack, "no request explains"), 30)
    assert "9090/9090" in text_of(added[0])  # rule 1, from before the bot, is ignored

    assert "no longer expect" in press(chat, APPROVER_IDS[0], gone[0], ActionId.DRIFT_FORGET)
    assert "Ignored" in press(chat, APPROVER_IDS[1], orphan[0], ActionId.DRIFT_IGNORE)
    adopted = press(chat, APPROVER_IDS[0], added[0], ActionId.DRIFT_ADOPT)
    grant = adopted.split("permanent grant ")[1].split(";")[0]

    assert "applied" in chat.ask(APPROVER_IDS[0], f"status {grant}")
    for words, said in [
        ("gone from the cloud", "forgot it"),
        ("inbound rule whose", "ignored it"),
        ("no request explains", "adopted it"),
    ]:
        redrawn = drift_posts(local_slack, words)
        assert len(redrawn) == 1
        assert said in text_of(redrawn[0])
        assert "drift_" not in str(redrawn[0]["blocks"])  # no buttons left
    time.sleep(2)  # two more rounds post nothing again
    assert len([m for m in cards(local_slack) if "Drift DR-" in str(m.get("text"))]) == 3
