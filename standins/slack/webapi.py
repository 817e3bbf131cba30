"""The HTTP face of the local Slack: Web API, response URLs and a JSON admin API.

``create_web_app`` builds an aiohttp application over a ``Workspace`` and its ``Faults``:

* ``/api/<method>`` — the Web API as slack_sdk calls it (JSON or form bodies, query strings,
  ``Authorization: Bearer`` or a ``token`` field), answered by ``methods`` and recorded;
* ``/socket-mode/<ticket>`` — Socket Mode WebSockets (URLs from ``apps.connections.open``);
* ``/response/<token>`` — response URLs, answered like hooks.slack.com (plain text);
* ``/_local/…`` — an admin API for out-of-process drivers (tests, the browser sandbox):
  read calls and state, inject rate limits and outages, issue response URLs and trigger ids,
  send Socket Mode envelopes and read their acks.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from standins.slack.faults import Faults
from standins.slack.methods import (
    APP_TOKEN_METHODS,
    SlackMethodError,
    method_table,
    post_to_response_url,
)
from standins.slack.socket_mode import SocketHub, add_socket_routes
from standins.slack.workspace import JsonObject, Workspace

WORKSPACE_KEY = web.AppKey("workspace", Workspace)
FAULTS_KEY = web.AppKey("faults", Faults)


async def _call_args(request: web.Request) -> tuple[JsonObject, str | None]:
    """Arguments merged from query, form and JSON, and the token that came with them."""
    args: JsonObject = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        if isinstance(body, dict):
            args.update(body)
    elif request.can_read_body:
        args.update({key: str(value) for key, value in (await request.post()).items()})
    token = args.pop("token", None)
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        token = authorization.removeprefix("Bearer ")
    return args, None if token is None else str(token)


def _slack_error(error: str, status: int = 200, **headers: str) -> web.Response:
    return web.json_response({"ok": False, "error": error}, status=status, headers=headers)


def _token_kind(token: str) -> str:
    return next((kind for kind in ("xoxb-", "xoxp-", "xapp-") if token.startswith(kind)), "")


def _token_error(token: str, expected: str) -> str:
    """A real token of another kind (bot for app-level, say) is refused for its kind."""
    kind = _token_kind(token)
    if kind and kind != _token_kind(expected):
        return "not_allowed_token_type"
    return "invalid_auth"


def _web_api_handler(expected_token: str, trigger_ttl: float | None, socket: SocketHub) -> Any:
    methods = method_table(trigger_ttl, socket)

    async def handle(request: web.Request) -> web.Response:
        workspace = request.app[WORKSPACE_KEY]
        method_name = request.match_info["method"]
        args, token = await _call_args(request)
        failure = request.app[FAULTS_KEY].failure_for(method_name)
        if failure is not None:
            workspace.record(method_name, args, failure.status, failure.error)
            headers = {}
            if failure.retry_after_seconds is not None:
                headers["Retry-After"] = str(failure.retry_after_seconds)
            return _slack_error(failure.error, failure.status, **headers)
        method = methods.get(method_name)
        required_token = socket.app_token if method_name in APP_TOKEN_METHODS else expected_token
        error = None
        if method is None:
            error = "unknown_method"
        elif token is None:
            error = "not_authed"
        elif token != required_token:
            error = _token_error(token, required_token)
        if error is not None or method is None:
            workspace.record(method_name, args, 200, error)
            return _slack_error(error or "unknown_method")
        with workspace.lock:
            try:
                result = method(workspace, args)
            except SlackMethodError as err:
                workspace.record(method_name, args, 200, err.error)
                return _slack_error(err.error)
            workspace.record(method_name, args, 200, None)
            return web.json_response({"ok": True, **result})

    return handle


async def _response_url(request: web.Request) -> web.Response:
    workspace = request.app[WORKSPACE_KEY]
    try:
        body = json.loads(await request.text())
    except json.JSONDecodeError:
        body = None
    with workspace.lock:
        status, text = post_to_response_url(workspace, request.match_info["token"], body)
    return web.Response(status=status, text=text)


def _query(request: web.Request, name: str) -> str:
    value = request.query.get(name)
    if not value:
        raise web.HTTPBadRequest(text=f"query parameter {name} is required")
    return value


async def _admin_read(request: web.Request) -> web.Response:
    workspace = request.app[WORKSPACE_KEY]
    what = request.match_info["what"]
    data: Any
    if what == "calls":
        data = [call.as_json() for call in workspace.calls(request.query.get("method"))]
    elif what == "messages":
        data = workspace.messages(_query(request, "channel"))
    elif what == "ephemerals":
        data = workspace.ephemerals(_query(request, "user"))
    elif what == "views":
        data = workspace.views(_query(request, "user"))
    elif what == "home":
        data = workspace.home(_query(request, "user"))
    elif what == "responses":
        data = workspace.responses(_query(request, "token"))
    else:
        raise web.HTTPNotFound(text=f"no local state named {what}")
    return web.json_response(data)


async def _admin_write(request: web.Request) -> web.Response:
    workspace, faults = request.app[WORKSPACE_KEY], request.app[FAULTS_KEY]
    body = await request.json() if request.can_read_body else {}
    action = request.match_info["action"]
    try:
        if action == "rate_limit":
            faults.rate_limit(
                str(body["method"]), int(body["count"]), int(body["retry_after_seconds"])
            )
            return web.json_response({"ok": True})
        if action == "outage":
            if body.get("clear"):
                faults.clear_outage()
            else:
                seconds = body.get("seconds")
                faults.outage(None if seconds is None else float(seconds))
            return web.json_response({"ok": True})
        if action == "response_url":
            token = workspace.new_response_hook(str(body["user"]), str(body["channel"]))
            return web.json_response({"url": f"{request.url.origin()}/response/{token}"})
        if action == "trigger_id":
            return web.json_response({"trigger_id": workspace.new_trigger_id(str(body["user"]))})
    except (KeyError, TypeError, ValueError) as err:
        raise web.HTTPBadRequest(text=f"bad {action} request: {err!r}") from err
    raise web.HTTPNotFound(text=f"no local action named {action}")


def create_web_app(
    workspace: Workspace,
    faults: Faults,
    expected_token: str,
    socket: SocketHub,
    trigger_ttl: float | None = None,
) -> web.Application:
    """The aiohttp application serving one workspace."""
    app = web.Application()
    app[WORKSPACE_KEY] = workspace
    app[FAULTS_KEY] = faults
    add_socket_routes(app, socket)
    web_api = _web_api_handler(expected_token, trigger_ttl, socket)
    app.router.add_route("POST", "/api/{method}", web_api)
    app.router.add_route("GET", "/api/{method}", web_api)
    app.router.add_post("/response/{token}", _response_url)
    app.router.add_get("/_local/{what}", _admin_read)
    app.router.add_post("/_local/{action}", _admin_write)
    return app
