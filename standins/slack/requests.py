"""What Slack sends an app for a user's action, built once for every way of delivering it.

``SlackRequests`` builds slash commands and interactivity payloads (``payloads`` gives their
shapes) for one workspace, with response URLs and trigger ids from an ``InteractionSource`` — a
``LocalSlack`` — so the app's replies land on the local server. A subclass says how a request
reaches the app: ``SlackSigner`` signs an HTTP body; a Socket Mode sender puts the same payload
in an envelope. ``ts`` is the signature's timestamp, which only the HTTP delivery uses.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from standins.slack import payloads
from standins.slack.directory import Directory

Delivery = TypeVar("Delivery")


class InteractionSource(Protocol):
    """Where response URLs and trigger ids for payloads come from."""

    def new_response_url(self, user: str, channel: str) -> str: ...

    def new_trigger_id(self, user: str) -> str: ...


class SlackRequests(ABC, Generic[Delivery]):
    """Payloads of one workspace's users, handed to ``_deliver_*`` for the wire."""

    def __init__(
        self,
        directory: Directory,
        interactions: InteractionSource | None,
        clock: Callable[[], float],
    ) -> None:
        self.directory = directory
        self._interactions = interactions
        self._clock = clock

    @abstractmethod
    def _deliver_form(self, fields: Mapping[str, str], ts: int | None) -> Delivery:
        """A slash command's form fields."""

    @abstractmethod
    def _deliver_interactive(self, payload: Mapping[str, Any], ts: int | None) -> Delivery:
        """An interactivity payload (clicks, submissions, suggestions)."""

    def _response_url(self, user: str, channel: str, given: str | None) -> str:
        if given is not None:
            return given
        if self._interactions is None:
            raise ValueError("pass response_url= or build the signer with interactions=")
        return self._interactions.new_response_url(user, channel)

    def _trigger_id(self, user: str, given: str | None) -> str:
        if given is not None:
            return given
        if self._interactions is not None:
            return self._interactions.new_trigger_id(user)
        return f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**11)}.{secrets.token_hex(16)}"

    def _now_ts(self) -> str:
        return f"{self._clock():.6f}"

    def slash_command(
        self,
        user: str,
        channel: str,
        text: str,
        command: str = "/sg",
        *,
        response_url: str | None = None,
        trigger_id: str | None = None,
        ts: int | None = None,
    ) -> Delivery:
        fields = payloads.slash_command(
            self.directory,
            user=user,
            channel=channel,
            text=text,
            command=command,
            response_url=self._response_url(user, channel, response_url),
            trigger_id=self._trigger_id(user, trigger_id),
        )
        return self._deliver_form(fields, ts)

    def block_actions(
        self,
        user: str,
        action_id: str,
        value: str,
        *,
        block_id: str,
        channel: str,
        message: Mapping[str, Any] | None,
        message_ts: str | None = None,
        state_values: Mapping[str, Any] | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        ts: int | None = None,
    ) -> Delivery:
        """A button click on ``message`` (as ``LocalSlack.messages`` returns it)."""
        source_ts = message_ts or (str(message["ts"]) if message is not None else None)
        if source_ts is None:
            raise ValueError("an ephemeral source message needs message_ts=")
        payload = payloads.block_actions(
            self.directory,
            user=user,
            action_id=action_id,
            block_id=block_id,
            value=value,
            channel=channel,
            message=message,
            message_ts=source_ts,
            response_url=self._response_url(user, channel, response_url),
            trigger_id=self._trigger_id(user, trigger_id),
            action_ts=self._now_ts(),
            state_values=state_values,
        )
        return self._deliver_interactive(payload, ts)

    def view_block_actions(
        self,
        user: str,
        view: Mapping[str, Any],
        action_id: str,
        value: str,
        *,
        block_id: str,
        state_values: Mapping[str, Any],
    ) -> Delivery:
        """A button clicked inside an open modal: Slack sends the view and its state, and no
        channel or response URL."""  # fmt: skip
        trigger_id = self._trigger_id(user, None)
        inner = payloads.view_submission(
            self.directory, user=user, view=view, state_values=state_values, trigger_id=trigger_id
        )
        del inner["response_urls"]
        action = {"action_id": action_id, "block_id": block_id, "value": value, "type": "button"}
        container = {"type": "view", "view_id": inner["view"]["id"]}
        payload = inner | {"type": "block_actions", "container": container, "actions": [action]}
        return self._deliver_interactive(payload, None)

    def view_submission(
        self,
        user: str,
        view: Mapping[str, Any],
        state_values: Mapping[str, Any],
        *,
        ts: int | None = None,
    ) -> Delivery:
        """A submitted modal; ``view`` needs at least ``callback_id`` and ``private_metadata``."""
        payload = payloads.view_submission(
            self.directory,
            user=user,
            view=view,
            state_values=state_values,
            trigger_id=self._trigger_id(user, None),
        )
        return self._deliver_interactive(payload, ts)

    def block_suggestion(
        self,
        user: str,
        action_id: str,
        value: str,
        *,
        block_id: str,
        view: Mapping[str, Any],
        ts: int | None = None,
    ) -> Delivery:
        payload = payloads.block_suggestion(
            self.directory,
            user=user,
            action_id=action_id,
            block_id=block_id,
            value=value,
            view=view,
        )
        return self._deliver_interactive(payload, ts)
