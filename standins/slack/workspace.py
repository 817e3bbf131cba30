"""The mutable state of the local Slack workspace and the questions tests ask about it.

Holds, behind one lock, what Slack itself would remember: the ordered log of Web API calls,
channel messages as they are now (after ``chat.update``, with thread replies), ephemeral
messages, modal views and App Home tabs, issued trigger ids and response URLs with their uses.
The Web API semantics live in ``methods``; the wire layer in ``webapi``. Every query returns
deep copies so a test can never see a message change under it.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from standins.slack.directory import Directory

JsonObject = dict[str, Any]

# hooks.slack.com accepts five posts to one response_url within 30 minutes.
RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_LIFETIME_SECONDS = 30 * 60


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call as it arrived, with the error it was answered with (None when ok)."""

    method: str
    args: JsonObject
    at: float
    status: int
    error: str | None

    def as_json(self) -> JsonObject:
        return {
            "method": self.method,
            "args": self.args,
            "at": self.at,
            "status": self.status,
            "error": self.error,
        }


@dataclass
class ResponseHook:
    """A response_url: who and where it answers, and every JSON body posted to it."""

    user: str
    channel: str
    issued_at: float
    posts: list[JsonObject] = field(default_factory=list)


@dataclass
class Trigger:
    user: str
    issued_at: float
    exchanged: bool = False


class Workspace:
    """State of one local workspace; ``lock`` guards everything below it."""

    def __init__(self, directory: Directory, clock: Callable[[], float]) -> None:
        self.directory = directory
        self.clock = clock
        self.lock = threading.RLock()
        self.call_log: list[RecordedCall] = []
        self.channel_messages: dict[str, list[JsonObject]] = {}
        self.ephemeral_messages: list[JsonObject] = []
        self.open_views: dict[str, JsonObject] = {}
        self.view_owners: dict[str, str] = {}
        self.home_tabs: dict[str, JsonObject] = {}
        self.response_hooks: dict[str, ResponseHook] = {}
        self.triggers: dict[str, Trigger] = {}
        self._last_ts_micros = 0
        self._sequence = 0

    def next_ts(self) -> str:
        """A message ts: ``seconds.micros``, strictly increasing even under a frozen clock."""
        with self.lock:
            micros = max(int(self.clock() * 1_000_000), self._last_ts_micros + 1)
            self._last_ts_micros = micros
            return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def next_id(self, prefix: str) -> str:
        with self.lock:
            self._sequence += 1
            return f"{prefix}{self._sequence:08d}"

    def dm_user(self, channel_id: str) -> str | None:
        """The user a ``D…`` channel is a DM with, if that user exists."""
        if not channel_id.startswith("D"):
            return None
        user = self.directory.user("U" + channel_id[1:])
        return None if user is None else user.id

    def channel_members(self, channel_id: str) -> tuple[str, ...] | None:
        channel = self.directory.channel(channel_id)
        if channel is not None:
            return channel.members
        dm_user = self.dm_user(channel_id)
        if dm_user is not None:
            return (dm_user, self.directory.bot_user_id)
        return None

    def record(self, method: str, args: JsonObject, status: int, error: str | None) -> RecordedCall:
        call = RecordedCall(method, copy.deepcopy(args), self.clock(), status, error)
        with self.lock:
            self.call_log.append(call)
        return call

    def new_response_hook(self, user: str, channel: str) -> str:
        token = secrets.token_urlsafe(16)
        with self.lock:
            self.response_hooks[token] = ResponseHook(user, channel, self.clock())
        return token

    def new_trigger_id(self, user: str) -> str:
        trigger_id = f"{self.next_id('')}.{secrets.randbelow(10**11)}.{secrets.token_hex(16)}"
        with self.lock:
            self.triggers[trigger_id] = Trigger(user, self.clock())
        return trigger_id

    # Queries below copy under the lock; tests call them from other threads.

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        with self.lock:
            return [call for call in self.call_log if method is None or call.method == method]

    def messages(self, channel: str) -> list[JsonObject]:
        """Messages of a channel (parents and thread replies) in posting order, as they are now."""
        with self.lock:
            return copy.deepcopy(self.channel_messages.get(channel, []))

    def thread(self, channel: str, parent_ts: str) -> list[JsonObject]:
        """Replies in the thread under ``parent_ts``, oldest first."""
        return [
            message
            for message in self.messages(channel)
            if message.get("thread_ts") == parent_ts and message["ts"] != parent_ts
        ]

    def ephemerals(self, user: str) -> list[JsonObject]:
        with self.lock:
            return copy.deepcopy([m for m in self.ephemeral_messages if m["user"] == user])

    def views(self, user: str) -> list[JsonObject]:
        """Modal views opened or pushed for a user, oldest first, as they are now."""
        with self.lock:
            return copy.deepcopy(
                [
                    view
                    for view_id, view in self.open_views.items()
                    if self.view_owners[view_id] == user
                ]
            )

    def home(self, user: str) -> JsonObject | None:
        with self.lock:
            return copy.deepcopy(self.home_tabs.get(user))

    def responses(self, token: str) -> list[JsonObject]:
        with self.lock:
            hook = self.response_hooks.get(token)
            return [] if hook is None else copy.deepcopy(hook.posts)
