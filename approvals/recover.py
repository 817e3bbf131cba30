"""Rebuilding the applied grants from the cloud alone, for ``sgbot reconcile --recover``.

Every rule sgbot adds carries its request id and, for a time-bound grant, its end in the MSE
description (``approvals.descriptions``). After Redis was lost, ``find_grants`` lists every
gateway of each region's cloud and groups the rules so described by request; ``restore_grant``
writes each one back as an ``applied`` authorize request, with the rule owners and creators the
worker relies on and its end and warning timers, so the grant ends on time as if nothing had
happened. An end already past is due at once. What the cloud does not hold is not invented:
the requester, the reason, the approvers and the original target are unknown, so the request
names no requester (``RECOVERED_REQUESTER``; its end is told on a fresh card in the security
channel, and the direct message to nobody is counted undeliverable), its target is the first
backend group, and ``state_reason`` says it was rebuilt. A request whose id Redis still holds
is never overwritten, so running it twice, or on a Redis that lost nothing, changes nothing.
A rule another grant also relied on records only its creator, so that grant is not rebuilt:
when the rebuilt one ends, the shared rule goes (``docs/operations.md`` says so).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from approvals.coordination import RuleKey
from approvals.descriptions import parse_description
from approvals.effects import Effects, Timer, TimerKind
from approvals.model import (
    Actor,
    BackendGroup,
    PlannedRule,
    ReplyTo,
    Request,
    RequestKind,
    RequestState,
    RuleAction,
    RuleOutcome,
    RuleResult,
    Surface,
    fingerprint,
    merge_port_ranges,
)
from approvals.store import RequestStore
from bot.catalogue import say
from bot.cloud.port import CloudPort, Gateway, GatewayRule
from vocabulary.commands import Authorize, GatewayRef, SecurityGroupTarget

UNKNOWN = "unknown"
RECOVERED_REQUESTER = Actor(org_id=UNKNOWN, team_id=UNKNOWN, user_id=UNKNOWN)
"""Not a Slack id, so it is shown as plain text and never matches a person."""


@dataclass(frozen=True)
class FoundGrant:
    """One request's rules on one gateway, as the descriptions tell them."""

    request_id: str
    region_id: str
    gateway: Gateway
    rules: tuple[GatewayRule, ...]  # one per (group, port range): the oldest record
    until: datetime | None  # None: permanent


@dataclass(frozen=True)
class Recovery:
    """What ``recover`` did: grants written back, and ids Redis already held (left alone)."""

    restored: tuple[FoundGrant, ...]
    already_stored: tuple[str, ...]


async def find_grants(
    clouds: Iterable[CloudPort], gateway_ids: Sequence[str] | None = None
) -> list[FoundGrant]:
    """Every grant the rule descriptions name, on every gateway of each cloud (one per
    region), or only on ``gateway_ids``."""
    found: list[FoundGrant] = []
    for cloud in clouds:
        ids = gateway_ids
        if ids is None:
            # An empty name filter matches every gateway of the region.
            ids = [summary.unique_id for summary in await cloud.find_gateways_by_name("")]
        for gateway_id in sorted(set(ids)):
            gateway = await cloud.get_gateway(gateway_id)
            found.extend(_grants_on(cloud.region_id, gateway, await cloud.list_rules(gateway_id)))
    return found


def _grants_on(region_id: str, gateway: Gateway, rules: list[GatewayRule]) -> list[FoundGrant]:
    by_request: dict[str, dict[tuple[str, int, int], GatewayRule]] = {}
    ends: dict[str, list[datetime | None]] = {}
    for rule in sorted(rules, key=lambda r: r.rule_id):
        parsed = parse_description(rule.description)
        if parsed is None:
            continue
        place = (rule.security_group_id, rule.ports.start, rule.ports.end)
        by_request.setdefault(parsed.request_id, {}).setdefault(place, rule)
        ends.setdefault(parsed.request_id, []).append(parsed.until)
    return [
        FoundGrant(request_id, region_id, gateway, tuple(held.values()), _latest(ends[request_id]))
        for request_id, held in sorted(by_request.items())
    ]


def _latest(ends: list[datetime | None]) -> datetime | None:
    """The end that never cuts a grant short: permanent if any rule says so."""
    if any(end is None for end in ends):
        return None
    return max(end for end in ends if end is not None)


