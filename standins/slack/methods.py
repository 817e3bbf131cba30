"""Web API methods of the local Slack, answered with Slack's shapes and error codes.

Each method takes the workspace and the call's arguments (already merged from query, form and
JSON bodies) and returns the fields of an ``ok`` answer, or raises ``SlackMethodError`` with
the error code Slack uses. Callers hold ``workspace.lock``. ``post_to_response_url`` is the
hooks.slack.com side: five posts per URL within 30 minutes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from standins.slack.directory import dm_channel_id
from standins.slack.socket_mode import SocketHub
from standins.slack.workspace import (
    RESPONSE_URL_LIFETIME_SECONDS,
    RESPONSE_URL_MAX_USES,
    JsonObject,
    Workspace,
)

# Modals stack at most three deep (views.push).
VIEW_STACK_LIMIT = 3


class SlackMethodError(Exception):
    """A Web API ``{"ok": false, "error": code}`` answer."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _required(args: JsonObject, name: str, missing_error: str = "invalid_arguments") -> Any:
    value = args.get(name)
    if value in (None, ""):
        raise SlackMethodError(missing_error)
    return value


def _blocks(args: JsonObject) -> list[Any] | None:
    """``blocks`` as sent: a list in JSON bodies, a JSON string in form bodies."""
    blocks = args.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except json.JSONDecodeError as err:
            raise SlackMethodError("invalid_blocks_format") from err
    if blocks is not None and not isinstance(blocks, list):
        raise SlackMethodError("invalid_blocks_format")
    return blocks


def _resolve_channel(ws: Workspace, channel: str) -> str:
    """A channel id to post to; a user id means the bot's DM with that user."""
    if ws.directory.user(channel) is not None:
        return dm_channel_id(channel)
    members = ws.channel_members(channel)
    if members is None:
        raise SlackMethodError("channel_not_found")
    if ws.directory.bot_user_id not in members:
        raise SlackMethodError("not_in_channel")
    return channel


def auth_test(ws: Workspace, args: JsonObject) -> JsonObject:
    directory = ws.directory
    return {
        "url": f"https://{directory.team_domain}.slack.com/",
        "team": directory.team_name,
        "user": "sgbot",
        "team_id": directory.team_id,
        "user_id": directory.bot_user_id,
        "bot_id": directory.bot_id,
        "is_enterprise_install": False,
    }


def chat_post_message(ws: Workspace, args: JsonObject) -> JsonObject:
    channel = _resolve_channel(ws, _required(args, "channel", "channel_not_found"))
    text = args.get("text") or ""
    blocks = _blocks(args)
    if not text and not blocks:
        raise SlackMethodError("no_text")
    directory = ws.directory
    message: JsonObject = {
        "type": "message",
        "user": directory.bot_user_id,
        "bot_id": directory.bot_id,
        "app_id": directory.api_app_id,
        "team": directory.team_id,
        "text": text,
        "ts": ws.next_ts(),
    }
    if blocks is not None:
        message["blocks"] = blocks
    if args.get("thread_ts"):
        message["thread_ts"] = str(args["thread_ts"])
    ws.channel_messages.setdefault(channel, []).append(message)
    return {"channel": channel, "ts": message["ts"], "message": message}


def chat_update(ws: Workspace, args: JsonObject) -> JsonObject:
    channel = _required(args, "channel", "channel_not_found")
    ts = _required(args, "ts", "message_not_found")
    if ws.channel_members(channel) is None:
        raise SlackMethodError("channel_not_found")
    message = next((m for m in ws.channel_messages.get(channel, []) if m["ts"] == ts), None)
    if message is None:
        raise SlackMethodError("message_not_found")
    if message.get("bot_id") != ws.directory.bot_id:
        raise SlackMethodError("cant_update_message")
    blocks = _blocks(args)
    if "text" in args:
        message["text"] = args["text"] or ""
    # Omitted blocks keep the old ones; an empty list clears them.
    if blocks is not None:
        message["blocks"] = blocks
    message["edited"] = {"user": ws.directory.bot_user_id, "ts": ws.next_ts()}
    return {"channel": channel, "ts": ts, "text": message["text"], "message": message}


