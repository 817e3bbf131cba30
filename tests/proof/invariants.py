"""The promises every proof run is held to, checked from the outside after the run settles.

Six invariants, read from what the deployment left behind (the Redis store, the emulator's
state, the local Slack's messages) rather than from the bot's own logs:

* nothing lost: every request id a replica acknowledged is stored and settled: applied,
  rejected, denied, expired, cancelled, revoked, or failed with a reason;
* nothing unapproved: every rule the run added to the cloud (MSE gateway rule or ECS inbound
  permission) belongs to an authorize request that an approver approved;
* nothing twice: one MSE record per (gateway, group, port range), one inbound permission per
  (group, source group, port range); and every applied request's rules are in place;
* everyone told: each requester heard the final outcome (a DM, or the slash command's
  response URL for a request rejected before approval);
* access closes on time: no time-bound grant outlives its end by more than the bound (the
  sweep interval plus the claim idle plus the time Redis was unavailable, plus a few seconds
  for the delete itself) unless it is marked "end overdue";
* nothing sgbot did not create is deleted: every inbound rule the backend groups had before
  the run is still there.

``record_summary`` writes a run's figures to ``artifacts/proof/<name>.json`` for the README.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from approvals.connect import connect
from approvals.model import Request, RequestKind, RequestState
from approvals.results import StoreConfig
from approvals.store import RequestStore
from standins.slack import LocalSlack
from standins.slack.directory import dm_channel_id
from tests.slack.scenario import text_of
from vocabulary.durations import parse_duration

_S = RequestState
SETTLED = frozenset(
    {_S.APPLIED, _S.PARTLY_APPLIED, _S.REJECTED, _S.DENIED, _S.FAILED, _S.EXPIRED, _S.CANCELLED}
)
SETTLED_OR_REVOKED = SETTLED | {_S.REVOKED}
# What the requester's final message starts with, per state (handlers.blocks_messages).
OUTCOME_MARKS = {
    _S.APPLIED: ":white_check_mark:",
    _S.PARTLY_APPLIED: ":warning:",
    _S.REJECTED: ":no_entry:",
    _S.DENIED: ":no_entry_sign:",
    _S.FAILED: ":x:",
    _S.EXPIRED: ":hourglass:",
    _S.CANCELLED: "was cancelled",
}
SUMMARY_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "proof"

RuleKey = tuple[str, str, str]  # gateway id, backend group, MSE port range


@dataclass(frozen=True)
class Acked:
    """A request a replica acknowledged, and where its requester asked."""

    requester: str
    response_url: str


@asynccontextmanager
async def _store(redis_url: str, prefix: str) -> AsyncIterator[RequestStore]:
    client = connect(redis_url)
    try:
        yield RequestStore(client, StoreConfig(prefix=prefix))
    finally:
        await client.aclose()
        # A Sentinel-backed client keeps connections to the Sentinels apart from its pool.
        manager = getattr(getattr(client, "connection_pool", None), "sentinel_manager", None)
        for sentinel in getattr(manager, "sentinels", ()):
            await sentinel.aclose()


async def _stored(redis_url: str, prefix: str) -> dict[str, Request]:
    async with _store(redis_url, prefix) as store:
        ids = [str(member) for member in await store.client.zrange(store.keys.history, 0, -1)]
        return {request.id: request for request in await store.get_many(ids)}


def stored_requests(redis_url: str, prefix: str) -> dict[str, Request]:
    """Every request in the store under ``prefix``, by id."""
    return asyncio.run(_stored(redis_url, prefix))


async def _one(redis_url: str, prefix: str, request_id: str) -> Request | None:
    async with _store(redis_url, prefix) as store:
        return await store.get(request_id)


def stored_request(redis_url: str, prefix: str, request_id: str) -> Request | None:
    return asyncio.run(_one(redis_url, prefix, request_id))


def lost_or_stuck(acked: Mapping[str, Acked], requests: Mapping[str, Request]) -> list[str]:
    problems = []
    for request_id in sorted(acked):
        request = requests.get(request_id)
        if request is None:
            problems.append(f"{request_id} was acknowledged but is not stored")
        elif request.state not in SETTLED_OR_REVOKED:
            problems.append(f"{request_id} is stuck in {request.state}")
        elif request.state in {_S.FAILED, _S.PARTLY_APPLIED} and not _failure_reason(request):
            problems.append(f"{request_id} failed without a reason")
    return problems


def _failure_reason(request: Request) -> str:
    errors = [result.error for result in request.results if result.error]
    return request.state_reason or "; ".join(errors)


def _approved_rule_keys(requests: Iterable[Request]) -> set[RuleKey]:
    keys: set[RuleKey] = set()
    for request in requests:
        if request.kind is not RequestKind.AUTHORIZE or not request.approvers:
            continue
        for group in request.groups:
            for ports in request.ports:
                keys.add((request.gateway_id or "", group.security_group_id, ports.mse))
    return keys


def _mse_rules(state: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [rule for rules in state["mse_rules"].values() for rule in rules]


def _mse_key(rule: Mapping[str, Any]) -> RuleKey:
    return (rule["gateway_unique_id"], rule["security_group_id"], rule["port_range"])


def _permissions(state: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(sg, p) for sg, perms in state["security_groups"].items() for p in perms]


def _permission_key(group: str, permission: Mapping[str, Any]) -> tuple[str, ...]:
    return (
        group,
        str(permission.get("source_group_id") or permission.get("source_cidr_ip")),
        str(permission["port_range"]),
        str(permission.get("ip_protocol", "TCP")),
    )


def cloud_problems(
    baseline: Mapping[str, Any],
    state: Mapping[str, Any],
    requests: Mapping[str, Request],
    gateway_groups: Mapping[str, str],
) -> list[str]:
    """Unapproved, duplicated or missing rules; ``gateway_groups`` maps gateway id -> its sg."""
    problems = []
    approved = _approved_rule_keys(requests.values())
    old_rule_ids = {rule["id"] for rule in _mse_rules(baseline)}
    mse_now = _mse_rules(state)
    for rule in mse_now:
        if rule["id"] not in old_rule_ids and _mse_key(rule) not in approved:
            problems.append(f"MSE rule {rule} has no approved request")
    for key, count in Counter(_mse_key(rule) for rule in mse_now).items():
        if count > 1:
            problems.append(f"{count} MSE records for {key}")
    group_to_gateway = {group: gateway for gateway, group in gateway_groups.items()}
    old_permissions = {_permission_key(g, p) for g, p in _permissions(baseline)}
    permissions_now = [_permission_key(g, p) for g, p in _permissions(state)]
    for permission in permissions_now:
        group, source, ports, _ = permission
        expected = (group_to_gateway.get(source, "?"), group, ports)
        if permission not in old_permissions and expected not in approved:
            problems.append(f"inbound permission {permission} has no approved request")
    for permission, count in Counter(permissions_now).items():
        if count > 1:
            problems.append(f"{count} inbound permissions for {permission}")
    present = {_mse_key(rule) for rule in mse_now}
    for request in requests.values():
        if request.state is _S.APPLIED and request.kind is RequestKind.AUTHORIZE:
            for backend in request.groups:
                for wanted in request.ports:
                    key = (request.gateway_id or "", backend.security_group_id, wanted.mse)
                    if key not in present:
                        problems.append(f"{request.id} is applied but {key} is missing")
    return problems


# Time to delete a grant's rules and record it once a worker acts on its end; the bound of the
# "access closes on time" invariant adds it to the sweep interval, claim idle and Redis downtime.
END_HANDLING_ALLOWANCE = timedelta(seconds=5)


class Deployment(Protocol):
    env: dict[str, str]
    redis_down_seconds: float


def end_bound(deployment: Deployment) -> timedelta:
    """How long past its end a grant may hold its rules in ``deployment``."""
    sweep = parse_duration(deployment.env.get("SGBOT_SWEEP_EVERY", "1m"))
    claim_idle = parse_duration(deployment.env["SGBOT_JOB_CLAIM_IDLE"])
    down = timedelta(seconds=deployment.redis_down_seconds)
    return sweep + claim_idle + down + END_HANDLING_ALLOWANCE


def late_grants(
    requests: Mapping[str, Request], now: datetime, bound: timedelta
) -> tuple[list[str], list[float]]:
    """Grants that outlived their end by more than ``bound``, and every ended grant's lateness
    in seconds (time from its end to its rules being gone)."""
    problems: list[str] = []
    lateness: list[float] = []
    for request in requests.values():
        ends = request.grant_expires_at
        if request.kind is not RequestKind.AUTHORIZE or ends is None:
            continue
        if request.state is _S.REVOKED:
            late = (request.updated_at - ends).total_seconds()
            lateness.append(late)
            if late > bound.total_seconds():
                problems.append(f"{request.id} ended {late:.1f} s after its end (bound {bound})")
        elif now - ends > bound:
            overdue = request.end is not None and request.end.overdue_since is not None
            if not overdue:
                problems.append(
                    f"{request.id} is {request.state} {(now - ends).total_seconds():.0f} s "
                    "after its end, and not marked end overdue"
                )
    return problems, lateness


def preexisting_rules_deleted(baseline: Mapping[str, Any], state: Mapping[str, Any]) -> list[str]:
    """Inbound rules the backend groups had before the run that are gone now."""
    now = {p.get("security_group_rule_id") for _, p in _permissions(state)}
    return [
        f"inbound rule {p.get('security_group_rule_id')} of {group} existed before the run and "
        "was deleted"
        for group, p in _permissions(baseline)
        if p.get("security_group_rule_id") not in now
    ]


def untold(
    slack: LocalSlack, acked: Mapping[str, Acked], requests: Mapping[str, Request]
) -> list[str]:
    problems = []
    for request_id, asked in sorted(acked.items()):
        request = requests.get(request_id)
        if request is None or request.state not in SETTLED:
            continue  # reported by lost_or_stuck
        heard = [text_of(m) for m in slack.messages(dm_channel_id(asked.requester))]
        heard += [text_of(m) for m in slack.responses(asked.response_url)]
        mark = OUTCOME_MARKS[request.state]
        if not any(request_id in text and mark in text for text in heard):
            problems.append(f"{asked.requester} was not told that {request_id} is {request.state}")
    return problems


def record_summary(name: str, figures: Mapping[str, Any]) -> Path:
    """Write the run's figures as JSON; the proof suites call it once per test."""
    SUMMARY_DIR.mkdir(parents=True, exist_ok=True)
    path = SUMMARY_DIR / f"{name}.json"
    path.write_text(json.dumps(dict(figures), indent=2, sort_keys=True, default=str) + "\n")
    return path
