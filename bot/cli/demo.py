"""``sgbot demo``: the whole workflow on this machine, with no Slack workspace or cloud account.

It runs Redis, the cloud emulator, a local Slack, the bot and a browser stand-in for Slack as
one process tree (``standins.demo``), and needs the local stand-ins installed.
"""

from __future__ import annotations

import argparse

from bot.optional import standins_required

DEFAULT_PORT = 8765


SUMMARY = "run the bot against a local Slack in the browser and an emulated cloud"
DESCRIPTION = "Start Redis, the cloud emulator, the bot and a browser stand-in for Slack."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="sandbox page port; 0 picks one"
    )
    parser.add_argument(
        "--key-prefix", help="Redis key prefix for this run (default: a fresh sgbot-demo-…)"
    )
    parser.add_argument(
        "--embedded-redis",
        action="store_true",
        help="use the embedded, non-persistent Redis even when REDIS_URL or redis-server is there",
    )


def run(args: argparse.Namespace) -> int:
    with standins_required("sgbot demo"):
        from standins.demo import run as run_demo
    return run_demo(args)
