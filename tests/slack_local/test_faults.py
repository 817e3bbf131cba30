"""Injected faults look to slack_sdk like Slack's own: 429 with Retry-After, 503, no listener."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from standins.slack import LocalSlack
from tests.fixtures.slack_local import ManualClock


def _client(local: LocalSlack) -> AsyncWebClient:
    return AsyncWebClient(token=local.bot_token, base_url=local.base_url)


async def test_rate_limit_answers_429_with_retry_after(local_slack: LocalSlack) -> None:
    client = _client(local_slack)
    local_slack.rate_limit("chat.postMessage", count=2, retry_after_seconds=7)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C0DEV0001", text="x")
        assert raised.value.response.status_code == 429
        assert raised.value.response.headers["Retry-After"] == "7"
        assert raised.value.response["error"] == "ratelimited"
    await client.users_info(user="U0DEV0001")  # other methods are not limited
    posted = await client.chat_postMessage(channel="C0DEV0001", text="x")
    assert posted["ok"] is True
    statuses = [call.status for call in local_slack.calls("chat.postMessage")]
    assert statuses == [429, 429, 200]
    assert len(local_slack.messages("C0DEV0001")) == 1


async def test_outage_until_cleared(local_slack: LocalSlack) -> None:
    client = _client(local_slack)
    local_slack.outage()
    with pytest.raises(SlackApiError) as raised:
        await client.users_info(user="U0DEV0001")
    assert raised.value.response.status_code == 503
    assert raised.value.response["error"] == "service_unavailable"
    local_slack.clear_outage()
    assert (await client.users_info(user="U0DEV0001"))["ok"] is True


async def test_timed_outage_ends_by_the_clock() -> None:
    clock = ManualClock(1_700_000_000.0)
    async with LocalSlack(clock=clock) as local:
        client = _client(local)
        local.outage(seconds=60)
        with pytest.raises(SlackApiError):
            await client.auth_test()
        clock.now += 61
        assert (await client.auth_test())["ok"] is True


async def test_offline_refuses_connections_and_comes_back_on_the_same_port(
    local_slack: LocalSlack,
) -> None:
    client = _client(local_slack)
    base_url = local_slack.base_url
    await client.auth_test()
    local_slack.go_offline()
    with pytest.raises(aiohttp.ClientConnectorError):
        await client.auth_test()
    local_slack.come_online()
    assert local_slack.base_url == base_url
    assert (await client.auth_test())["ok"] is True
