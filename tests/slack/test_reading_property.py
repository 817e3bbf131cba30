"""Property: no change read by guessing reaches the store, or an approver, without a Confirm.

Generated phrasings that sgbot can read only by inferring part of them go to a running bot as
signed slash commands and direct messages. Every one must be answered with a Confirm prompt,
and afterwards the store holds no request and the security channel no card; nobody clicks.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.ids import ActionId
from standins.slack import LocalSlack
from standins.slack.directory import DEV_CHANNEL_ID, DEVELOPER_ID, dm_channel_id
from tests.grammar_corpus.strategies import guessed_changes
from tests.slack.scenario import Chat, button_value, cards, stored_requests

pytestmark = [pytest.mark.scenario, pytest.mark.redis]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=guessed_changes(), by_dm=st.booleans())
def test_a_guessed_change_waits_for_confirm(
    chat: Chat, sgbot_env: dict[str, str], local_slack: LocalSlack, text: str, by_dm: bool
) -> None:
    # One bot serves every example; the store must stay empty across all of them.
    if by_dm:
        channel = dm_channel_id(DEVELOPER_ID)
        before = len(local_slack.messages(channel))
        event = chat.signer.direct_message(DEVELOPER_ID, text)
        assert chat.post(chat.signer.event_callback(event))[0] == 200
        prompt = local_slack.wait_for(lambda: local_slack.messages(channel)[before:], 10)[-1]
    else:
        url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
        status, body = chat.post(
            chat.signer.slash_command(DEVELOPER_ID, DEV_CHANNEL_ID, text, response_url=url)
        )
        assert status == 200
        prompt = json.loads(body)
    assert button_value(prompt, ActionId.CONFIRM_READING) is not None, text
    assert stored_requests(sgbot_env) == 0
    assert cards(local_slack) == []
