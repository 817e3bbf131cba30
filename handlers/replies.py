"""Private replies, by the surface a person used: the one place that knows how to answer whom.

A slash command is answered through its ``response_url`` (an ephemeral message), a mention by
``chat.postEphemeral`` in that channel, a direct message in the DM itself, and the request form
or App Home by a DM. Outcomes always go to the requester's DM. Errors are left to the caller:
the deliverer retries transient ones, so nothing here swallows a failed call. A
``response_url`` grants posting rights and is never logged.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from approvals.model import ReplyTo, Surface
from handlers.block_parts import Message

log = logging.getLogger(__name__)

# Slack answers 404 (or "expired_url") once a response URL is older than 30 minutes or used
# five times; the reply then goes to the DM instead.
_EXPIRED_STATUSES = frozenset({404, 410})


class NotDeliverable(Exception):
    """Retrying cannot help: the request is gone, or Slack refused the message itself."""


class ResponseUrlFailed(Exception):
    """A response URL answered with a status worth retrying (5xx, 429)."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(f"response URL answered HTTP {status}")


async def direct_message(slack: AsyncWebClient, user_id: str, reply: Message) -> str:
    """Post ``reply`` in the bot's DM with ``user_id``; returns the message ts."""
    opened = await slack.conversations_open(users=user_id)
    channel = str(opened["channel"]["id"])
    posted = await slack.chat_postMessage(
        channel=channel, text=reply["text"], blocks=reply["blocks"]
    )
    return str(posted["ts"])


async def ephemeral(slack: AsyncWebClient, channel_id: str, user_id: str, reply: Message) -> None:
    await slack.chat_postEphemeral(
        channel=channel_id, user=user_id, text=reply["text"], blocks=reply["blocks"]
    )


async def respond(response_url: str, reply: Message, *, replace_original: bool = False) -> bool:
    """Post an ephemeral reply to a response URL (or, with ``replace_original``, put it in
    place of the message whose button was clicked); False once the URL has expired."""
    webhook = AsyncWebhookClient(response_url)
    answer = await webhook.send(
        text=reply["text"],
        blocks=reply["blocks"],
        response_type="ephemeral",
        replace_original=replace_original,
    )
    if answer.status_code in _EXPIRED_STATUSES:
        return False
    if answer.status_code >= 300:
        raise ResponseUrlFailed(answer.status_code)
    return True


async def reply_privately(
    slack: AsyncWebClient, reply_to: ReplyTo, user_id: str, reply: Message
) -> None:
    """Answer ``user_id`` where they asked, so only they see it."""
    if reply_to.surface is Surface.SLASH and reply_to.response_url is not None:
        if await respond(reply_to.response_url, reply):
            return
        log.info("response URL expired for %s; answering by DM", user_id)
    elif reply_to.surface is Surface.MENTION:
        await ephemeral(slack, reply_to.channel_id, user_id, reply)
        return
    elif reply_to.surface is Surface.DM:
        await slack.chat_postMessage(
            channel=reply_to.channel_id, text=reply["text"], blocks=reply["blocks"]
        )
        return
    await direct_message(slack, user_id, reply)
