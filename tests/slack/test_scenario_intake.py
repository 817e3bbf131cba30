"""What comes in: signatures, Slack's retries and double events, bad input, refused pre-flight."""

from __future__ import annotations

import time
import urllib.request

import pytest

from standins.slack import LocalSlack, SlackSigner
from standins.slack.directory import (
    BOT_USER_ID,
    DEV_CHANNEL_ID,
    DEVELOPER_ID,
    SECURITY_CHANNEL_ID,
    dm_channel_id,
)
from tests.slack.scenario import (
    PROD_GW,
    REQUEST,
    Chat,
    cards,
    dm_texts,
    stored_requests,
    text_of,
    wait_for_card,
)

pytestmark = [pytest.mark.scenario, pytest.mark.redis]


def test_forged_stale_and_unsigned_requests_get_401(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    forger = SlackSigner("not-the-secret", local_slack.directory, interactions=local_slack)
    now = int(time.time())
    attempts = [
        forger.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, REQUEST),
        chat.signer.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, REQUEST, ts=now - 301),
        chat.signer.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, REQUEST, ts=now + 301),
    ]
    for attempt in attempts:
        assert chat.post(attempt)[0] == 401
    good = chat.signer.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, REQUEST)
    unsigned = urllib.request.Request(
        chat.sgbot.events_url, data=good.body, method="POST",
        headers={"Content-Type": good.headers["Content-Type"]},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)
    assert refused.value.code == 401
    refused.value.close()
    assert stored_requests(sgbot_env) == 0
    assert local_slack.calls("chat.postMessage") == []


def test_a_retried_event_makes_one_request(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    event = chat.signer.direct_message(DEVELOPER_ID, REQUEST)
    for retry in (None, 1, 2):
        delivery = chat.signer.event_callback(event, event_id="Ev0RETRY01", retry_num=retry)
        assert chat.post(delivery)[0] == 200
    wait_for_card(local_slack)
    local_slack.wait_for(
        lambda: any("sent to" in t for t in dm_texts(local_slack, DEVELOPER_ID)), 30
    )
    assert stored_requests(sgbot_env) == 1
    assert len(cards(local_slack)) == 1


def test_a_mention_seen_as_two_events_makes_one_request(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    mention = chat.signer.app_mention(DEVELOPER_ID, DEV_CHANNEL_ID, f"<@{BOT_USER_ID}> {REQUEST}")
    message = {**mention, "type": "message", "channel_type": "channel"}
    for event in (mention, message):
        assert chat.post(chat.signer.event_callback(event))[0] == 200
    wait_for_card(local_slack)
    local_slack.wait_for(lambda: local_slack.ephemerals(DEVELOPER_ID), 30)
    assert stored_requests(sgbot_env) == 1
    assert len(cards(local_slack)) == 1


def test_bad_input_is_answered_privately(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack
) -> None:
    answer = chat.ask(DEVELOPER_ID, f"authorize gateway {PROD_GW} on x")
    assert "authorize" in answer.lower() or "port" in answer.lower()
    mention = chat.signer.app_mention(DEVELOPER_ID, DEV_CHANNEL_ID, f"<@{BOT_USER_ID}> opne it")
    chat.post(chat.signer.event_callback(mention))
    dm = chat.signer.direct_message(DEVELOPER_ID, "frobnicate everything")
    chat.post(chat.signer.event_callback(dm))
    local_slack.wait_for(lambda: local_slack.ephemerals(DEVELOPER_ID), 30)
    local_slack.wait_for(lambda: local_slack.messages(dm_channel_id(DEVELOPER_ID)), 30)
    assert stored_requests(sgbot_env) == 0
    assert local_slack.messages(SECURITY_CHANNEL_ID) == []
    assert local_slack.messages(DEV_CHANNEL_ID) == []


def test_refused_pre_flight_reaches_only_the_requester(chat: Chat, local_slack: LocalSlack) -> None:
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    text = f"authorize gateway {PROD_GW} to instance i-othervpc04 on 8080"
    chat.ask(DEVELOPER_ID, text, response_url=url)
    refused = local_slack.wait_for(
        lambda: [r for r in local_slack.responses(url) if "not sent for approval" in text_of(r)],
        30,
    )
    assert refused
    assert local_slack.messages(SECURITY_CHANNEL_ID) == []
