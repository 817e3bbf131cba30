"""``sgbot reconcile``: compare each gateway's rules in the cloud with what the bot applied.

Without ``--gateway`` every gateway with an applied grant is checked (``approvals.reconcile``
says what counts as drift). It prints one JSON document on stdout and a readable summary on
stderr, and exits 1 when it found drift. Everything heavy is imported when the command runs,
so other subcommands start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from approvals.reconcile import Drift
    from bot.settings import Settings

DRIFT_STATUS = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reconcile",
        help="report rules deleted behind the bot's back or added outside it",
        description="Compare gateway rules in the cloud with the bot's applied grants.",
    )
    parser.add_argument("--gateway", help="only this gateway (unique id or exact name)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.settings import load_settings

    drift = asyncio.run(_reconcile(load_settings(), args.gateway))
    print(json.dumps({"drift": [asdict(d) for d in drift]}, indent=2))
    for item in drift:
        print(item.describe(), file=sys.stderr)
    print(f"{len(drift)} rule(s) drifted" if drift else "no drift", file=sys.stderr)
    return DRIFT_STATUS if drift else 0


async def _reconcile(settings: Settings, gateway: str | None) -> list[Drift]:
    from approvals.connect import connect
    from approvals.reconcile import find_drift
    from approvals.results import StoreConfig
    from approvals.store import RequestStore
    from bot.cloud.factory import build_cloud
    from bot.cloud.resolve import find_gateway
    from bot.commands import GatewayRef

    cloud = build_cloud(settings)
    redis = connect(settings.redis_url)
    try:
        store = RequestStore(redis, StoreConfig(prefix=settings.key_prefix))
        gateway_ids = None
        if gateway is not None:
            gateway_ids = [(await find_gateway(cloud, GatewayRef(value=gateway))).unique_id]
        return await find_drift(store, cloud, gateway_ids)
    finally:
        await redis.aclose()
