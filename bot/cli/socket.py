"""``sgbot socket``: the Slack app over Socket Mode, for workspaces without a public URL.

Same dependencies and background loops as ``sgbot serve``, but Slack is reached through a
WebSocket opened with the app-level token ``SLACK_APP_TOKEN``; no request URL, so no signature
check (Slack authenticates the socket instead).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.serve import add_common_flags, configure_logging, running, stop_on_signals
from bot.settings import Settings, load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "socket",
        help="serve the Slack app over Socket Mode",
        description="Connect to Slack over Socket Mode with SLACK_APP_TOKEN.",
    )
    add_common_flags(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    configure_logging()
    settings = load_settings()
    settings.require_serving(socket_mode=True)
    asyncio.run(_serve(settings, args))
    return 0


async def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    from bot.app import build_app

    stop = stop_on_signals()
    app_token = settings.slack_app_token
    assert app_token is not None  # require_serving checked it
    async with running(settings, args) as deps:
        handler = AsyncSocketModeHandler(
            build_app(settings, deps, socket_mode=True), app_token.get_secret_value()
        )
        await handler.connect_async()  # type: ignore[no-untyped-call]
        print("sgbot connected to Slack over Socket Mode", flush=True)
        try:
            await stop.wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
