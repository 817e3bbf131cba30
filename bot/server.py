"""The HTTP face of ``sgbot serve``: Slack's request URL and the health endpoints.

``POST /slack/events`` hands the raw request to the bolt app (signature verification happens
there, before any listener), counted in the process's ``FrontLoad`` while it is answered.
``/healthz`` (liveness), ``/readyz`` (readiness) and ``/metrics`` are ``bot.health``'s, the
same a ``sgbot worker`` or ``sgbot socket`` serves on ``SGBOT_HEALTH_PORT``.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.front_load import FrontLoad
from bot.health import Probe, add_health_routes

EVENTS_PATH = "/slack/events"

BOLT = web.AppKey("bolt", AsyncApp)
FRONT = web.AppKey("front", FrontLoad)


async def slack_events(request: web.Request) -> web.Response:
    with request.app[FRONT].serving():
        bolt_response = await request.app[BOLT].async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)


def build_web_app(bolt_app: AsyncApp, probe: Probe) -> web.Application:
    app = web.Application()
    app[BOLT] = bolt_app
    app[FRONT] = probe.front
    app.router.add_post(EVENTS_PATH, slack_events)
    add_health_routes(app, probe)
    return app
