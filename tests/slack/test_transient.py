"""Which Slack failures the deliverer retries, measured against the local Web API server."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import transient_wait
from standins.slack import LocalSlack
from standins.slack.directory import SECURITY_CHANNEL_ID


async def _failure(client: AsyncWebClient, channel: str = SECURITY_CHANNEL_ID) -> Exception:
    with pytest.raises(Exception) as caught:
        await client.chat_postMessage(channel=channel, text="hello")
    assert isinstance(caught.value, Exception)
    return caught.value


async def test_rate_limit_waits_for_retry_after(
    local_slack: LocalSlack, client: AsyncWebClient
) -> None:
    local_slack.rate_limit("chat.postMessage", count=1, retry_after_seconds=7)
    assert transient_wait(await _failure(client)) == 7.0


async def test_outage_is_retried(local_slack: LocalSlack, client: AsyncWebClient) -> None:
    local_slack.outage()
    assert transient_wait(await _failure(client)) == 0.0


async def test_refused_connection_is_retried(
    local_slack: LocalSlack, client: AsyncWebClient
) -> None:
    local_slack.go_offline()
    try:
        assert transient_wait(await _failure(client)) == 0.0
    finally:
        local_slack.come_online()


async def test_unknown_channel_is_not_retried(client: AsyncWebClient) -> None:
    assert transient_wait(await _failure(client, channel="C0NOWHERE")) is None
