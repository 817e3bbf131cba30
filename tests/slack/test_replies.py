"""Private replies land where each surface expects them, on the local Slack."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from approvals.model import ReplyTo, Surface
from handlers.block_parts import Message, message, section
from handlers.replies import reply_privately
from standins.slack import LocalSlack
from standins.slack.directory import DEV_CHANNEL_ID, DEVELOPER_ID, dm_channel_id

REPLY: Message = message("only for you", [section("only for you")], emulated=False)


async def test_slash_reply_goes_to_the_response_url(
    local_slack: LocalSlack, client: AsyncWebClient
) -> None:
    url = local_slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    reply_to = ReplyTo(surface=Surface.SLASH, channel_id=DEV_CHANNEL_ID, reply_url=url)
    await reply_privately(client, reply_to, DEVELOPER_ID, REPLY)
    assert [r["text"] for r in local_slack.responses(url)] == ["only for you"]
    assert local_slack.messages(DEV_CHANNEL_ID) == []


async def test_mention_reply_is_ephemeral(local_slack: LocalSlack, client: AsyncWebClient) -> None:
    reply_to = ReplyTo(surface=Surface.MENTION, channel_id=DEV_CHANNEL_ID)
    await reply_privately(client, reply_to, DEVELOPER_ID, REPLY)
    assert [e["text"] for e in local_slack.ephemerals(DEVELOPER_ID)] == ["only for you"]
    assert local_slack.messages(DEV_CHANNEL_ID) == []


@pytest.mark.parametrize("surface", [Surface.DM, Surface.FORM, Surface.HOME])
async def test_dm_form_and_home_replies_go_to_the_dm(
    local_slack: LocalSlack, client: AsyncWebClient, surface: Surface
) -> None:
    reply_to = ReplyTo(surface=surface, channel_id=dm_channel_id(DEVELOPER_ID))
    await reply_privately(client, reply_to, DEVELOPER_ID, REPLY)
    texts = [m["text"] for m in local_slack.messages(dm_channel_id(DEVELOPER_ID))]
    assert texts == ["only for you"]
