"""Socket Mode of the local Slack against slack_sdk's own aiohttp ``SocketModeClient``.

The client opens its connection with ``apps.connections.open`` and the app-level token, is
greeted with ``hello``, gets envelopes and acks them; a ``disconnect`` makes it reconnect. The
raw protocol (hello shape, ping/pong, single-use URLs) and the admin API are checked with a
plain aiohttp WebSocket.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from standins.slack import LocalSlack, NoSocketConnection, payloads
from standins.slack.directory import DEV_CHANNEL_ID, DEVELOPER_ID

ACK_WAIT_SECONDS = 10.0


class RecordingApp:
    """A Socket Mode app that acks every request, answering slash commands with their text."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.requests: list[SocketModeRequest] = []

    async def on_message(
        self, client: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None
    ) -> None:
        self.messages.append(message)

    async def on_request(
        self, client: AsyncBaseSocketModeClient, request: SocketModeRequest
    ) -> None:
        self.requests.append(request)
        payload = None
        if request.type == "slash_commands":
            payload = {"text": f"got: {request.payload['text']}"}
        await client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=payload)
        )


@pytest.fixture
async def app(local_slack: LocalSlack) -> AsyncIterator[RecordingApp]:
    recording = RecordingApp()
    client = SocketModeClient(
        app_token=local_slack.app_token,
        web_client=AsyncWebClient(base_url=local_slack.base_url),
        # Short, so the client notices a lost connection soon after the local Slack returns.
        ping_interval=0.2,
    )
    client.message_listeners.append(recording.on_message)
    client.socket_mode_request_listeners.append(recording.on_request)
    await client.connect()  # type: ignore[no-untyped-call]
    await local_slack.wait_for_async(local_slack.socket_connections)
    yield recording
    await client.close()  # type: ignore[no-untyped-call]


def slash_fields(local_slack: LocalSlack, text: str) -> dict[str, Any]:
    return dict(
        payloads.slash_command(
            local_slack.directory,
            user=DEVELOPER_ID,
            channel=DEV_CHANNEL_ID,
            text=text,
            command="/sg",
            response_url=local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID),
            trigger_id=local_slack.new_trigger_id(DEVELOPER_ID),
        )
    )


async def send(local_slack: LocalSlack, kind: str, payload: dict[str, Any]) -> str:
    return await asyncio.to_thread(local_slack.socket_send, kind, payload)


async def test_client_connects_gets_an_envelope_and_acks(
    local_slack: LocalSlack, app: RecordingApp
) -> None:
    [hello] = await local_slack.wait_for_async(
        lambda: [m for m in app.messages if m.get("type") == "hello"]
    )
    assert hello["connection_info"] == {"app_id": local_slack.directory.api_app_id}
    assert hello["num_connections"] == 1
    [opened] = local_slack.calls("apps.connections.open")
    assert opened.error is None

    fields = slash_fields(local_slack, "list rules")
    envelope_id = await send(local_slack, "slash_commands", fields)
    ack = await local_slack.socket_ack_async(envelope_id, ACK_WAIT_SECONDS)
    assert ack.payload == {"text": "got: list rules"}
    assert ack.acked_at >= ack.sent_at
    [request] = app.requests
    assert request.envelope_id == envelope_id
    assert request.payload == fields
    assert request.accepts_response_payload is True


async def test_interactive_and_events_envelopes(local_slack: LocalSlack, app: RecordingApp) -> None:
    click = {"type": "block_actions", "actions": [{"action_id": "approve", "value": "r1"}]}
    submit = {"type": "view_submission", "view": {"callback_id": "request_form"}}
    event = {"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_mention"}}
    ids = [
        await send(local_slack, "interactive", click),
        await send(local_slack, "interactive", submit),
        await send(local_slack, "events_api", event),
    ]
    for envelope_id in ids:
        ack = await local_slack.socket_ack_async(envelope_id, ACK_WAIT_SECONDS)
        assert ack.payload is None
    by_id = {request.envelope_id: request for request in app.requests}
    assert [by_id[i].payload for i in ids] == [click, submit, event]
    # Slack reads an ack body only for modal submissions and option lists.
    assert [by_id[i].accepts_response_payload for i in ids] == [False, True, False]
    assert (by_id[ids[2]].retry_attempt, by_id[ids[2]].retry_reason) == (0, "")


