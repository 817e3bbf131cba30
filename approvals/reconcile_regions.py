"""Reconcile every served region: each region's grants against its own gateways' rules.

A grant records its gateway's region (one stored before regions has the default region), so
the applied grants are split by region and each part is compared with the rules its region's
endpoints list (``approvals.reconcile.find_drift``). A gateway named on the command line is
looked for in every region and compared where it is.
"""

from __future__ import annotations

from dataclasses import replace

from approvals.reconcile import Drift, applied_grants, find_drift
from approvals.store import RequestStore
from bot.cloud.regions import RegionalClouds


async def find_drift_in_regions(
    store: RequestStore, clouds: RegionalClouds, gateways: dict[str, list[str]] | None = None
) -> list[Drift]:
    """Drift in every region; ``gateways`` (region -> gateway ids) limits it to those."""
    grants = await applied_grants(store)
    found: list[Drift] = []
    for region in clouds.regions:
        if gateways is not None and region not in gateways:
            continue
        mine = [g for g in grants if (g.region or clouds.default) == region]
        ids = None if gateways is None else gateways[region]
        drift = await find_drift(store, clouds.get(region), ids, grants=mine)
        found.extend(replace(item, region=region) for item in drift)
    return found
