"""Drift items: what the periodic reconcile found, each named by a stable id.

``find_items`` reuses ``approvals.reconcile.find_drift`` (the comparison ``sgbot reconcile``
prints) over the managed gateways — every gateway an applied grant is on, plus the watched
ones — and adds what that comparison cannot see: the description of a rule no request explains
(so rules another tool manages can be ignored by description prefix or rule id, ``DriftIgnore``)
and the ECS inbound rules left behind in a backend group when a rule sgbot applied was deleted
from MSE without its backend rule. An item's id hashes what it is about, so the same drift found
by another replica, or in a later round, is the same item and is posted once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from approvals.coordination import RuleKey
from approvals.model import (
    Actor,
    BackendGroup,
    CardRef,
    Decision,
    PlannedRule,
    ReplyTo,
    Request,
    RequestKind,
    RequestState,
    RuleAction,
    RuleOutcome,
    RuleResult,
    UtcDatetime,
    Verdict,
    fingerprint,
)
from approvals.ownership import enterprise_groups, held_results
from approvals.reconcile import Drift, find_drift
from approvals.store import RequestStore
from bot.catalogue import say
from bot.cloud.port import CloudPort, Gateway
from bot.cloud.rules import identical_ingress_rules
from vocabulary.commands import Authorize, GatewayRef, PortRange, SecurityGroupTarget

DRIFT_ID_PATTERN = r"DR-[0-9a-f]{12}"


class DriftKind(StrEnum):
    GONE = "gone"  # a rule sgbot applied is gone from the cloud
    UNAPPROVED = "unapproved"  # a rule on the gateway that no request explains
    ORPHAN = "orphan"  # an ECS inbound rule whose MSE record (one sgbot applied) is gone


class DriftStatus(StrEnum):
    """What became of an item; only ``open`` ones take a button."""

    OPEN = "open"  # posted; waiting for an approver
    REAPPLYING = "reapplying"  # a request to add the rule again was asked for approval
    FORGOTTEN = "forgotten"  # the grants no longer expect the gone rule
    ADOPTED = "adopted"  # held by a permanent grant from now on
    IGNORED = "ignored"  # left alone for good (managed elsewhere)
    REVOKING = "revoking"  # a request to delete the rule was asked for approval
    RESOLVED = "resolved"  # a later round no longer found it


class DriftItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=f"^{DRIFT_ID_PATTERN}$")
    kind: DriftKind
    gateway_id: str
    security_group_id: str
    ports: str  # MSE form, ``8080/8080``
    rule_id: int  # the MSE record (for an orphan: the record that is gone)
    backend_rule_id: str | None = None  # the ECS inbound rule of an orphan
    description: str = ""  # the record's (unapproved) or inbound rule's (orphan) description
    request_ids: tuple[str, ...] = ()  # the grants that held a gone rule
    found_at: UtcDatetime
    status: DriftStatus = DriftStatus.OPEN
    settled_by: str | None = None  # Slack user id of the approver who pressed a button
    follow_up: str | None = None  # the request a button asked for (re-apply, adopt, revoke)
    message: CardRef | None = None  # where the item was posted

    @property
    def port_range(self) -> PortRange:
        return PortRange.from_mse(self.ports)

    @property
    def rule_key(self) -> RuleKey:
        return RuleKey(self.gateway_id, self.security_group_id, self.port_range)

    def settled(self, status: DriftStatus, by: str | None, follow_up: str | None) -> DriftItem:
        return self.model_copy(update={"status": status, "settled_by": by, "follow_up": follow_up})


def item_id(kind: DriftKind, gateway_id: str, group_id: str, ports: str, rule: str) -> str:
    canonical = f"{kind.value}|{gateway_id}|{group_id}|{ports}|{rule}"
    return "DR-" + hashlib.blake2b(canonical.encode(), digest_size=6).hexdigest()


def adoption(
    item: DriftItem,
    gateway: Gateway,
    *,
    region: str,
    actor: Actor,
    reply_to: ReplyTo,
    request_id: str,
    now: datetime,
) -> Request:
    """The permanent grant an approver's **Adopt** records for an unapproved rule: approved by
    them, applied, and holding the rule as it is (``EXISTED``)."""
    group = BackendGroup(
        security_group_id=item.security_group_id, name="", group_type="", vpc_id=gateway.vpc_id
    )
    ports = (item.port_range,)
    return Request(
        id=request_id,
        kind=RequestKind.AUTHORIZE,
        command=Authorize(
            gateway=GatewayRef(value=gateway.unique_id),
            target=SecurityGroupTarget(security_group_id=item.security_group_id),
            ports=ports,
        ),
        requester=actor,
        reply_to=reply_to,
        intake_key=f"drift:{item.id}:adopt",
        created_at=now,
        updated_at=now,
        gateway_id=gateway.unique_id,
        gateway_name=gateway.name,
        region=region,
        gateway_security_group=gateway.security_group_id,
        groups=(group,),
        resolution_path=say("drift.path.adopt", item_id=item.id),
        plan=(
            PlannedRule(
                security_group_id=item.security_group_id,
                port_range=item.port_range,
                action=RuleAction.ADD,
            ),
        ),
        ports=ports,
        reason=say("drift.reason.adopt", rule_id=item.rule_id),
        fingerprint=fingerprint(gateway.unique_id, (group,), ports, RequestKind.AUTHORIZE),
        state=RequestState.APPLIED,
        state_reason=say("drift.state.adopted", by=actor.user_id, item_id=item.id),
        decisions=(Decision(actor=actor, verdict=Verdict.APPROVE, at=now),),
        results=(
            RuleResult(
                security_group_id=item.security_group_id,
                port_range=item.port_range,
                outcome=RuleOutcome.EXISTED,
                rule_id=item.rule_id,
            ),
        ),
    )


@dataclass(frozen=True)
class DriftIgnore:
    """Rules another tool manages: by MSE rule id, or by the start of their description.

    Built from ``SGBOT_DRIFT_IGNORE`` (``from_entries``); a policy file can add its own with
    ``merged``. It applies to rules no request explains, never to rules sgbot applied.
    """

    rule_ids: frozenset[int] = frozenset()
    description_prefixes: tuple[str, ...] = ()

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> DriftIgnore:
        """``id:42`` and ``prefix:terraform`` entries (settings validate the forms)."""
        ids: set[int] = set()
        prefixes: list[str] = []
        for entry in entries:
            form, _, rest = entry.partition(":")
            if form == "id":
                ids.add(int(rest))
            else:
                prefixes.append(rest)
        return cls(frozenset(ids), tuple(prefixes))

    def merged(self, rule_ids: Iterable[int], description_prefixes: Iterable[str]) -> DriftIgnore:
        return DriftIgnore(
            self.rule_ids | frozenset(rule_ids),
            (*self.description_prefixes, *description_prefixes),
        )

    def matches(self, rule_id: int, description: str) -> bool:
        return rule_id in self.rule_ids or any(
            description.startswith(prefix) for prefix in self.description_prefixes
        )


def managed_gateways(grants: Iterable[Request], watched: Sequence[str]) -> list[str]:
    """Gateways an applied grant is on, and the watched ones (ids), sorted."""
    on = {grant.gateway_id for grant in grants if grant.gateway_id}
    return sorted(on | set(watched))


async def find_items(
    store: RequestStore,
    cloud: CloudPort,
    gateway_ids: Sequence[str],
    ignore: DriftIgnore,
    now: UtcDatetime,
    *,
    grants: list[Request] | None = None,
) -> list[DriftItem]:
    """Every drift item on ``gateway_ids`` now, ignored rules left out; ``grants`` are the
    applied grants when the caller already has them."""
    drift = await find_drift(store, cloud, gateway_ids, grants)
    descriptions: dict[tuple[str, int], str] = {}
    for gateway_id in sorted({d.gateway_id for d in drift if d.kind == "unapproved"}):
        for rule in await cloud.list_rules(gateway_id):
            descriptions[(gateway_id, rule.rule_id)] = rule.description
    items: list[DriftItem] = []
    for found in drift:
        description = descriptions.get((found.gateway_id, found.rule_id), "")
        if found.kind == "unapproved" and ignore.matches(found.rule_id, description):
            continue
        kind = DriftKind.GONE if found.kind == "gone" else DriftKind.UNAPPROVED
        place = (found.gateway_id, found.security_group_id, found.ports)
        items.append(
            DriftItem(
                id=item_id(kind, *place, str(found.rule_id)),
                kind=kind,
                gateway_id=found.gateway_id,
                security_group_id=found.security_group_id,
                ports=found.ports,
                rule_id=found.rule_id,
                description=description,
                request_ids=found.request_ids,
                found_at=now,
            )
        )
        if found.kind == "gone":
            items.extend(await _orphans(store, cloud, found, ignore, now))
    return items


async def _orphans(
    store: RequestStore, cloud: CloudPort, gone: Drift, ignore: DriftIgnore, now: UtcDatetime
) -> list[DriftItem]:
    """Inbound rules the gone record left in its backend group: from the gateway's group (or
    any CIDR in an enterprise group), on exactly its ports, and not one that predated sgbot."""
    grant = await store.get(gone.request_ids[0]) if gone.request_ids else None
    if grant is None or grant.gateway_security_group is None:
        return []
    ports = PortRange.from_mse(gone.ports)
    kept = {
        held.backend_rule.rule_id for held in held_results(grant) if held.backend_rule is not None
    }
    inbound = await cloud.describe_ingress_rules(gone.security_group_id)
    left = identical_ingress_rules(
        inbound,
        grant.gateway_security_group,
        ports,
        any_cidr=gone.security_group_id in enterprise_groups(grant),
    )
    place = (gone.gateway_id, gone.security_group_id, gone.ports)
    return [
        DriftItem(
            id=item_id(DriftKind.ORPHAN, *place, rule.rule_id),
            kind=DriftKind.ORPHAN,
            gateway_id=gone.gateway_id,
            security_group_id=gone.security_group_id,
            ports=gone.ports,
            rule_id=gone.rule_id,
            backend_rule_id=rule.rule_id,
            description=rule.description,
            request_ids=gone.request_ids,
            found_at=now,
        )
        for rule in left
        if rule.rule_id not in kept and not ignore.matches(gone.rule_id, rule.description)
    ]
