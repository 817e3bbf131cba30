"""Slow clouds and Slack outages: acks stay fast, messages are delayed but never lost."""

from __future__ import annotations

import pytest

from standins.slack import LocalSlack
from standins.slack.directory import DEVELOPER_ID, SECURITY_CHANNEL_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import REQUEST, Chat, cards, dm_texts, wait_for_card

pytestmark = [pytest.mark.scenario, pytest.mark.redis]


def test_the_slash_command_is_acked_before_a_slow_cloud_answers(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle
) -> None:
    emulator.set_faults(latency_ms=10_000)
    answer = chat.ask(DEVELOPER_ID, REQUEST)
    # Resolving needs several cloud calls of 10 s each, so no card can exist yet: the ack came
    # before the cloud answered anything. The worker then does call the cloud.
    assert "received" in answer
    assert local_slack.messages(SECURITY_CHANNEL_ID) == []
    local_slack.wait_for(emulator.calls, 30)


def test_a_slack_outage_delays_but_loses_nothing(chat: Chat, local_slack: LocalSlack) -> None:
    chat.ask(DEVELOPER_ID, REQUEST)  # also caches the requester's facts
    wait_for_card(local_slack)
    local_slack.outage()
    dm = chat.signer.direct_message(DEVELOPER_ID, REQUEST.replace("8080", "9090"))
    assert chat.post(chat.signer.event_callback(dm))[0] == 200
    local_slack.wait_for(
        lambda: chat.sgbot.log().count("failed (SlackApiError); retrying") >= 3, 60
    )
    assert len(cards(local_slack)) == 1
    local_slack.clear_outage()
    local_slack.wait_for(lambda: len(cards(local_slack)) == 2, 60)
    local_slack.wait_for(
        lambda: any("sent to" in t for t in dm_texts(local_slack, DEVELOPER_ID)),
        60,
    )
