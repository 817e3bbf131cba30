"""What one person sees in one channel of the sandbox, assembled from the local Slack.

The local Slack remembers what the bot did through the Web API (channel messages, ephemerals,
modals, App Home). The rest of what a Slack client shows only the sandbox knows, so it keeps it
here: what people typed, the bot's synchronous answers to slash commands (``Note``), and the
response URLs it handed out with the message each came from, so that posts to them land as
Slack places them (ephemeral to the invoker, in the channel, or replacing or deleting the
original). Modals closed in the page are remembered too. ``channel_feed`` merges all of it into
one time-ordered list with thread replies under their parents, as plain JSON for the page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from standins.slack import LocalSlack

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Note:
    """A message only the sandbox knows of; ``visible_to`` None means the whole channel."""

    key: str
    channel: str
    ts: str
    author: str
    text: str
    blocks: list[Any] | None = None
    visible_to: str | None = None
    thread_ts: str | None = None


@dataclass
class IssuedUrl:
    """A response URL given to the bot, and the message (feed key) it was given for."""

    token: str
    user: str
    channel: str
    origin: str | None
    seen_ts: dict[int, str] = field(default_factory=dict)


def _ts_order(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros or 0)


def _item(key: str, ts: str, author: str, body: JsonObject, ephemeral: bool) -> JsonObject:
    return {
        "key": key,
        "ts": ts,
        "author": author,
        "text": str(body.get("text") or ""),
        "blocks": body.get("blocks") or [],
        "thread_ts": body.get("thread_ts"),
        "edited": "edited" in body,
        "ephemeral": ephemeral,
        "replies": [],
    }


class SandboxState:
    """The sandbox's own memory beside the local Slack; safe to use from any thread."""

    def __init__(self, local: LocalSlack) -> None:
        self._local = local
        self._lock = threading.Lock()
        self._notes: list[Note] = []
        self._urls: list[IssuedUrl] = []
        self._closed_views: set[str] = set()

    def next_ts(self) -> str:
        return self._local.workspace.next_ts()

    def add_note(
        self,
        channel: str,
        author: str,
        text: str,
        *,
        blocks: list[Any] | None = None,
        visible_to: str | None = None,
        ts: str | None = None,
    ) -> Note:
        note_ts = ts or self.next_ts()
        note = Note(f"n:{note_ts}", channel, note_ts, author, text, blocks, visible_to)
        with self._lock:
            self._notes.append(note)
        return note

    def issue_response_url(self, user: str, channel: str, origin: str | None) -> str:
        url = self._local.new_response_url(user, channel)
        with self._lock:
            self._urls.append(IssuedUrl(url.rsplit("/", 1)[-1], user, channel, origin))
        return url

    def close_view(self, view_id: str) -> None:
        with self._lock:
            self._closed_views.add(view_id)

    def modal(self, user: str) -> JsonObject | None:
        """The modal on top of the user's stack, unless the page closed it."""
        with self._lock:
            closed = set(self._closed_views)
        open_views = [view for view in self._local.views(user) if view["id"] not in closed]
        return open_views[-1] if open_views else None

    def find_view(self, user: str, view_id: str) -> JsonObject | None:
        return next((v for v in self._local.views(user) if v["id"] == view_id), None)

    def channel_message(self, channel: str, ts: str) -> JsonObject | None:
        return next((m for m in self._local.messages(channel) if m["ts"] == ts), None)

    def channel_feed(self, user: str, channel: str) -> list[JsonObject]:
        """Everything ``user`` sees in ``channel``, oldest first, replies under parents."""
        bot = self._local.directory.bot_user_id
        items = [
            _item(f"m:{m['ts']}", m["ts"], bot, m, False) for m in self._local.messages(channel)
        ]
        items += [
            _item(f"e:{e['ts']}", e["ts"], bot, e, True)
            for e in self._local.ephemerals(user)
            if e["channel"] == channel
        ]
        with self._lock:
            for note in self._notes:
                if note.channel == channel and note.visible_to in (None, user):
                    body = {"text": note.text, "blocks": note.blocks, "thread_ts": note.thread_ts}
                    items.append(_item(note.key, note.ts, note.author, body, bool(note.visible_to)))
            replaced, deleted = self._response_posts(user, channel, items)
        shown = []
        for item in items:
            if item["key"] in deleted:
                continue
            if item["key"] in replaced:
                item.update(text=replaced[item["key"]].get("text") or "")
                item.update(blocks=replaced[item["key"]].get("blocks") or [])
            shown.append(item)
        return _threaded(sorted(shown, key=lambda item: _ts_order(item["ts"])))

    def _response_posts(
        self, user: str, channel: str, items: list[JsonObject]
    ) -> tuple[dict[str, JsonObject], set[str]]:
        """Add response-URL posts to ``items``; return replacements and deletions by key."""
        bot = self._local.directory.bot_user_id
        replaced: dict[str, JsonObject] = {}
        deleted: set[str] = set()
        for issued in self._urls:
            if issued.channel != channel:
                continue
            for index, post in enumerate(self._local.responses(issued.token)):
                if issued.origin is not None and post.get("delete_original"):
                    deleted.add(issued.origin)
                elif issued.origin is not None and post.get("replace_original"):
                    replaced[issued.origin] = post
                elif post.get("response_type") == "in_channel" or issued.user == user:
                    # Posts get a place in time when first seen; Slack shows them on arrival.
                    ts = issued.seen_ts.setdefault(index, self.next_ts())
                    ephemeral = post.get("response_type") != "in_channel"
                    items.append(_item(f"r:{issued.token}:{index}", ts, bot, post, ephemeral))
        return replaced, deleted


def _threaded(items: list[JsonObject]) -> list[JsonObject]:
    parents = {item["ts"]: item for item in items if item["thread_ts"] in (None, item["ts"])}
    top_level = []
    for item in items:
        parent = parents.get(item["thread_ts"]) if item["thread_ts"] else None
        if parent is not None and parent is not item:
            parent["replies"].append(item)
        else:
            top_level.append(item)
    return top_level
