"""The sandbox's web server: the page, its static files and the JSON API the page polls.

``create_sandbox_app`` serves ``/`` (the workspace page, its sidebar rendered here from the
local directory), ``/static/…`` (the page's script and style, package data) and ``/api/…``:
``state`` (what the chosen person sees in the chosen channel, their open modal and App Home),
``cloud`` (the emulator's rules, relayed), and the actions ``send``, ``action``, ``submit``,
``close``, ``suggest`` and ``home``, which the ``BotRelay`` signs and forwards to the bot.
Actions must be JSON requests, which a page of another origin cannot send without a CORS
preflight this server never grants.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from importlib import resources
from typing import Any

import aiohttp
from aiohttp import web

from standins.sandbox.feed import JsonObject, SandboxState
from standins.sandbox.relay import BotRelay, BotUnreachable, describe_action
from standins.slack import LocalSlack, SlackSigner
from standins.slack.directory import APPROVER_IDS, DEVELOPER_ID, GUEST_ID

log = logging.getLogger(__name__)

PEOPLE = (DEVELOPER_ID, *APPROVER_IDS, GUEST_ID)
STATIC_FILES = {"sandbox.js": "text/javascript", "sandbox.css": "text/css"}
CLOUD_TIMEOUT_SECONDS = 3.0

STATE = web.AppKey("state", SandboxState)
RELAY = web.AppKey("relay", BotRelay)
LOCAL = web.AppKey("local", LocalSlack)
EMULATOR_URL = web.AppKey("emulator_url", str)
MORE_EMULATOR_URLS = web.AppKey("more_emulator_urls", tuple[str, ...])
SESSION = web.AppKey("session", aiohttp.ClientSession)


def _static(name: str) -> str:
    return resources.files("standins.sandbox").joinpath("static", name).read_text(encoding="utf-8")


def render_page(local: LocalSlack) -> str:
    """The page with its sidebar and the directory the script resolves names from."""
    directory = local.directory
    people = "".join(
        f'<option value="{html.escape(user.id)}">{html.escape(user.real_name)}</option>'
        for user_id in PEOPLE
        if (user := directory.user(user_id)) is not None
    )
    channels = "".join(
        f'<li><button type="button" class="channel" data-channel="{html.escape(channel.id)}"'
        f' data-members="{html.escape(" ".join(channel.members))}">'
        f"# {html.escape(channel.name)}</button></li>"
        for channel in directory.channels
    )
    names = {
        "bot": directory.bot_user_id,
        "users": {user.id: user.display_name or user.name for user in directory.users},
        "channels": {channel.id: channel.name for channel in directory.channels},
    }
    # Inside <script>, "<" is escaped so no name can close the element.
    directory_json = json.dumps(names).replace("<", "\\u003c")
    return (
        _static("index.html")
        .replace("{{people}}", people)
        .replace("{{channels}}", channels)
        .replace("{{directory}}", directory_json)
    )


async def page(request: web.Request) -> web.Response:
    return web.Response(text=render_page(request.app[LOCAL]), content_type="text/html")


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC_FILES:
        raise web.HTTPNotFound
    return web.Response(text=_static(name), content_type=STATIC_FILES[name])


def _person(value: Any) -> str:
    if value not in PEOPLE:
        raise web.HTTPBadRequest(text="unknown person")
    return str(value)


async def state(request: web.Request) -> web.Response:
    user = _person(request.query.get("user"))
    channel = request.query.get("channel", "")
    sandbox = request.app[STATE]
    return web.json_response(
        {
            "messages": sandbox.channel_feed(user, channel) if channel else [],
            "modal": sandbox.modal(user),
            "home": request.app[LOCAL].home(user),
        }
    )


async def _emulator_state(request: web.Request, base: str) -> JsonObject:
    timeout = aiohttp.ClientTimeout(total=CLOUD_TIMEOUT_SECONDS)
    try:
        async with request.app[SESSION].get(f"{base}/_emulator/state", timeout=timeout) as answer:
            state: JsonObject = await answer.json()
            return state
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return {"error": f"emulator unreachable: {type(exc).__name__}"}


async def cloud(request: web.Request) -> web.Response:
    """The default region's state, with each further region's under ``other_regions``."""
    state = await _emulator_state(request, request.app[EMULATOR_URL])
    others = [await _emulator_state(request, url) for url in request.app[MORE_EMULATOR_URLS]]
    return web.json_response(state | ({"other_regions": others} if others else {}))


Action = Callable[[web.Request, JsonObject, str], Awaitable[JsonObject]]


def _json_action(handler: Action) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            raise web.HTTPUnsupportedMediaType(text="send JSON")
        body = await request.json()
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="send a JSON object")
        user = _person(body.get("user"))
        try:
            return web.json_response(await handler(request, body, user))
        except BotUnreachable as exc:
            log.warning("sandbox: %s", exc)
            return web.json_response({"error": str(exc)}, status=502)
        except (KeyError, ValueError) as exc:
            raise web.HTTPBadRequest(text=f"bad request: {exc}") from exc

    return handle


def _view(request: web.Request, body: JsonObject, user: str) -> JsonObject:
    view = request.app[STATE].find_view(user, str(body.get("view_id")))
    if view is None:
        raise web.HTTPNotFound(text="no such view")
    return view


async def send(request: web.Request, body: JsonObject, user: str) -> JsonObject:
    await request.app[RELAY].send_text(user, str(body["channel"]), str(body["text"]))
    return {}


async def action(request: web.Request, body: JsonObject, user: str) -> JsonObject:
    clicked = describe_action(body.get("action"))
    relay = request.app[RELAY]
    if body.get("surface") == "home":
        home = request.app[LOCAL].home(user)
        if home is None:
            raise web.HTTPNotFound(text="no App Home published")
        await relay.click_in_view(user, home, clicked)
    elif body.get("surface") == "modal":
        await relay.click_in_view(user, _view(request, body, user), clicked)
    else:
        channel, key, ts = str(body["channel"]), str(body["key"]), str(body["ts"])
        await relay.click_in_message(user, channel, key, ts, clicked)
    return {}


async def submit(request: web.Request, body: JsonObject, user: str) -> JsonObject:
    values = body.get("values") or {}
    errors = await request.app[RELAY].submit_view(user, _view(request, body, user), values)
    return {"errors": errors}


async def close(request: web.Request, body: JsonObject, user: str) -> JsonObject:
    request.app[STATE].close_view(str(_view(request, body, user)["id"]))
    return {}


async def suggest(request: web.Request, body: JsonObject, user: str) -> JsonObject:
    clicked = describe_action(body.get("action"))
    values = body.get("values") or {}
    options = await request.app[RELAY].suggest(user, _view(request, body, user), clicked, values)
    return {"options": options}


async def home(request: web.Request, body: JsonObject, user: str) -> JsonObject:
    await request.app[RELAY].open_home(user)
    return {}


def create_sandbox_app(
    local: LocalSlack,
    signing_secret: str,
    bot_events_url: str,
    emulator_url: str,
    more_emulator_urls: Sequence[str] = (),
) -> web.Application:
    """The sandbox for a bot at ``bot_events_url`` whose Web API is ``local``; the cloud panel
    shows ``emulator_url``'s region and each of ``more_emulator_urls``'."""
    app = web.Application()
    app[MORE_EMULATOR_URLS] = tuple(u.rstrip("/") for u in more_emulator_urls)
    app[LOCAL] = local
    app[STATE] = sandbox = SandboxState(local)
    app[EMULATOR_URL] = emulator_url.rstrip("/")
    signer = SlackSigner(signing_secret, local.directory, interactions=local)

    async def session_context(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as session:
            app[SESSION] = session
            app[RELAY] = BotRelay(local, signer, sandbox, bot_events_url, session)
            yield

    app.cleanup_ctx.append(session_context)
    app.router.add_get("/", page)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/state", state)
    app.router.add_get("/api/cloud", cloud)
    for name, handler in (
        ("send", send),
        ("action", action),
        ("submit", submit),
        ("close", close),
        ("suggest", suggest),
        ("home", home),
    ):
        app.router.add_post(f"/api/{name}", _json_action(handler))
    return app
