"""Payload shapes Slack sends to an app's request URL, built from the local directory.

Pure functions, no I/O: slash-command form fields, ``block_actions``, ``view_submission`` and
``block_suggestion`` interactivity payloads, and ``event_callback`` envelopes around
``app_mention``, ``message`` (DM) and ``app_home_opened`` events. Field names and nesting follow
what Slack sends to a single-workspace (non-Grid) install; a user from another workspace
shows up with its own ``team_id`` and marks events as coming from a shared channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from standins.slack.directory import Directory, SlackUser, dm_channel_id

JsonObject = dict[str, Any]
# The deprecated verification token is still sent by Slack; apps must ignore it.
LEGACY_VERIFICATION_TOKEN = "legacy-verification-token"  # noqa: S105


def _user(directory: Directory, user_id: str) -> SlackUser:
    user = directory.user(user_id)
    if user is None:
        raise ValueError(f"{user_id} is not in the local directory")
    return user


def channel_name(directory: Directory, channel_id: str) -> str:
    """The ``channel_name`` Slack puts in payloads (``directmessage`` for DMs)."""
    channel = directory.channel(channel_id)
    if channel is not None:
        return channel.name
    return "directmessage" if channel_id.startswith("D") else "privategroup"


def _team(directory: Directory) -> JsonObject:
    return {"id": directory.team_id, "domain": directory.team_domain}


def _payload_user(directory: Directory, user_id: str) -> JsonObject:
    user = _user(directory, user_id)
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}


def slash_command(
    directory: Directory,
    *,
    user: str,
    channel: str,
    text: str,
    command: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """Form fields of a slash command, in the order Slack sends them."""
    fields = {
        "token": LEGACY_VERIFICATION_TOKEN,
        "team_id": directory.team_id,
        "team_domain": directory.team_domain,
    }
    if directory.enterprise_id is not None:
        fields["enterprise_id"] = directory.enterprise_id
    fields |= {
        "channel_id": channel,
        "channel_name": channel_name(directory, channel),
        "user_id": user,
        "user_name": _user(directory, user).name,
        "command": command,
        "text": text,
        "api_app_id": directory.api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return fields


def _interaction(directory: Directory, kind: str, user: str) -> JsonObject:
    return {
        "type": kind,
        "user": _payload_user(directory, user),
        "api_app_id": directory.api_app_id,
        "token": LEGACY_VERIFICATION_TOKEN,
        "team": _team(directory),
        "enterprise": None,
        "is_enterprise_install": False,
    }


def block_actions(
    directory: Directory,
    *,
    user: str,
    action_id: str,
    block_id: str,
    value: str,
    channel: str,
    message: Mapping[str, Any] | None,
    message_ts: str,
    response_url: str,
    trigger_id: str,
    action_ts: str,
    state_values: Mapping[str, Any] | None = None,
) -> JsonObject:
    """A button click on a message; ``message`` is None for an ephemeral message."""
    container: JsonObject = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": message is None,
    }
    if message is not None and "thread_ts" in message:
        container["thread_ts"] = message["thread_ts"]
    payload = _interaction(directory, "block_actions", user) | {
        "container": container,
        "trigger_id": trigger_id,
        "channel": {"id": channel, "name": channel_name(directory, channel)},
        "state": {"values": dict(state_values or {})},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": action_ts,
            }
        ],
    }
    if message is not None:
        payload["message"] = dict(message)
    return payload


def view_submission(
    directory: Directory,
    *,
    user: str,
    view: Mapping[str, Any],
    state_values: Mapping[str, Any],
    trigger_id: str,
) -> JsonObject:
    """A modal submitted with ``state_values`` (``{block_id: {action_id: {type, value}}}``)."""
    submitted: JsonObject = {
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "hash": "0.local",
        "previous_view_id": None,
        "external_id": "",
        **view,
        "team_id": directory.team_id,
        "app_id": directory.api_app_id,
        "app_installed_team_id": directory.team_id,
        "bot_id": directory.bot_id,
        "state": {"values": dict(state_values)},
    }
    submitted.setdefault("id", "V00000000")
    submitted.setdefault("root_view_id", submitted["id"])
    return _interaction(directory, "view_submission", user) | {
        "trigger_id": trigger_id,
        "view": submitted,
        "response_urls": [],
    }


def block_suggestion(
    directory: Directory,
    *,
    user: str,
    action_id: str,
    block_id: str,
    value: str,
    view: Mapping[str, Any],
) -> JsonObject:
    """An external select in a modal asking for options matching ``value``."""
    return _interaction(directory, "block_suggestion", user) | {
        "container": {"type": "view", "view_id": view.get("id", "V00000000")},
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "view": dict(view),
    }


def _rich_text(text: str) -> list[JsonObject]:
    return [
        {
            "type": "rich_text",
            "block_id": "local",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]


def event_callback(
    directory: Directory,
    *,
    event: Mapping[str, Any],
    event_id: str,
    event_time: int,
) -> JsonObject:
    """The Events API envelope around one event."""
    actor = directory.user(str(event.get("user", "")))
    return {
        "token": LEGACY_VERIFICATION_TOKEN,
        "team_id": directory.team_id,
        "enterprise_id": directory.enterprise_id,
        "api_app_id": directory.api_app_id,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": directory.enterprise_id,
                "team_id": directory.team_id,
                "user_id": directory.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": actor is not None and actor.team_id != directory.team_id,
        "event_context": f"4-local-{event_id}",
    }


def message_event(
    directory: Directory,
    *,
    kind: str,
    user: str,
    channel: str,
    text: str,
    ts: str,
    thread_ts: str | None = None,
) -> JsonObject:
    """An ``app_mention`` or ``message`` event; DMs (``D…``) get ``channel_type: im``."""
    author = _user(directory, user)
    event: JsonObject = {
        "client_msg_id": f"local-{ts}",
        "type": kind,
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": _rich_text(text),
        "team": author.team_id,
        "channel": channel,
        "event_ts": ts,
    }
    if author.team_id != directory.team_id:
        event |= {"user_team": author.team_id, "source_team": author.team_id}
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    if kind == "message":
        event["channel_type"] = "im" if channel.startswith("D") else "channel"
    return event


def app_home_opened(directory: Directory, *, user: str, event_ts: str, tab: str) -> JsonObject:
    _user(directory, user)
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": dm_channel_id(user),
        "tab": tab,
        "event_ts": event_ts,
    }
