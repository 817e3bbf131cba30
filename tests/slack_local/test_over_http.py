"""End to end over loopback HTTP: signed requests to a served bolt AsyncApp, replies to Slack.

This is the path scenario tests take with ``sgbot serve``: the signer POSTs to the app's
request URL, the app answers through the local Web API and response URLs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from standins.slack import LocalSlack, SlackSigner
from tests.fixtures.slack_local import TEST_SIGNING_SECRET


@pytest.fixture
async def request_url(local_slack: LocalSlack) -> AsyncIterator[str]:
    """A bolt AsyncApp served on 127.0.0.1 that replies via respond() and chat.postMessage."""
    app = AsyncApp(
        signing_secret=TEST_SIGNING_SECRET,
        client=AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url),
    )

    @app.command("/sg")
    async def on_command(
        ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await respond(text=f"working on: {command['text']}", replace_original=False)
        await client.chat_postMessage(channel="C0SEC0001", text=f"request: {command['text']}")

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/slack/events"
    await runner.cleanup()


async def test_signed_command_over_http_replies_into_local_slack(
    local_slack: LocalSlack, slack_signer: SlackSigner, request_url: str
) -> None:
    signed = slack_signer.slash_command("U0DEV0001", "C0DEV0001", "open 443")
    status, _ = await signed.post_async(request_url)
    assert status == 200
    posted = await local_slack.wait_for_async(lambda: local_slack.messages("C0SEC0001"))
    assert posted[0]["text"] == "request: open 443"
    response_url = parse_qs(signed.body.decode())["response_url"][0]
    replies = await local_slack.wait_for_async(lambda: local_slack.responses(response_url))
    assert replies == [{"text": "working on: open 443", "replace_original": False}]


async def test_sync_post_and_bad_signature_over_http(
    slack_signer: SlackSigner, request_url: str
) -> None:
    stale = slack_signer.slash_command("U0DEV0001", "C0DEV0001", "open 443", ts=1_000_000_000)
    status, body = await asyncio.to_thread(stale.post, request_url)
    assert status == 401
    assert "invalid request" in body
