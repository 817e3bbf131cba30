"""Helpers for scenario tests: find the approval card, click it, read what the bot posted.

``Chat`` is a running ``sgbot serve`` as its users reach it; the ``chat`` and ``start_chat``
fixtures in this package's ``conftest.py`` hand one to a test. The free functions stay for the
proof suites, which drive several replicas and so pass the events URL themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis

from handlers.ids import ActionId, BlockId
from standins.slack import LocalSlack, SignedRequest, SlackRequests, SlackSigner
from standins.slack.directory import DEV_CHANNEL_ID, SECURITY_CHANNEL_ID, dm_channel_id
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.sgbot_process import SgbotProcess
from tests.handlers.blockkit import submitted_unchanged

PROD_GW = "prod-gw"
PROD_GW_ID = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"
PROD_GW_GROUP = "sg-gwprod0001"
WAIT_SECONDS = 30.0
# The change most scenarios ask for: it resolves through the demo estate to two node pools.
REQUEST = f"authorize gateway {PROD_GW} to service orders on 8080"
Delivery = TypeVar("Delivery")


def stored_requests(env: dict[str, str]) -> int:
    """How many requests the bot on ``env`` has in Redis, whatever their state."""
    client = redis.Redis.from_url(env["REDIS_URL"])
    try:
        return len(list(client.scan_iter(f"{{{env['SGBOT_KEY_PREFIX']}}}:req:*")))
    finally:
        client.close()


def text_of(message: dict[str, Any]) -> str:
    """Fallback text and every text in the blocks, for assertions about what a message says."""
    return str(message.get("text", "")) + "\n" + json.dumps(message.get("blocks") or [])


def button_value(message: dict[str, Any], action_id: str) -> str | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    return None


def request_id_of(card: dict[str, Any]) -> str:
    """The request id on a card's Approve button; fails the test if the card has none."""
    request_id = button_value(card, ActionId.APPROVE)
    assert request_id is not None
    return request_id


def cards(local_slack: LocalSlack) -> list[dict[str, Any]]:
    """Top-level messages in the security channel (thread replies excluded)."""
    return [m for m in local_slack.messages(SECURITY_CHANNEL_ID) if not m.get("thread_ts")]


def card_of(local_slack: LocalSlack, request_id: str) -> dict[str, Any] | None:
    """The card whose header names ``request_id`` (other cards may mention it too)."""

    def header(message: dict[str, Any]) -> str:
        blocks = message.get("blocks") or [{}]
        return str(blocks[0].get("text", {}).get("text", ""))

    return next((m for m in cards(local_slack) if header(m).endswith(request_id)), None)


def wait_for_card(local_slack: LocalSlack, within: float = WAIT_SECONDS) -> dict[str, Any]:
    """The first approval card that carries an Approve button."""

    def approvable() -> dict[str, Any] | None:
        return next((m for m in cards(local_slack) if button_value(m, ActionId.APPROVE)), None)

    card = local_slack.wait_for(approvable, within)
    assert card is not None
    return card


def mse_rules(emulator: EmulatorHandle) -> list[dict[str, Any]]:
    """The emulated prod gateway's MSE rules, oldest first."""
    rules: list[dict[str, Any]] = emulator.state()["mse_rules"].get(PROD_GW_ID, [])
    return rules


def card_click(
    source: SlackRequests[Delivery],
    user: str,
    card: dict[str, Any],
    action: str,
    *,
    value: str | None = None,
    response_url: str | None = None,
) -> Delivery:
    """``user`` clicks ``action`` on ``card``; a ``value`` other than the button's is a forgery."""
    if value is None:
        value = button_value(card, action)
        assert value is not None, f"no {action} button on the card"
    block = BlockId.DECISION if action in {ActionId.APPROVE, ActionId.DENY} else BlockId.FAILURE
    return source.block_actions(
        user,
        action,
        value,
        block_id=block,
        channel=SECURITY_CHANNEL_ID,
        message=card,
        response_url=response_url,
    )


def click(
    signer: SlackSigner,
    url: str,
    user: str,
    card: dict[str, Any],
    action: str,
    *,
    response_url: str | None = None,
) -> tuple[int, str]:
    return card_click(signer, user, card, action, response_url=response_url).post(url)


def private_notes(local_slack: LocalSlack, response_url: str) -> str:
    return "\n".join(text_of(r) for r in local_slack.responses(response_url))


def ask(
    signer: SlackSigner, url: str, user: str, text: str, *, response_url: str | None = None
) -> str:
    """Send the slash command; returns what its ack said."""
    command = signer.slash_command(user, DEV_CHANNEL_ID, text, response_url=response_url)
    status, body = command.post(url)
    assert status == 200, body
    return slash_answer(body)


def dm_texts(local_slack: LocalSlack, user: str) -> list[str]:
    return [text_of(m) for m in local_slack.messages(dm_channel_id(user))]


def slash_answer(body: str) -> str:
    """What an ack body says: JSON with text and blocks, or plain text."""
    try:
        return text_of(json.loads(body))
    except json.JSONDecodeError:
        return body


@dataclass(frozen=True)
class Chat:
    """One ``sgbot serve`` and the local Slack it talks to, driven as its users would."""

    sgbot: SgbotProcess
    slack: LocalSlack
    signer: SlackSigner

    def post(self, request: SignedRequest) -> tuple[int, str]:
        """Deliver a request signed with ``signer`` (or a forger) to the bot's events URL."""
        return request.post(self.sgbot.events_url)

    def ask(self, user: str, text: str, *, response_url: str | None = None) -> str:
        return ask(self.signer, self.sgbot.events_url, user, text, response_url=response_url)

    def click(
        self,
        user: str,
        card: dict[str, Any],
        action: str,
        *,
        response_url: str | None = None,
    ) -> tuple[int, str]:
        url = self.sgbot.events_url
        return click(self.signer, url, user, card, action, response_url=response_url)

    def press(
        self,
        user: str,
        action: str,
        value: str,
        *,
        block_id: str,
        channel: str,
        message: dict[str, Any] | None = None,
        message_ts: str | None = None,
        response_url: str | None = None,
    ) -> None:
        """``user`` clicks the ``action`` button valued ``value`` (on ``message``, or on one
        Slack does not send back, such as an ephemeral one, at ``message_ts``); the bot acks."""
        request = self.signer.block_actions(
            user, action, value, block_id=block_id, channel=channel, message=message,
            message_ts=message_ts, response_url=response_url,
        )  # fmt: skip
        assert self.post(request)[0] == 200

    def click_with_notes(self, user: str, card: dict[str, Any], action: str) -> str:
        """Click as ``user``; returns the response URL the bot answers that click on."""
        url = self.slack.new_response_url(user, SECURITY_CHANNEL_ID)
        assert self.click(user, card, action, response_url=url)[0] == 200
        return url

    def submit_unchanged(self, user: str, form: dict[str, Any]) -> dict[str, Any]:
        """Submit ``form`` as it was opened; the approval card the submission raises."""
        status, body = self.post(self.signer.view_submission(user, form, submitted_unchanged(form)))
        assert status == 200
        assert "errors" not in body
        return wait_for_card(self.slack)

    def request_card(
        self, user: str, text: str, *, response_url: str | None = None
    ) -> tuple[dict[str, Any], str]:
        """Ask for a change and wait for its approval card; returns the card and request id.

        It takes the first card with an Approve button, so no other card may be pending."""
        self.ask(user, text, response_url=response_url)
        card = wait_for_card(self.slack)
        return card, request_id_of(card)


# The ``start_chat`` fixture: a Chat on an environment the test chose.
StartChat = Callable[[dict[str, str]], Chat]
