"""Drift between the cloud and what the bot applied, for ``sgbot reconcile``.

What the bot expects is every rule held by a grant, applied or partly applied (its created or
adopted results, with the grant still registered as an owner). Two kinds of drift are
reported: ``gone`` — a rule the bot applied that the cloud no longer has (deleted behind the
bot's back) — and ``unapproved`` — a rule on the gateway that no applied request holds (added
outside the bot, or left from before it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from approvals.coordination import RuleKey
from approvals.machine import HOLDING
from approvals.model import Request, RequestKind
from approvals.ownership import held_results
from approvals.store import RequestStore
from bot.cloud.port import CloudPort

_PAGE = 500


@dataclass(frozen=True)
class Drift:
    kind: Literal["gone", "unapproved"]
    gateway_id: str
    security_group_id: str
    ports: str
    rule_id: int
    request_ids: tuple[str, ...] = ()  # the grants that expected a gone rule
    region: str = ""  # the gateway's region, when reconciling several

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
            if r.kind is RequestKind.AUTHORIZE and r.state in HOLDING and r.gateway_id
        )
        if len(page) < _PAGE:
            return grants
        offset += _PAGE


async def find_drift(
    store: RequestStore,
    cloud: CloudPort,
    gateway_ids: Iterable[str] | None = None,
    grants: list[Request] | None = None,
) -> list[Drift]:
    """``grants`` are the applied grants when the caller already walked them (per gateway)."""
    grants = await applied_grants(store) if grants is None else grants
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
