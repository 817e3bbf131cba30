"""``sgbot socket``: the Slack app over Socket Mode, for workspaces without a public URL.

Same dependencies and background loops as ``sgbot serve``, but Slack is reached through a
WebSocket opened with the app-level token ``SLACK_APP_TOKEN``; no request URL, so no signature
check (Slack authenticates the socket instead). With no port of its own for Slack, its probes
and metrics are served on ``SGBOT_HEALTH_PORT`` (``bot.health``).
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot.cli.serve import add_common_flags, run_front
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.health import Probe
    from handlers.deps import Deps


SUMMARY = "serve the Slack app over Socket Mode"
DESCRIPTION = "Connect to Slack over Socket Mode with SLACK_APP_TOKEN."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_flags(parser)


def run(args: argparse.Namespace) -> int:
    return run_front(args, _connected, socket_mode=True)


@asynccontextmanager
async def _connected(settings: Settings, deps: Deps, _probe: Probe) -> AsyncIterator[str]:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    from bot.app import build_app

    app_token = settings.slack_app_token
    assert app_token is not None  # require_serving checked it
    handler = AsyncSocketModeHandler(
        build_app(settings, deps, socket_mode=True), app_token.get_secret_value()
    )
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield "sgbot connected to Slack over Socket Mode"
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