def chat_post_ephemeral(ws: Workspace, args: JsonObject) -> JsonObject:
    channel = _required(args, "channel", "channel_not_found")
    user = _required(args, "user", "user_not_found")
    members = ws.channel_members(channel)
    if members is None:
        raise SlackMethodError("channel_not_found")
    if ws.directory.user(user) is None:
        raise SlackMethodError("user_not_found")
    if user not in members:
        raise SlackMethodError("user_not_in_channel")
    text = args.get("text") or ""
    blocks = _blocks(args)
    if not text and not blocks:
        raise SlackMethodError("no_text")
    ts = ws.next_ts()
    ephemeral: JsonObject = {"channel": channel, "user": user, "text": text, "ts": ts}
    if blocks is not None:
        ephemeral["blocks"] = blocks
    if args.get("thread_ts"):
        ephemeral["thread_ts"] = str(args["thread_ts"])
    ws.ephemeral_messages.append(ephemeral)
    return {"message_ts": ts}


def conversations_open(ws: Workspace, args: JsonObject) -> JsonObject:
    users = args.get("users") or ""
    user_ids = users if isinstance(users, list) else [u for u in str(users).split(",") if u]
    # The local workspace has 1:1 DMs only; group DMs are not modelled.
    if len(user_ids) != 1:
        raise SlackMethodError("invalid_arguments")
    if ws.directory.user(user_ids[0]) is None:
        raise SlackMethodError("user_not_found")
    return {"channel": {"id": dm_channel_id(user_ids[0])}}


def conversations_members(ws: Workspace, args: JsonObject) -> JsonObject:
    members = ws.channel_members(_required(args, "channel", "channel_not_found"))
    if members is None:
        raise SlackMethodError("channel_not_found")
    return {"members": list(members), "response_metadata": {"next_cursor": ""}}


def users_info(ws: Workspace, args: JsonObject) -> JsonObject:
    user = ws.directory.user(_required(args, "user", "user_not_found"))
    if user is None:
        raise SlackMethodError("user_not_found")
    return {"user": user.as_api_user()}


def usergroups_users_list(ws: Workspace, args: JsonObject) -> JsonObject:
    group = ws.directory.usergroup(_required(args, "usergroup", "no_such_subteam"))
    if group is None:
        raise SlackMethodError("no_such_subteam")
    return {"users": list(group.users)}


def _exchange_trigger(ws: Workspace, trigger_id: str, ttl_seconds: float | None) -> str:
    trigger = ws.triggers.get(trigger_id)
    if trigger is None:
        raise SlackMethodError("invalid_trigger_id")
    if trigger.exchanged:
        raise SlackMethodError("exchanged_trigger_id")
    if ttl_seconds is not None and ws.clock() - trigger.issued_at > ttl_seconds:
        raise SlackMethodError("expired_trigger_id")
    trigger.exchanged = True
    return trigger.user


def _stored_view(ws: Workspace, view: Any, view_id: str, previous: str | None) -> JsonObject:
    if not isinstance(view, dict) or "type" not in view:
        raise SlackMethodError("invalid_arguments")
    stored: JsonObject = {
        "callback_id": "",
        "private_metadata": "",
        "external_id": "",
        **view,
        "id": view_id,
        "team_id": ws.directory.team_id,
        "app_id": ws.directory.api_app_id,
        "bot_id": ws.directory.bot_id,
        "app_installed_team_id": ws.directory.team_id,
        "state": {"values": {}},
        "hash": ws.next_ts().replace(".", "") + ".local",
        "previous_view_id": previous,
        "root_view_id": view_id,
    }
    return stored


def _parse_view(args: JsonObject) -> Any:
    view = _required(args, "view")
    return json.loads(view) if isinstance(view, str) else view