def rebuilt(found: FoundGrant, now: datetime, *, emulated: bool = False) -> Request:
    """The ``applied`` request ``found`` describes, as far as the cloud tells it."""
    gateway = found.gateway
    ports = merge_port_ranges(rule.ports for rule in found.rules)
    groups = tuple(
        {
            rule.security_group_id: BackendGroup(
                security_group_id=rule.security_group_id,
                name=rule.security_group_name or "",
                group_type="",
                vpc_id=gateway.vpc_id,
            )
            for rule in found.rules
        }.values()
    )
    duration = None
    if found.until is not None:
        # What is left of it, to the minute: when it was granted is not recorded.
        left = math.ceil((found.until - now).total_seconds() / 60)
        duration = timedelta(minutes=max(left, 1))
    command = Authorize(
        gateway=GatewayRef(value=gateway.unique_id),
        target=SecurityGroupTarget(security_group_id=groups[0].security_group_id),
        ports=ports,
        duration=duration,
    )
    ends = f"ends {found.until:%Y-%m-%d %H:%M} UTC" if found.until else "permanent"
    return Request(
        id=found.request_id,
        kind=RequestKind.AUTHORIZE,
        command=command,
        requester=RECOVERED_REQUESTER,
        reply_to=ReplyTo(surface=Surface.DM, channel_id=UNKNOWN),
        intake_key=f"recovered:{found.request_id}",
        created_at=now,
        updated_at=now,
        gateway_id=gateway.unique_id,
        gateway_name=gateway.name,
        region=found.region_id,
        gateway_security_group=gateway.security_group_id,
        groups=groups,
        resolution_path="rebuilt from the rule descriptions in the cloud",
        plan=tuple(
            PlannedRule(
                security_group_id=r.security_group_id, port_range=r.ports, action=RuleAction.ADD
            )
            for r in found.rules
        ),
        ports=ports,
        duration=duration,
        fingerprint=fingerprint(gateway.unique_id, groups, ports, RequestKind.AUTHORIZE),
        state=RequestState.APPLIED,
        state_reason=say("why.recovered", ends=ends),
        grant_expires_at=found.until,
        results=tuple(
            RuleResult(
                security_group_id=r.security_group_id,
                port_range=r.ports,
                outcome=RuleOutcome.CREATED,
                rule_id=r.rule_id,
            )
            for r in found.rules
        ),
        emulated=emulated,
    )


def end_timers(request: Request, now: datetime, warn_before: timedelta) -> tuple[Timer, ...]:
    """The end of a time-bound grant (at once if already past) and its warning, if ahead."""
    ends = request.grant_expires_at
    if ends is None:
        return ()
    timers = [Timer(kind=TimerKind.GRANT_END, request_id=request.id, due=max(ends, now))]
    if ends - warn_before > now:
        timers.append(
            Timer(kind=TimerKind.GRANT_WARN, request_id=request.id, due=ends - warn_before)
        )
    return tuple(timers)


async def restore_grant(
    store: RequestStore, found: FoundGrant, now: datetime, warn_before: timedelta, *, emulated: bool
) -> bool:
    """Write ``found`` back; False when Redis already holds its request id (nothing changed)."""
    if await store.get(found.request_id) is not None:
        return False
    request = rebuilt(found, now, emulated=emulated)
    # Owners and creators first: a crash before the request is written leaves owners that name
    # no live request, which count for nothing and are written again by the next run.
    for rule in found.rules:
        key = RuleKey(found.gateway.unique_id, rule.security_group_id, rule.ports)
        await store.work.add_owner(key, request.id)
        await store.work.record_creator(found.gateway.unique_id, rule.rule_id, request.id)
    timers = end_timers(request, now, warn_before)
    return await store.restore(request, Effects(set_timers=timers))


async def recover(
    store: RequestStore,
    clouds: Iterable[CloudPort],
    now: datetime,
    warn_before: timedelta,
    *,
    gateway_ids: Sequence[str] | None = None,
    emulated: bool = False,
) -> Recovery:
    """Rebuild every grant the clouds' rule descriptions name that Redis does not hold."""
    restored: list[FoundGrant] = []
    kept: list[str] = []
    for found in await find_grants(clouds, gateway_ids):
        done = await restore_grant(store, found, now, warn_before, emulated=emulated)
        if done:
            restored.append(found)
        else:
            kept.append(found.request_id)
    return Recovery(tuple(restored), tuple(kept))
