"""The sandbox server against a tiny stand-in bot: what it forwards, and what the page sees.

The stand-in bot verifies every request with slack_sdk's ``SignatureVerifier`` (the check a
real Slack app makes), records it, and answers with whatever the test scripted; it makes its
Web API calls to the ``LocalSlack`` the sandbox serves, as the real bot does.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from standins.sandbox import create_sandbox_app, render_page
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_IDS, DEV_CHANNEL_ID, DEVELOPER_ID, demo_directory
from tests.fixtures.emulator import EmulatorHandle

SECRET = "sandbox-test-signing-secret"
Answer = Callable[[dict[str, Any]], Awaitable[Any]]


@dataclass
class StandInBot:
    """Records verified requests (decoded) and answers each with ``answer(request)``."""

    answer: Answer | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    verifier: SignatureVerifier = field(default_factory=lambda: SignatureVerifier(SECRET))

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        if not self.verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401)
        if request.content_type == "application/json":
            decoded = json.loads(body)
        else:
            form = {key: values[0] for key, values in parse_qs(body).items()}
            decoded = json.loads(form["payload"]) if "payload" in form else form
        self.received.append(decoded)
        reply = None if self.answer is None else await self.answer(decoded)
        return web.json_response(reply) if reply is not None else web.Response(text="")


@dataclass
class Sandbox:
    client: aiohttp.ClientSession
    url: str
    bot: StandInBot
    slack: AsyncWebClient
    local: LocalSlack

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        async with self.client.post(f"{self.url}{path}", json=body) as response:
            text = await response.text()
            json_reply = response.content_type == "application/json"
            return response.status, json.loads(text) if json_reply else text

    async def state(self, user: str, channel: str = DEV_CHANNEL_ID) -> dict[str, Any]:
        query = {"user": user, "channel": channel}
        async with self.client.get(f"{self.url}/api/state", params=query) as response:
            answer: dict[str, Any] = await response.json()
            return answer


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@pytest.fixture
async def sandbox(local_slack: LocalSlack, emulator: EmulatorHandle) -> AsyncIterator[Sandbox]:
    bot = StandInBot()
    bot_app = web.Application()
    bot_app.router.add_post("/slack/events", bot.handle)
    bot_runner, bot_url = await _serve(bot_app)
    app = create_sandbox_app(local_slack, SECRET, f"{bot_url}/slack/events", emulator.url)
    runner, url = await _serve(app)
    slack = AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url)
    async with aiohttp.ClientSession() as client:
        yield Sandbox(client, url, bot, slack, local_slack)
    await runner.cleanup()
    await bot_runner.cleanup()


async def test_a_slash_command_is_forwarded_signed_and_its_reply_is_private(
    sandbox: Sandbox,
) -> None:
    async def reply(request: dict[str, Any]) -> Any:
        return {"response_type": "ephemeral", "text": f"got *{request['text']}*"}

    sandbox.bot.answer = reply
    status, _ = await sandbox.post(
        "/api/send", {"user": DEVELOPER_ID, "channel": DEV_CHANNEL_ID, "text": "/sg list rules"}
    )

    assert status == 200
    [command] = sandbox.bot.received
    assert (command["command"], command["text"], command["user_id"]) == (
        "/sg",
        "list rules",
        DEVELOPER_ID,
    )
    assert command["response_url"].startswith(sandbox.local.origin)
    [mine] = (await sandbox.state(DEVELOPER_ID))["messages"]
    assert (mine["text"], mine["ephemeral"]) == ("got *list rules*", True)
    assert (await sandbox.state(APPROVER_IDS[0]))["messages"] == []


async def test_a_mention_becomes_an_app_mention_event(sandbox: Sandbox) -> None:
    await sandbox.post(
        "/api/send", {"user": DEVELOPER_ID, "channel": DEV_CHANNEL_ID, "text": "@sgbot help"}
    )

    [delivery] = sandbox.bot.received
    assert delivery["type"] == "event_callback"
    assert delivery["event"]["type"] == "app_mention"
    assert delivery["event"]["text"] == "<@U0SGBOT00> help"
    seen_by_other = (await sandbox.state(APPROVER_IDS[0]))["messages"]
    assert [item["text"] for item in seen_by_other] == ["<@U0SGBOT00> help"]


async def test_bot_messages_updates_and_response_url_replies_reach_the_page(
    sandbox: Sandbox,
) -> None:
    posted = await sandbox.slack.chat_postMessage(
        channel=DEV_CHANNEL_ID,
        text="card",
        blocks=[{"type": "actions", "block_id": "decision", "elements": []}],
    )

    async def on_click(request: dict[str, Any]) -> Any:
        async with aiohttp.ClientSession() as session:
            reply = {"text": "only you see this", "response_type": "ephemeral"}
            await session.post(request["response_url"], json=reply)
        await sandbox.slack.chat_update(channel=DEV_CHANNEL_ID, ts=posted["ts"], text="decided")
        return None

    sandbox.bot.answer = on_click
    key = f"m:{posted['ts']}"
    action = {"action_id": "approve", "block_id": "decision", "value": "REQ-ABCDE"}
    status, _ = await sandbox.post(
        "/api/action",
        {"user": APPROVER_IDS[0], "channel": DEV_CHANNEL_ID, "key": key, "ts": posted["ts"]}
        | {"action": action},
    )

    assert status == 200
    [click] = sandbox.bot.received
    assert click["type"] == "block_actions"
    assert click["message"]["ts"] == posted["ts"]
    assert click["actions"][0]["value"] == "REQ-ABCDE"
    clicker_sees = (await sandbox.state(APPROVER_IDS[0]))["messages"]
    card, *private = clicker_sees
    assert (card["key"], card["text"], card["edited"]) == (key, "decided", True)
    assert [m["text"] for m in private] == ["only you see this"]
    assert [m["text"] for m in (await sandbox.state(DEVELOPER_ID))["messages"]] == ["decided"]


async def test_a_modal_shows_inline_errors_then_closes_on_success(sandbox: Sandbox) -> None:
    view = {
        "type": "modal",
        "callback_id": "deny_reason_form",
        "title": {"type": "plain_text", "text": "Deny"},
        "blocks": [{"type": "input", "block_id": "deny_reason", "element": {}}],
    }
    answers: list[Any] = [{"response_action": "errors", "errors": {"deny_reason": "say why"}}]

    async def scripted(request: dict[str, Any]) -> Any:
        if request.get("command"):
            await sandbox.slack.views_open(trigger_id=request["trigger_id"], view=view)
            return None
        if request["type"] == "block_suggestion":
            return {"options": [{"text": {"type": "plain_text", "text": "prod-gw"}, "value": "g"}]}
        return answers.pop(0) if answers else None

    sandbox.bot.answer = scripted
    person = {"user": DEVELOPER_ID, "channel": DEV_CHANNEL_ID}
    await sandbox.post("/api/send", person | {"text": "/sg"})
    modal = (await sandbox.state(DEVELOPER_ID))["modal"]
    assert modal["callback_id"] == "deny_reason_form"
    typed = {"deny_reason": {"deny_reason_input": {"type": "plain_text_input", "value": "x"}}}

    _, options = await sandbox.post(
        "/api/suggest",
        {"user": DEVELOPER_ID, "view_id": modal["id"], "values": typed}
        | {"action": {"action_id": "gateway_select", "block_id": "gateway", "value": "pro"}},
    )
    _, refused = await sandbox.post(
        "/api/submit", {"user": DEVELOPER_ID, "view_id": modal["id"], "values": typed}
    )
    still_open = (await sandbox.state(DEVELOPER_ID))["modal"]
    _, accepted = await sandbox.post(
        "/api/submit", {"user": DEVELOPER_ID, "view_id": modal["id"], "values": typed}
    )

    assert [option["value"] for option in options["options"]] == ["g"]
    assert sandbox.bot.received[1]["value"] == "pro"
    assert refused == {"errors": {"deny_reason": "say why"}}
    assert still_open["id"] == modal["id"]
    assert accepted == {"errors": None}
    assert sandbox.bot.received[-1]["view"]["state"]["values"] == typed
    assert (await sandbox.state(DEVELOPER_ID))["modal"] is None


async def test_the_cloud_panel_relays_the_emulator_state(
    sandbox: Sandbox, emulator: EmulatorHandle
) -> None:
    async with sandbox.client.get(f"{sandbox.url}/api/cloud") as response:
        relayed = await response.json()

    assert relayed == emulator.state()


async def test_actions_must_be_json_and_from_a_known_person(sandbox: Sandbox) -> None:
    form = {"user": DEVELOPER_ID, "channel": DEV_CHANNEL_ID, "text": "/sg help"}
    async with sandbox.client.post(f"{sandbox.url}/api/send", data=form) as response:
        assert response.status == 415
    status, _ = await sandbox.post("/api/send", form | {"user": "U0NOBODY1"})
    assert status == 400
    assert sandbox.bot.received == []


async def test_the_page_fetches_nothing_from_elsewhere(sandbox: Sandbox) -> None:
    async with sandbox.client.get(f"{sandbox.url}/") as response:
        page = await response.text()

    assert "Dana Developer" in page
    assert "# security" in page
    assert "http://" not in page
    assert "https://" not in page


def test_the_page_escapes_names_from_the_directory() -> None:
    hostile = "<script>alert(1)</script>"
    directory = demo_directory()
    users = tuple(
        user.model_copy(update={"real_name": hostile, "display_name": hostile})
        if user.id == DEVELOPER_ID
        else user
        for user in directory.users
    )
    page = render_page(LocalSlack(directory=directory.model_copy(update={"users": users})))

    assert hostile not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("</script>") == 2  # the directory's and the page script's own
