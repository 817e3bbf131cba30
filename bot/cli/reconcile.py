"""``sgbot reconcile``: compare each gateway's rules in the cloud with what the bot applied.

What the bot expects is every rule held by an applied grant (its created or adopted results,
with the grant still registered as an owner). Two kinds of drift are reported: ``gone`` — a
rule the bot applied that the cloud no longer has (deleted behind the bot's back) — and
``unapproved`` — a rule on the gateway that no applied request holds (added outside the bot,
or left from before it). Without ``--gateway`` every gateway with an applied grant is checked.
It prints one JSON document on stdout and a readable summary on stderr, and exits 1 when it
found drift.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from approvals.coordination import RuleKey
from approvals.model import Request, RequestKind, RequestState
from approvals.ownership import held_results
from approvals.store import RequestStore
from bot.cloud.port import CloudPort
from bot.commands import GatewayRef
from bot.settings import Settings, load_settings

DRIFT_STATUS = 1
_PAGE = 500


@dataclass(frozen=True)
class Drift:
    kind: Literal["gone", "unapproved"]
    gateway_id: str
    security_group_id: str
    ports: str
    rule_id: int
    request_ids: tuple[str, ...] = ()  # the grants that expected a gone rule

    def describe(self) -> str:
        if self.kind == "gone":
            held = ", ".join(self.request_ids)
            return (
                f"{self.gateway_id}: rule {self.rule_id} ({self.security_group_id} ports "
                f"{self.ports}) applied for {held} is gone from the cloud"
            )
        return (
            f"{self.gateway_id}: rule {self.rule_id} ({self.security_group_id} ports "
            f"{self.ports}) was not approved through the bot"
        )


async def applied_grants(store: RequestStore) -> list[Request]:
    """Every applied authorize request, walking the live index page by page."""
    grants: list[Request] = []
    offset = 0
    while True:
        page = await store.list_live(limit=_PAGE, offset=offset)
        grants.extend(
            r
            for r in page
            if r.kind is RequestKind.AUTHORIZE and r.state is RequestState.APPLIED and r.gateway_id
        )
        if len(page) < _PAGE:
            return grants
        offset += _PAGE


async def find_drift(
    store: RequestStore, cloud: CloudPort, gateway_ids: Iterable[str] | None = None
) -> list[Drift]:
    grants = await applied_grants(store)
    expected: dict[RuleKey, tuple[int, list[str]]] = {}
    for grant in grants:
        assert grant.gateway_id is not None
        for held in held_results(grant):
            key = RuleKey(grant.gateway_id, held.security_group_id, held.port_range)
            if grant.id not in await store.work.owners(key):
                continue  # an approved revoke took the rule from this grant
            expected.setdefault(key, (held.rule_id or 0, []))[1].append(grant.id)
    gateways = (
        list(gateway_ids)
        if gateway_ids is not None
        else sorted({key.gateway_id for key in expected})
    )
    drift: list[Drift] = []
    for gateway_id in gateways:
        in_cloud = {
            RuleKey(gateway_id, rule.security_group_id, rule.ports): rule.rule_id
            for rule in await cloud.list_rules(gateway_id)
        }
        for key, (rule_id, holders) in expected.items():
            if key.gateway_id == gateway_id and key not in in_cloud:
                drift.append(_drift("gone", key, rule_id, tuple(sorted(holders))))
        for key, rule_id in in_cloud.items():
            if key not in expected:
                drift.append(_drift("unapproved", key, rule_id))
    return drift


def _drift(
    kind: Literal["gone", "unapproved"], key: RuleKey, rule_id: int, holders: tuple[str, ...] = ()
) -> Drift:
    return Drift(kind, key.gateway_id, key.security_group_id, key.port_range.mse, rule_id, holders)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reconcile",
        help="report rules deleted behind the bot's back or added outside it",
        description="Compare gateway rules in the cloud with the bot's applied grants.",
    )
    parser.add_argument("--gateway", help="only this gateway (unique id or exact name)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    drift = asyncio.run(_reconcile(load_settings(), args.gateway))
    print(json.dumps({"drift": [asdict(d) for d in drift]}, indent=2))
    for item in drift:
        print(item.describe(), file=sys.stderr)
    print(f"{len(drift)} rule(s) drifted" if drift else "no drift", file=sys.stderr)
    return DRIFT_STATUS if drift else 0


async def _reconcile(settings: Settings, gateway: str | None) -> list[Drift]:
    from approvals.connect import connect
    from approvals.results import StoreConfig
    from bot.cloud.factory import build_cloud
    from bot.cloud.resolve import find_gateway

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
