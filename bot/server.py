"""The HTTP face of ``sgbot serve``: Slack's request URL, a health check and metrics.

``POST /slack/events`` hands the raw request to the bolt app (signature verification happens
there, before any listener). ``GET /healthz`` answers 200 only while Redis answers, because a
replica that cannot reach Redis cannot store a request before acking it; settings were already
validated at start-up, so a running process has a good configuration. ``GET /metrics`` is
Prometheus text from sgbot's own registry, with the outbox depth read at scrape time.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from redis.exceptions import RedisError
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from bot.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_TIMEOUT_SECONDS = 2.0

DEPS = web.AppKey("deps", Deps)
BOLT = web.AppKey("bolt", AsyncApp)


async def slack_events(request: web.Request) -> web.Response:
    bolt_response = await request.app[BOLT].async_dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


async def healthz(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            await deps.redis.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        log.warning("health check failed: Redis does not answer (%s)", type(exc).__name__)
        return web.json_response({"status": "unavailable", "redis": "down"}, status=503)
    return web.json_response({"status": "ok", "redis": "up", "cloud": deps.cloud_label})


async def metrics(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            deps.metrics.outbox_depth.set(await deps.outbox_depth())
    except (RedisError, OSError, TimeoutError):
        log.warning("metrics: outbox depth unavailable, Redis does not answer")
    return web.Response(body=deps.metrics.render(), headers={"Content-Type": CONTENT_TYPE})


def build_web_app(bolt_app: AsyncApp, deps: Deps) -> web.Application:
    app = web.Application()
    app[BOLT] = bolt_app
    app[DEPS] = deps
    app.router.add_post(EVENTS_PATH, slack_events)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app
