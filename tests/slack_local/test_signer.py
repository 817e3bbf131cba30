"""The signer produces requests Slack's own verifier and a real bolt AsyncApp accept."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from standins.slack import LocalSlack, SignedRequest, SlackSigner
from tests.fixtures.slack_local import TEST_SIGNING_SECRET

# Slack's published example (verifying requests from Slack), also used by slack_sdk's tests.
KNOWN_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
KNOWN_TIMESTAMP = "1531420618"
KNOWN_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
    "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
KNOWN_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
NOW = 1_700_000_000.0


class FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def test_known_answer_vector() -> None:
    signer = SlackSigner(KNOWN_SECRET)
    assert signer.signature(KNOWN_TIMESTAMP, KNOWN_BODY.encode()) == KNOWN_SIGNATURE


def _form_payload(request: SignedRequest) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(parse_qs(request.body.decode())["payload"][0])
    return payload


def _builders(local: LocalSlack, signer: SlackSigner) -> dict[str, Callable[[], SignedRequest]]:
    trigger = local.new_trigger_id("U0APPR001")
    message = {"ts": "1700000000.000100", "text": "card", "bot_id": "B0SGBOT00"}
    view = {"id": "V1", "callback_id": "request", "private_metadata": "{}"}
    return {
        "slash_command": lambda: signer.slash_command("U0DEV0001", "C0DEV0001", "open 80"),
        "block_actions": lambda: signer.block_actions(
            "U0APPR001",
            "approve",
            "req-1",
            block_id="decision",
            channel="C0SEC0001",
            message=message,
            trigger_id=trigger,
        ),
        "view_submission": lambda: signer.view_submission(
            "U0DEV0001", view, {"ports": {"ports": {"type": "plain_text_input", "value": "80"}}}
        ),
        "block_suggestion": lambda: signer.block_suggestion(
            "U0DEV0001", "gateway", "gw-", block_id="gateway", view=view
        ),
        "app_mention": lambda: signer.event_callback(
            signer.app_mention("U0DEV0001", "C0DEV0001", "<@U0SGBOT00> list")
        ),
        "direct_message": lambda: signer.event_callback(signer.direct_message("U0DEV0001", "hi")),
        "app_home_opened": lambda: signer.event_callback(signer.app_home_opened("U0DEV0001")),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "slash_command",
        "block_actions",
        "view_submission",
        "block_suggestion",
        "app_mention",
        "direct_message",
        "app_home_opened",
    ],
)
def test_every_request_passes_slack_sdk_verification(local_slack: LocalSlack, kind: str) -> None:
    signer = SlackSigner(TEST_SIGNING_SECRET, interactions=local_slack, clock=lambda: NOW)
    request = _builders(local_slack, signer)[kind]()
    verifier = SignatureVerifier(TEST_SIGNING_SECRET, clock=FixedClock(NOW))
    assert verifier.is_valid_request(request.body, request.headers)
    assert request.headers["X-Slack-Request-Timestamp"] == str(int(NOW))
    wrong_secret = SignatureVerifier("another-secret", clock=FixedClock(NOW))
    assert not wrong_secret.is_valid_request(request.body, request.headers)


def test_injected_timestamp_makes_a_stale_request() -> None:
    signer = SlackSigner(TEST_SIGNING_SECRET, clock=lambda: NOW)
    stale = signer.slash_command(
        "U0DEV0001", "C0DEV0001", "x", response_url="http://127.0.0.1:1/r", ts=int(NOW) - 301
    )
    verifier = SignatureVerifier(TEST_SIGNING_SECRET, clock=FixedClock(NOW))
    assert stale.headers["X-Slack-Request-Timestamp"] == str(int(NOW) - 301)
    assert not verifier.is_valid_request(stale.body, stale.headers)


def test_slash_command_form_fields(slack_signer: SlackSigner, local_slack: LocalSlack) -> None:
    request = slack_signer.slash_command("U0DEV0001", "C0DEV0001", "open 80 & 443")
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert b"command=%2Fsg" in request.body
    fields = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
    assert fields["text"] == "open 80 & 443"
    assert fields["team_id"] == "T0SGBOT01"
    assert fields["channel_name"] == "dev"
    assert fields["is_enterprise_install"] == "false"
    assert fields["response_url"].startswith(local_slack.origin + "/response/")


def test_block_actions_points_at_the_clicked_message(slack_signer: SlackSigner) -> None:
    message = {"ts": "1700000000.000200", "thread_ts": "1700000000.000100", "text": "card"}
    payload = _form_payload(
        slack_signer.block_actions(
            "U0FRGN001", "deny", "req-9", block_id="decision", channel="C0DEV0001", message=message
        )
    )
    assert payload["type"] == "block_actions"
    assert payload["user"]["team_id"] == "T0OTHER01"
    assert payload["team"]["id"] == "T0SGBOT01"
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1700000000.000200",
        "channel_id": "C0DEV0001",
        "is_ephemeral": False,
        "thread_ts": "1700000000.000100",
    }
    assert payload["actions"][0]["value"] == "req-9"
    assert payload["message"] == message


def test_event_retry_headers_and_envelope(slack_signer: SlackSigner) -> None:
    event = slack_signer.app_mention("U0FRGN001", "C0DEV0001", "<@U0SGBOT00> hi")
    request = slack_signer.event_callback(
        event, event_id="Ev0001", retry_num=1, retry_reason="http_timeout"
    )
    assert request.headers["X-Slack-Retry-Num"] == "1"
    assert request.headers["X-Slack-Retry-Reason"] == "http_timeout"
    envelope = json.loads(request.body)
    assert envelope["event_id"] == "Ev0001"
    assert envelope["is_ext_shared_channel"] is True
    assert envelope["authorizations"][0]["user_id"] == "U0SGBOT00"
    assert envelope["event"]["user_team"] == "T0OTHER01"
    dm = slack_signer.direct_message("U0DEV0001", "hello")
    assert dm["channel"] == "D0DEV0001"
    assert dm["channel_type"] == "im"


def _bolt_request(request: SignedRequest) -> AsyncBoltRequest:
    headers: dict[str, str | Sequence[str]] = dict(request.headers)
    return AsyncBoltRequest(body=request.body.decode(), headers=headers)


def _app(local: LocalSlack) -> AsyncApp:
    return AsyncApp(
        signing_secret=TEST_SIGNING_SECRET,
        client=AsyncWebClient(token=local.bot_token, base_url=local.base_url),
    )


def _app_taking_commands(local: LocalSlack) -> tuple[AsyncApp, list[str]]:
    """An app whose ``/sg`` acks "received"; the list of texts it was given."""
    app = _app(local)
    seen: list[str] = []

    @app.command("/sg")
    async def on_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        seen.append(command["text"])
        await ack("received")

    return app, seen


async def test_bolt_accepts_a_signed_slash_command(
    local_slack: LocalSlack, slack_signer: SlackSigner
) -> None:
    app, seen = _app_taking_commands(local_slack)
    response = await app.async_dispatch(
        _bolt_request(slack_signer.slash_command("U0DEV0001", "C0DEV0001", "open 8080"))
    )
    assert response.status == 200
    assert response.body == "received"
    assert seen == ["open 8080"]
    assert [call.method for call in local_slack.calls()] == ["auth.test"]


async def test_bolt_rejects_a_tampered_or_stale_request(
    local_slack: LocalSlack, slack_signer: SlackSigner
) -> None:
    app, seen = _app_taking_commands(local_slack)
    signed = slack_signer.slash_command("U0DEV0001", "C0DEV0001", "open 80")
    tampered = SignedRequest(signed.body.replace(b"80", b"22"), signed.headers)
    stale = slack_signer.slash_command("U0DEV0001", "C0DEV0001", "open 80", ts=1_000_000_000)
    assert (await app.async_dispatch(_bolt_request(tampered))).status == 401
    assert (await app.async_dispatch(_bolt_request(stale))).status == 401
    assert seen == []


async def test_bolt_routes_actions_views_and_events(
    local_slack: LocalSlack, slack_signer: SlackSigner
) -> None:
    app = _app(local_slack)
    seen: list[tuple[str, str]] = []

    @app.action("approve")
    async def on_approve(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen.append(("approve", body["actions"][0]["value"]))

    @app.view("request")
    async def on_submit(ack: AsyncAck, view: dict[str, Any]) -> None:
        await ack()
        seen.append(("view", view["state"]["values"]["ports"]["ports"]["value"]))

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any]) -> None:
        seen.append(("mention", event["text"]))

    requests = _builders(local_slack, slack_signer)
    for kind in ("block_actions", "view_submission", "app_mention"):
        response = await app.async_dispatch(_bolt_request(requests[kind]()))
        assert response.status == 200, kind
    await local_slack.wait_for_async(lambda: len(seen) == 3)
    assert sorted(seen) == [
        ("approve", "req-1"),
        ("mention", "<@U0SGBOT00> list"),
        ("view", "80"),
    ]


async def test_bolt_answers_a_block_suggestion(
    local_slack: LocalSlack, slack_signer: SlackSigner
) -> None:
    app = _app(local_slack)

    @app.options("gateway")
    async def on_options(ack: AsyncAck, payload: dict[str, Any]) -> None:
        typed = payload["value"]
        await ack(options=[{"text": {"type": "plain_text", "text": typed + "1"}, "value": "g1"}])

    response = await app.async_dispatch(
        _bolt_request(_builders(local_slack, slack_signer)["block_suggestion"]())
    )
    assert response.status == 200
    assert json.loads(response.body)["options"][0]["text"]["text"] == "gw-1"