async def test_disconnect_makes_the_client_reconnect(
    local_slack: LocalSlack, app: RecordingApp
) -> None:
    assert local_slack.socket_connections() == [1]
    await asyncio.to_thread(local_slack.socket_disconnect)
    # The client opens a new connection, then abandons the old one.
    await local_slack.wait_for_async(lambda: local_slack.socket_connections() == [2])
    assert len(local_slack.calls("apps.connections.open")) == 2
    envelope_id = await send(local_slack, "slash_commands", slash_fields(local_slack, "help"))
    ack = await local_slack.socket_ack_async(envelope_id, ACK_WAIT_SECONDS)
    assert ack.payload == {"text": "got: help"}


async def test_an_outage_drops_connections_and_the_client_comes_back(
    local_slack: LocalSlack, app: RecordingApp
) -> None:
    await asyncio.to_thread(local_slack.go_offline)
    assert local_slack.socket_connections() == []
    await asyncio.to_thread(local_slack.come_online)
    await local_slack.wait_for_async(local_slack.socket_connections)
    envelope_id = await send(local_slack, "slash_commands", slash_fields(local_slack, "help"))
    ack = await local_slack.socket_ack_async(envelope_id, ACK_WAIT_SECONDS)
    assert ack.payload == {"text": "got: help"}


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("xoxb-local-sgbot", "not_allowed_token_type"),
        ("xapp-1-A0SGBOT01-someone-else", "invalid_auth"),
    ],
)
async def test_wrong_token_is_refused(local_slack: LocalSlack, token: str, error: str) -> None:
    client = AsyncWebClient(base_url=local_slack.base_url)
    with pytest.raises(SlackApiError) as refused:
        await client.apps_connections_open(app_token=token)
    assert refused.value.response["error"] == error
    assert [(c.method, c.error) for c in local_slack.calls()] == [("apps.connections.open", error)]


async def test_missing_token_and_app_token_on_a_bot_method(local_slack: LocalSlack) -> None:
    client = AsyncWebClient(base_url=local_slack.base_url)
    with pytest.raises(SlackApiError) as missing:
        await client.api_call("apps.connections.open", http_verb="POST")
    assert missing.value.response["error"] == "not_authed"
    with_app_token = AsyncWebClient(token=local_slack.app_token, base_url=local_slack.base_url)
    with pytest.raises(SlackApiError) as wrong_kind:
        await with_app_token.auth_test()
    assert wrong_kind.value.response["error"] == "not_allowed_token_type"


async def test_raw_protocol_and_admin_api(local_slack: LocalSlack) -> None:
    client = AsyncWebClient(base_url=local_slack.base_url)
    url = str((await client.apps_connections_open(app_token=local_slack.app_token))["url"])
    assert url.startswith(f"ws://127.0.0.1:{local_slack.origin.rsplit(':', 1)[1]}/socket-mode/")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, autoping=False) as socket:
            hello = await socket.receive_json()
            assert hello["type"] == "hello"
            assert set(hello["debug_info"]) == {
                "host",
                "build_number",
                "approximate_connection_time",
            }
            await socket.ping(b"sdk-ping-pong:1")
            pong = await socket.receive()
            assert (pong.type, pong.data) == (aiohttp.WSMsgType.PONG, b"sdk-ping-pong:1")

            sent = await session.post(
                f"{local_slack.origin}/_local/socket/send",
                json={"kind": "events_api", "payload": {"type": "event_callback"}},
            )
            envelope_id = (await sent.json())["envelope_id"]
            envelope = await socket.receive_json()
            assert envelope["envelope_id"] == envelope_id
            assert envelope["payload"] == {"type": "event_callback"}
            ack_url = f"{local_slack.origin}/_local/socket/ack?envelope_id={envelope_id}"
            assert await (await session.get(ack_url)).json() == {"acked": False}
            assert local_slack.socket_acked(envelope_id) is None
            await socket.send_str(json.dumps({"envelope_id": envelope_id}))
            await local_slack.socket_ack_async(envelope_id)
            assert await (await session.get(ack_url)).json() == {"acked": True, "payload": None}

        # A URL from apps.connections.open is good for one connection only.
        with pytest.raises(aiohttp.WSServerHandshakeError) as reused:
            await session.ws_connect(url)
        assert reused.value.status == 401


def test_sending_needs_a_connection(local_slack: LocalSlack) -> None:
    with pytest.raises(NoSocketConnection):
        local_slack.socket_send("events_api", {"type": "event_callback"})
    with pytest.raises(ValueError, match="envelope type"):
        local_slack.socket_send("webhook", {})
