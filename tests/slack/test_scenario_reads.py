"""Reads follow the same membership policy as asks: guests and Slack Connect users see nothing.

A multi-channel guest and a user of another organisation (seen through Slack Connect) ask for
``status``, ``list pending``, ``history`` and ``list rules``, open App Home and type in the
request form's gateway picker. Each gets a refusal saying why, or nothing, never a request, a
reason, a rule or a security group id; a full member gets the answers the README promises.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from handlers.ids import ActionId, BlockId, CallbackId
from standins.slack import LocalSlack
from standins.slack.directory import DEVELOPER_ID, FOREIGN_USER_ID, GUEST_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import PROD_GW, REQUEST, Chat, request_id_of, text_of, wait_for_card
from tests.slack.test_scenario_home import open_home

pytestmark = [pytest.mark.scenario, pytest.mark.redis]
OUTSIDERS = [(GUEST_ID, "guest accounts cannot"), (FOREIGN_USER_ID, "in another organisation")]


@pytest.mark.parametrize(("outsider", "why"), OUTSIDERS)
def test_an_outsiders_reads_are_refused_and_say_why(
    chat: Chat, local_slack: LocalSlack, emulator: EmulatorHandle, outsider: str, why: str
) -> None:
    chat.ask(DEVELOPER_ID, f"{REQUEST} because secret migration")
    request_id = request_id_of(wait_for_card(local_slack))
    emulator.reset_calls()

    for text in (f"status {request_id}", "list pending", "history"):
        said = chat.ask(outsider, text)
        assert "cannot see sgbot's requests" in said, text
        assert why in said
        assert request_id not in said
        assert "secret migration" not in said

    for text in (f"list rules for gateway {PROD_GW}", f"history gateway {PROD_GW}"):
        url = local_slack.new_response_url(outsider, "C0DEV0001")
        chat.ask(outsider, text, response_url=url)  # answered after the ack

        def responses(url: str = url) -> list[dict[str, Any]]:
            return local_slack.responses(url)

        answered = text_of(local_slack.wait_for(responses, 15)[-1])
        assert "cannot see sgbot's requests" in answered, text
        assert "sg-" not in answered
        assert request_id not in answered
    assert emulator.calls() == {}  # no cloud call made for them

    open_home(chat, outsider)
    home = local_slack.wait_for(lambda: local_slack.home(outsider), 10)
    assert home is not None
    assert "cannot see sgbot's requests" in text_of(home)
    assert request_id not in text_of(home)

    view = {"id": "VFORM", "callback_id": CallbackId.REQUEST_FORM, "private_metadata": ""}
    status, body = chat.post(
        chat.signer.block_suggestion(
            outsider, ActionId.GATEWAY_SELECT, "prod", block_id=BlockId.GATEWAY, view=view
        )
    )
    assert status == 200
    assert json.loads(body)["options"] == []


def test_a_full_member_still_reads_what_the_readme_promises(
    chat: Chat, local_slack: LocalSlack
) -> None:
    chat.ask(DEVELOPER_ID, REQUEST)
    request_id = request_id_of(wait_for_card(local_slack))
    assert request_id in chat.ask(DEVELOPER_ID, f"status {request_id}")
    assert request_id in chat.ask(DEVELOPER_ID, "list pending")
    assert request_id in chat.ask(DEVELOPER_ID, "history")
