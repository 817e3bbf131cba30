"""The baselines: a slack-bolt ``AsyncApp`` whose slash command acks, served like sgbot.

Two of them. The *bare* app only acks. The *durable* app (``--redis-url``) first appends the
command's body to a Redis stream with one ``XADD`` and then acks: the least a bot must do
before it acknowledges if nothing acknowledged may be lost, so it is the floor sgbot's ack is
measured against. Both run as bolt ships: the default event loop, the standard ``json``, and
redis-py's own reply parser (``hiredis`` is not used even when it is installed).

Same server shape as ``sgbot serve`` (an aiohttp ``web.Application`` with ``POST
/slack/events`` handed to ``async_dispatch``, no access log), same signing secret from
``SLACK_SIGNING_SECRET``, request verification on, and a Web API client pointed at the local
Slack so bolt's one ``auth.test`` stays on loopback. Run as ``python -m bench.bare_bolt``; it
prints ``bare bolt listening on http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from typing import Any

import redis.asyncio as aioredis
from aiohttp import web
from redis._parsers import _AsyncRESP2Parser
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

BOLT = web.AppKey("bolt", AsyncApp)
STREAM = "baseline:commands"


def build_bare_app(signing_secret: str, client: AsyncWebClient, command: str) -> AsyncApp:
    app = AsyncApp(client=client, signing_secret=signing_secret)

    @app.command(command)
    async def only_ack(ack: Any) -> None:
        await ack(text="received")

    return app


def build_durable_app(
    signing_secret: str, client: AsyncWebClient, command: str, redis: aioredis.Redis
) -> AsyncApp:
    app = AsyncApp(client=client, signing_secret=signing_secret)

    @app.command(command)
    async def store_then_ack(ack: Any, body: dict[str, Any]) -> None:
        await redis.xadd(STREAM, {"body": json.dumps(body)})
        await ack(text="received")

    return app


async def slack_events(request: web.Request) -> web.Response:
    bolt_response = await request.app[BOLT].async_dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


async def serve(slack_api_url: str, command: str, redis_url: str | None) -> None:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=slack_api_url)
    secret = os.environ["SLACK_SIGNING_SECRET"]
    web_app = web.Application()
    if redis_url is None:
        web_app[BOLT] = build_bare_app(secret, client, command)
    else:
        redis = aioredis.Redis.from_url(redis_url, parser_class=_AsyncRESP2Parser)
        web_app[BOLT] = build_durable_app(secret, client, command, redis)
    web_app.router.add_post("/slack/events", slack_events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    kind = "bare" if redis_url is None else "durable"
    print(f"{kind} bolt listening on http://{host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slack-api-url", required=True, help="the local Slack's /api/ URL")
    parser.add_argument("--command", default="/sg")
    parser.add_argument("--redis-url", help="XADD each command to this Redis before the ack")
    args = parser.parse_args()
    asyncio.run(serve(args.slack_api_url, args.command, args.redis_url))


if __name__ == "__main__":
    main()
