"""What the page asks for, sent to the bot exactly as Slack would send it.

Each page action becomes one signed request (``SlackSigner``, keyed by the signing secret the
page never sees) POSTed to the bot's ``/slack/events``: a typed ``/sg …`` becomes a slash
command, ``@sgbot …`` an ``app_mention`` and text in the bot's DM a ``message`` event; button
clicks become ``block_actions`` (from a message, the App Home or a modal), modal submits
``view_submission`` and external-select searches ``block_suggestion``. The bot's synchronous
answers are read as Slack reads them: a slash command's reply body is an ephemeral message for
the invoker, ``response_action: errors`` keeps a modal open, options go back to the page.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from standins.sandbox.feed import JsonObject, SandboxState
from standins.slack import LocalSlack, SignedRequest, SlackSigner
from standins.slack.directory import dm_channel_id
from standins.slack.payloads import block_actions
from standins.slack.signer import FORM

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 10.0


class BotUnreachable(Exception):
    """The bot did not answer a forwarded request with HTTP 200."""


def _json_or_text(body: str) -> JsonObject:
    """A reply body as Slack reads it: JSON when it parses to an object, else plain text."""
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError:
        return {"text": body}
    return parsed if isinstance(parsed, dict) else {"text": body}


class BotRelay:
    """Signs page actions as Slack requests and delivers them to one bot."""

    def __init__(
        self,
        local: LocalSlack,
        signer: SlackSigner,
        state: SandboxState,
        events_url: str,
        session: aiohttp.ClientSession,
    ) -> None:
        self._local = local
        self._signer = signer
        self._state = state
        self._events_url = events_url
        self._session = session

    async def forward(self, request: SignedRequest) -> str:
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
        try:
            async with self._session.post(
                self._events_url, data=request.body, headers=request.headers, timeout=timeout
            ) as response:
                body = await response.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise BotUnreachable(f"the bot did not answer: {type(exc).__name__}") from exc
        if response.status != 200:
            raise BotUnreachable(f"the bot answered HTTP {response.status}")
        return body

    async def send_text(self, user: str, channel: str, text: str) -> None:
        """Text typed in the message box: a slash command, a mention, a DM or plain chat."""
        text = text.strip()
        bot = self._local.directory.bot_user_id
        if text.startswith("/"):
            command, _, arguments = text.partition(" ")
            url = self._state.issue_response_url(user, channel, origin=None)
            request = self._signer.slash_command(
                user, channel, arguments.strip(), command, response_url=url
            )
            reply = _json_or_text(await self.forward(request))
            if reply.get("text") or reply.get("blocks"):
                in_channel = reply.get("response_type") == "in_channel"
                self._state.add_note(
                    channel,
                    bot,
                    str(reply.get("text") or ""),
                    blocks=reply.get("blocks"),
                    visible_to=None if in_channel else user,
                )
            return
        if text.startswith("@sgbot"):
            text = f"<@{bot}>" + text.removeprefix("@sgbot")
        if channel == dm_channel_id(user):
            event = self._signer.direct_message(user, text)
        elif text.startswith(f"<@{bot}>"):
            event = self._signer.app_mention(user, channel, text)
        else:
            self._state.add_note(channel, user, text)
            return
        self._state.add_note(channel, user, text, ts=str(event["ts"]))
        await self.forward(self._signer.event_callback(event))

    async def click_in_message(
        self, user: str, channel: str, key: str, ts: str, action: JsonObject
    ) -> None:
        """A button on a message; ``key`` says whether it is a channel message or private."""
        message = self._state.channel_message(channel, ts) if key.startswith("m:") else None
        url = self._state.issue_response_url(user, channel, origin=key)
        request = self._signer.block_actions(
            user,
            str(action["action_id"]),
            str(action.get("value") or ""),
            block_id=str(action.get("block_id") or ""),
            channel=channel,
            message=message,
            message_ts=ts,
            response_url=url,
        )
        await self.forward(request)

    async def click_in_view(self, user: str, view: JsonObject, action: JsonObject) -> None:
        """A button on the App Home or a modal: a ``view`` container, no channel or URL."""
        payload = block_actions(
            self._local.directory,
            user=user,
            action_id=str(action["action_id"]),
            block_id=str(action.get("block_id") or ""),
            value=str(action.get("value") or ""),
            channel=dm_channel_id(user),
            message=None,
            message_ts=str(view.get("hash") or ""),
            response_url="",
            trigger_id=self._local.new_trigger_id(user),
            action_ts=f"{time.time():.6f}",
        )
        for field in ("channel", "response_url"):
            payload.pop(field)
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
        body = urlencode({"payload": json.dumps(payload)}).encode()
        await self.forward(self._signer.sign(body, FORM))

    async def submit_view(
        self, user: str, view: JsonObject, values: JsonObject
    ) -> dict[str, str] | None:
        """Submit a modal; the inline errors by block id, or None once it closed."""
        reply = _json_or_text(await self.forward(self._signer.view_submission(user, view, values)))
        if reply.get("response_action") == "errors":
            errors = reply.get("errors") or {}
            return {str(block): str(message) for block, message in errors.items()}
        self._state.close_view(str(view["id"]))
        return None

    async def suggest(
        self, user: str, view: JsonObject, action: JsonObject, values: JsonObject
    ) -> list[JsonObject]:
        """Options an external select offers for what was typed in it."""
        request = self._signer.block_suggestion(
            user,
            str(action["action_id"]),
            str(action.get("value") or ""),
            block_id=str(action.get("block_id") or ""),
            view={**view, "state": {"values": values}},
        )
        reply = _json_or_text(await self.forward(request))
        options: list[JsonObject] = list(reply.get("options") or [])
        for group in reply.get("option_groups") or []:
            options += group.get("options") or []
        return options

    async def open_home(self, user: str) -> None:
        await self.forward(self._signer.event_callback(self._signer.app_home_opened(user)))


def describe_action(action: Any) -> JsonObject:
    """The fields of a clicked element the page sends, checked for shape."""
    if not isinstance(action, dict) or not action.get("action_id"):
        raise ValueError("an action needs an action_id")
    return {key: action.get(key) for key in ("action_id", "block_id", "value")}