def views_open(ws: Workspace, args: JsonObject, trigger_ttl: float | None) -> JsonObject:
    user = _exchange_trigger(ws, _required(args, "trigger_id"), trigger_ttl)
    view = _stored_view(ws, _parse_view(args), ws.next_id("V"), None)
    ws.open_views[view["id"]] = view
    ws.view_owners[view["id"]] = user
    return {"view": view}


def views_push(ws: Workspace, args: JsonObject, trigger_ttl: float | None) -> JsonObject:
    user = _exchange_trigger(ws, _required(args, "trigger_id"), trigger_ttl)
    owned = [view_id for view_id, owner in ws.view_owners.items() if owner == user]
    if not owned:
        raise SlackMethodError("not_found")
    # The open stack is the newest view and the views it was pushed onto.
    top = ws.open_views[owned[-1]]
    depth = 1
    below = top["previous_view_id"]
    while below is not None:
        depth += 1
        below = ws.open_views[below]["previous_view_id"]
    if depth >= VIEW_STACK_LIMIT:
        raise SlackMethodError("push_limit_reached")
    view = _stored_view(ws, _parse_view(args), ws.next_id("V"), top["id"])
    view["root_view_id"] = top["root_view_id"]
    ws.open_views[view["id"]] = view
    ws.view_owners[view["id"]] = user
    return {"view": view}


def views_update(ws: Workspace, args: JsonObject) -> JsonObject:
    view_id = args.get("view_id")
    if not view_id and args.get("external_id"):
        view_id = next(
            (v["id"] for v in ws.open_views.values() if v["external_id"] == args["external_id"]),
            None,
        )
    current = ws.open_views.get(str(view_id))
    if current is None:
        raise SlackMethodError("not_found")
    if args.get("hash") and args["hash"] != current["hash"]:
        raise SlackMethodError("hash_conflict")
    view = _stored_view(ws, _parse_view(args), current["id"], current["previous_view_id"])
    view["root_view_id"] = current["root_view_id"]
    ws.open_views[current["id"]] = view
    return {"view": view}


def views_publish(ws: Workspace, args: JsonObject) -> JsonObject:
    user = _required(args, "user_id", "user_not_found")
    if ws.directory.user(user) is None:
        raise SlackMethodError("user_not_found")
    view = _parse_view(args)
    if not isinstance(view, dict) or view.get("type") != "home":
        raise SlackMethodError("invalid_arguments")
    stored = _stored_view(ws, view, ws.next_id("V"), None)
    ws.home_tabs[user] = stored
    return {"view": stored}


Method = Callable[[Workspace, JsonObject], JsonObject]


# Methods that take the app-level token instead of the bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


def method_table(trigger_ttl: float | None, socket: SocketHub) -> dict[str, Method]:
    """Every Web API method the local Slack answers; others get ``unknown_method``."""
    return {
        "apps.connections.open": lambda ws, args: socket.open_connection(),
        "auth.test": auth_test,
        "chat.postMessage": chat_post_message,
        "chat.update": chat_update,
        "chat.postEphemeral": chat_post_ephemeral,
        "conversations.open": conversations_open,
        "conversations.members": conversations_members,
        "users.info": users_info,
        "usergroups.users.list": usergroups_users_list,
        "views.open": lambda ws, args: views_open(ws, args, trigger_ttl),
        "views.push": lambda ws, args: views_push(ws, args, trigger_ttl),
        "views.update": views_update,
        "views.publish": views_publish,
    }


def post_to_response_url(ws: Workspace, token: str, body: Any) -> tuple[int, str]:
    """What hooks.slack.com answers to one post: (HTTP status, plain-text body)."""
    hook = ws.response_hooks.get(token)
    if hook is None:
        return 404, "no_service"
    if ws.clock() - hook.issued_at > RESPONSE_URL_LIFETIME_SECONDS:
        return 404, "expired_url"
    if len(hook.posts) >= RESPONSE_URL_MAX_USES:
        return 404, "used_url"
    if not isinstance(body, dict):
        return 400, "invalid_payload"
    if not body.get("text") and not body.get("blocks") and not body.get("delete_original"):
        return 400, "no_text"
    hook.posts.append(body)
    return 200, "ok"
