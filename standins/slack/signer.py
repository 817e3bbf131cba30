"""Signed requests exactly as Slack sends them to an app's request URL.

``SlackSigner`` turns the payloads its base ``SlackRequests`` builds, and Events API envelopes,
into raw bodies (form fields for slash commands, ``payload=<JSON>`` for interactivity, JSON for
events) and signs them with the v0 recipe: HMAC-SHA256 over ``v0:{timestamp}:{body}`` keyed by
the signing secret. Timestamps come from an injectable clock or a per-call ``ts`` (for
stale-request tests); events can carry Slack's retry headers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from standins.slack import payloads
from standins.slack.directory import Directory, demo_directory, dm_channel_id
from standins.slack.requests import InteractionSource, SlackRequests

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class SignedRequest:
    """A request body and the headers Slack sends with it."""

    body: bytes
    headers: dict[str, str]

    def post(self, url: str, timeout: float = 10.0) -> tuple[int, str]:
        """POST it with urllib; returns (status, body text) for any HTTP status."""
        request = urllib.request.Request(url, data=self.body, headers=self.headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    async def post_async(
        self, url: str, session: aiohttp.ClientSession | None = None
    ) -> tuple[int, str]:
        """POST it with aiohttp; returns (status, body text)."""
        if session is None:
            async with aiohttp.ClientSession() as own_session:
                return await self.post_async(url, own_session)
        async with session.post(url, data=self.body, headers=self.headers) as response:
            return response.status, await response.text()


class SlackSigner(SlackRequests[SignedRequest]):
    """Builds signed Slack requests for one app (signing secret) in one workspace."""

    def __init__(
        self,
        signing_secret: str,
        directory: Directory | None = None,
        interactions: InteractionSource | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(directory or demo_directory(), interactions, clock)
        self._secret = signing_secret.encode()

    def signature(self, timestamp: str, body: bytes) -> str:
        base = b"v0:" + timestamp.encode() + b":" + body
        return "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()

    def sign(
        self,
        body: bytes,
        content_type: str,
        *,
        ts: int | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> SignedRequest:
        timestamp = str(int(self._clock()) if ts is None else ts)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self.signature(timestamp, body),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return SignedRequest(body, headers)

    def _deliver_form(self, fields: Mapping[str, str], ts: int | None) -> SignedRequest:
        return self.sign(urlencode(fields).encode(), FORM, ts=ts)

    def _deliver_interactive(self, payload: Mapping[str, Any], ts: int | None) -> SignedRequest:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.sign(body, FORM, ts=ts)

    def event_callback(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        ts: int | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> SignedRequest:
        """An Events API delivery; keep ``event_id`` and set ``retry_num`` for a redelivery."""
        envelope = payloads.event_callback(
            self.directory,
            event=event,
            event_id=event_id or f"Ev{secrets.token_hex(5).upper()}",
            event_time=int(self._clock()),
        )
        body = json.dumps(envelope).encode()
        return self.sign(body, JSON, ts=ts, retry_num=retry_num, retry_reason=retry_reason)

    def app_mention(
        self, user: str, channel: str, text: str, *, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """An ``app_mention`` event; ``text`` is Slack markup (``<@U0SGBOT00> …``)."""
        return payloads.message_event(
            self.directory,
            kind="app_mention",
            user=user,
            channel=channel,
            text=text,
            ts=self._now_ts(),
            thread_ts=thread_ts,
        )

    def direct_message(self, user: str, text: str) -> dict[str, Any]:
        """A ``message`` event in the user's DM with the bot (``channel_type: im``)."""
        return payloads.message_event(
            self.directory,
            kind="message",
            user=user,
            channel=dm_channel_id(user),
            text=text,
            ts=self._now_ts(),
        )

    def app_home_opened(self, user: str, tab: str = "home") -> dict[str, Any]:
        return payloads.app_home_opened(self.directory, user=user, event_ts=self._now_ts(), tab=tab)
