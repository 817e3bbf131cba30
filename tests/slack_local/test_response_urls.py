"""Response URLs behave like hooks.slack.com; the admin API and sync helpers drive the server."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from standins.slack import LocalSlack
from tests.fixtures.slack_local import ManualClock


async def test_five_uses_then_used_url(local_slack: LocalSlack) -> None:
    url = local_slack.new_response_url("U0DEV0001", "C0DEV0001")
    webhook = AsyncWebhookClient(url)
    for n in range(5):
        response = await webhook.send(text=f"step {n}", replace_original=True)
        assert (response.status_code, response.body) == (200, "ok")
    sixth = await webhook.send(text="one too many")
    assert (sixth.status_code, sixth.body) == (404, "used_url")
    posted = local_slack.responses(url)
    assert [body["text"] for body in posted] == [f"step {n}" for n in range(5)]
    assert all(body["replace_original"] is True for body in posted)


async def test_expired_and_malformed_posts() -> None:
    clock = ManualClock(1_700_000_000.0)
    async with LocalSlack(clock=clock) as local:
        url = local.new_response_url("U0DEV0001", "C0DEV0001")
        empty = await AsyncWebhookClient(url).send_dict({"response_type": "ephemeral"})
        assert (empty.status_code, empty.body) == (400, "no_text")
        deleted = await AsyncWebhookClient(url).send(delete_original=True)
        assert deleted.status_code == 200
        clock.now += 30 * 60 + 1
        late = await AsyncWebhookClient(url).send(text="late")
        assert (late.status_code, late.body) == (404, "expired_url")
        assert local.responses(url) == [{"delete_original": True}]


def _admin(local: LocalSlack, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{local.origin}/_local/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_admin_api_drives_the_server(local_slack: LocalSlack) -> None:
    client = WebClient(token=local_slack.bot_token, base_url=local_slack.base_url)
    client.chat_postMessage(channel="C0SEC0001", text="card")
    limit = {"method": "users.info", "count": 1, "retry_after_seconds": 3}
    _admin(local_slack, "rate_limit", limit)
    with pytest.raises(SlackApiError) as limited:
        client.users_info(user="U0DEV0001")
    assert limited.value.response.status_code == 429
    _admin(local_slack, "outage", {})
    with pytest.raises(SlackApiError) as down:
        client.auth_test()
    assert down.value.response.status_code == 503
    _admin(local_slack, "outage", {"clear": True})
    assert client.auth_test()["ok"] is True

    assert [m["text"] for m in _admin(local_slack, "messages?channel=C0SEC0001")] == ["card"]
    calls = _admin(local_slack, "calls?method=users.info")
    assert [(call["status"], call["error"]) for call in calls] == [(429, "ratelimited")]
    hook = _admin(local_slack, "response_url", {"user": "U0DEV0001", "channel": "C0DEV0001"})
    assert hook["url"].startswith(f"{local_slack.origin}/response/")
    trigger = _admin(local_slack, "trigger_id", {"user": "U0DEV0001"})["trigger_id"]
    client.views_open(trigger_id=trigger, view={"type": "modal", "callback_id": "ask"})
    assert _admin(local_slack, "views?user=U0DEV0001")[0]["callback_id"] == "ask"


def test_wait_for_sees_a_post_from_another_thread(local_slack: LocalSlack) -> None:
    client = WebClient(token=local_slack.bot_token, base_url=local_slack.base_url)
    poster = threading.Thread(
        target=lambda: client.chat_postMessage(channel="C0DEV0001", text="later")
    )
    poster.start()
    messages = local_slack.wait_for(lambda: local_slack.messages("C0DEV0001"))
    poster.join()
    assert messages[0]["text"] == "later"


def test_wait_for_gives_up(local_slack: LocalSlack) -> None:
    with pytest.raises(TimeoutError):
        local_slack.wait_for(lambda: local_slack.messages("C0DEV0001"), within=0)
