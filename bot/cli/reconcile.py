"""``sgbot reconcile``: compare gateway rules with what the bot applied, or rebuild its grants.

Without ``--recover`` it compares each gateway's rules in the cloud with the bot's applied
grants (without ``--gateway``, every gateway with an applied grant; ``approvals.reconcile``
says what counts as drift), prints one JSON document on stdout and a readable summary on
stderr, and exits 1 when it found drift. With ``--recover`` it rebuilds, after Redis was lost,
every applied grant and its end from the rule descriptions of every gateway in the configured
regions (or only ``--gateway``) and prints what it restored (``approvals.recover``); grants
Redis still holds are left alone, so running it again is harmless. Everything heavy is imported
when the command runs, so other subcommands start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from approvals.reconcile import Drift
    from approvals.recover import Recovery
    from approvals.store import RequestStore
    from bot.cloud.regions import RegionalClouds
    from bot.settings import Settings

DRIFT_STATUS = 1


SUMMARY = (
    "report rules deleted behind the bot's back or added outside it; --recover "
    "rebuilds the grants after Redis was lost"
)
DESCRIPTION = (
    "Compare gateway rules in the cloud with the bot's applied grants, or "
    "rebuild the applied grants and their ends from the rule descriptions."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gateway", help="only this gateway (unique id or exact name)")
    parser.add_argument(
        "--recover",
        action="store_true",
        help="rebuild applied grants and their ends from every gateway's rules (after Redis "
        "was lost); grants Redis still holds are left alone",
    )


def run(args: argparse.Namespace) -> int:
    from bot.cli.serve import load_and_log

    # Warnings only: the summary on stderr is for people, not a line per cloud call.
    settings = load_and_log(level=logging.WARNING)
    if args.recover:
        recovery = asyncio.run(_with_store(settings, args.gateway, _recover))
        print(json.dumps(recovery_document(recovery), indent=2))
        for grant in recovery.restored:
            ends = f"until {grant.until:%Y-%m-%dT%H:%MZ}" if grant.until else "permanent"
            print(
                f"{grant.request_id}: {len(grant.rules)} rule(s) on {grant.gateway.unique_id} "
                f"({grant.region_id}), {ends}",
                file=sys.stderr,
            )
        print(
            f"{len(recovery.restored)} grant(s) rebuilt, "
            f"{len(recovery.already_stored)} already in Redis",
            file=sys.stderr,
        )
        return 0
    drift = asyncio.run(_with_store(settings, args.gateway, find))
    print(json.dumps({"drift": [asdict(d) for d in drift]}, indent=2))
    for item in drift:
        print(item.describe(), file=sys.stderr)
    print(f"{len(drift)} rule(s) drifted" if drift else "no drift", file=sys.stderr)
    return DRIFT_STATUS if drift else 0


def recovery_document(recovery: Recovery) -> dict[str, Any]:
    return {
        "restored": [
            {
                "request_id": grant.request_id,
                "region_id": grant.region_id,
                "gateway_id": grant.gateway.unique_id,
                "until": grant.until.isoformat() if grant.until else None,
                "rules": [
                    {
                        "rule_id": r.rule_id,
                        "security_group_id": r.security_group_id,
                        "ports": r.ports.mse,
                    }
                    for r in grant.rules
                ],
            }
            for grant in recovery.restored
        ],
        "already_stored": list(recovery.already_stored),
    }


async def find(
    settings: Settings,
    store: RequestStore,
    clouds: RegionalClouds,
    gateways: dict[str, list[str]] | None,
) -> list[Drift]:
    from approvals.reconcile_regions import find_drift_in_regions

    return await find_drift_in_regions(store, clouds, gateways)


async def _recover(
    settings: Settings,
    store: RequestStore,
    clouds: RegionalClouds,
    gateways: dict[str, list[str]] | None,
) -> Recovery:
    from approvals.clock import SystemClock
    from approvals.recover import recover

    await store.setup()
    # Each region's gateways are read on that region's endpoints only.
    regions = clouds.regions if gateways is None else tuple(gateways)
    return await recover(
        store,
        [clouds.get(region) for region in regions],
        SystemClock().now(),
        settings.grant_warn_before,
        gateway_ids=None if gateways is None else [g for ids in gateways.values() for g in ids],
        emulated=settings.cloud == "emulator",
    )


async def _with_store(settings: Settings, gateway: str | None, action: Any) -> Any:
    """``action(settings, store, clouds, gateways)`` with Redis and every served region's cloud;
    ``gateways`` is None, or the region holding ``gateway`` and its id."""
    from bot.cloud.regions import locate_gateway
    from bot.core import open_core
    from bot.deps import cloud_for
    from bot.served_regions import command_clouds
    from vocabulary.commands import GatewayRef

    clouds = command_clouds(settings, cloud_for)
    async with open_core(settings, cloud=clouds.get(clouds.default)) as core:
        gateways = None
        if gateway is not None:
            cloud, found = await locate_gateway(clouds, GatewayRef(value=gateway))
            gateways = {cloud.region_id: [found.unique_id]}
        return await action(settings, core.store, clouds, gateways)
