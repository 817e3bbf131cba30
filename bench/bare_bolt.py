"""The baseline: a slack-bolt ``AsyncApp`` whose slash command only acks, served like sgbot.

Same server shape as ``sgbot serve`` (an aiohttp ``web.Application`` with ``POST
/slack/events`` handed to ``async_dispatch``, no access log), same signing secret from
``SLACK_SIGNING_SECRET``, request verification on, and a Web API client pointed at the local
Slack so bolt's one ``auth.test`` stays on loopback. Run as ``python -m bench.bare_bolt``; it
prints ``bare bolt listening on http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

BOLT = web.AppKey("bolt", AsyncApp)


def build_bare_app(signing_secret: str, client: AsyncWebClient, command: str) -> AsyncApp:
    app = AsyncApp(client=client, signing_secret=signing_secret)

    @app.command(command)
    async def only_ack(ack: Any) -> None:
        await ack(text="received")

    return app


async def slack_events(request: web.Request) -> web.Response:
    bolt_response = await request.app[BOLT].async_dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


async def serve(slack_api_url: str, command: str) -> None:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=slack_api_url)
    web_app = web.Application()
    web_app[BOLT] = build_bare_app(os.environ["SLACK_SIGNING_SECRET"], client, command)
    web_app.router.add_post("/slack/events", slack_events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    print(f"bare bolt listening on http://{host}:{port}", flush=True)
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
    args = parser.parse_args()
    asyncio.run(serve(args.slack_api_url, args.command))


if __name__ == "__main__":
    main()
