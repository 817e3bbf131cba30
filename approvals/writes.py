"""Turns one request change into the arguments of the ``COMMIT`` script.

``ScriptPlan`` collects the keys a commit touches (numbered for the script's KEYS) and the
guards and operations to run on them. ``plan_commit`` decides, from the request before and
after, which indexes, timers and streams change: the Python side knows the model, the script
only executes. Pure: no I/O, so the rules below are the whole story of how indexes move:

* new request: ``live``, ``history`` and the requester's index; the gateway index once known;
* entering ``pending``: the ``pending`` zset by deadline;
* leaving ``pending``: out of ``pending``, its fingerprint key released, expiry and reminder
  timers cleared;
* a time-bound grant holding rules (``applied`` or ``partly_applied``): in ``grant_ends``,
  scored by when its end is next due, so the sweep finds every overdue grant from the requests'
  own record; out of it once the grant stops holding rules;
* reaching a terminal state: out of ``live``, every timer cleared, the hash given a TTL;
* every new decision, then a change of state, appends an audit entry (``approvals.audit``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from approvals.audit import audit_fields, decision_fields
from approvals.effects import Effects, TimerKind, timer_member
from approvals.keys import Keys
from approvals.machine import HOLDING, TERMINAL
from approvals.model import Actor, Request, RequestState
from approvals.streams import FIELD

_PENDING_TIMERS = (TimerKind.EXPIRE, TimerKind.REMIND)


def epoch(instant: datetime) -> float:
    return instant.timestamp()


def epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


@dataclass(frozen=True)
class Limits:
    """Sizes and lifetimes the store was configured with."""

    history_length: int
    audit_maxlen: int
    retention_ms: int


@dataclass
class ScriptPlan:
    """KEYS and the guard/operation lists for one ``COMMIT`` call."""

    request_key: str
    keys: list[str] = field(default_factory=list)
    guards: list[list[str]] = field(default_factory=list)
    ops: list[list[str]] = field(default_factory=list)
    _positions: dict[str, str] = field(default_factory=dict)  # key -> its 1-based KEYS index

    def __post_init__(self) -> None:
        self.index(self.request_key)

    def index(self, key: str) -> str:
        position = self._positions.get(key)
        if position is None:
            self.keys.append(key)
            position = self._positions[key] = str(len(self.keys))
        return position

    def guard(self, name: str, key: str, *args: str) -> None:
        self.guards.append([name, self.index(key), *args])

    def op(self, name: str, key: str, *args: str) -> None:
        self.ops.append([name, self.index(key), *args])

    def zadd(self, key: str, score: float, member: str) -> None:
        self.op("zadd", key, repr(score), member)

    def xadd(self, key: str, fields: dict[str, str], maxlen: int = 0) -> None:
        flat = [part for pair in fields.items() for part in pair]
        self.op("xadd", key, str(maxlen), *flat)

    def argv(self, expected_version: int, request_json: str, ttl_ms: int) -> list[str]:
        plan = json.dumps({"guards": self.guards, "ops": self.ops})
        return [str(expected_version), request_json, str(ttl_ms), plan]


@dataclass
class CommitPlan:
    """A script plan, the TTL of the request hash (0: none) and the audit entries it appends."""

    script: ScriptPlan
    ttl_ms: int
    audits: list[dict[str, str]]


def _index_new(plan: ScriptPlan, keys: Keys, limits: Limits, after: Request) -> None:
    created = epoch(after.created_at)
    plan.zadd(keys.live, created, after.id)
    for index in (keys.history, keys.user_index(after.requester.org_id, after.requester.user_id)):
        plan.zadd(index, created, after.id)
        plan.op("ztrim", index, str(limits.history_length))


def _index_grant_end(plan: ScriptPlan, keys: Keys, before: Request | None, after: Request) -> None:
    due = after.end_due
    if after.state in HOLDING and due is not None:
        if before is None or before.state not in HOLDING or before.end_due != due:
            plan.zadd(keys.grant_ends, epoch(due), after.id)
    elif before is not None and before.state in HOLDING and before.end_due is not None:
        plan.op("zrem", keys.grant_ends, after.id)


def plan_commit(
    keys: Keys,
    limits: Limits,
    before: Request | None,
    after: Request,
    effects: Effects,
    *,
    actor: Actor | None,
) -> CommitPlan:
    """How to write ``after`` over ``before`` (None: a new request) with ``effects``."""
    plan = ScriptPlan(keys.request(after.id))
    if before is None:
        _index_new(plan, keys, limits, after)
    if after.gateway_id and (before is None or before.gateway_id != after.gateway_id):
        gateway_index = keys.gateway_index(after.gateway_id)
        plan.zadd(gateway_index, epoch(after.created_at), after.id)
        plan.op("ztrim", gateway_index, str(limits.history_length))
    was_pending = before is not None and before.state is RequestState.PENDING
    is_pending = after.state is RequestState.PENDING
    if is_pending and not was_pending:
        deadline = after.expires_at or after.updated_at
        plan.zadd(keys.pending, epoch(deadline), after.id)
    cleared = list(effects.clear_timers)
    if was_pending and not is_pending:
        plan.op("zrem", keys.pending, after.id)
        if before is not None and before.fingerprint:
            plan.op("del_if", keys.fingerprint(before.fingerprint), after.id)
        cleared.extend(_PENDING_TIMERS)
    _index_grant_end(plan, keys, before, after)
    ttl_ms = 0
    if after.state in TERMINAL:
        plan.op("zrem", keys.live, after.id)
        cleared.extend(TimerKind)
        ttl_ms = limits.retention_ms
    for kind in dict.fromkeys(cleared):
        plan.op("zrem", keys.timers, timer_member(kind, after.id))
    for timer in effects.set_timers:
        plan.zadd(keys.timers, epoch(timer.due), timer.member)
    for job in effects.jobs:
        plan.xadd(keys.jobs, {FIELD: job.model_dump_json()})
    for notification in effects.notifications:
        plan.xadd(keys.outbox, {FIELD: notification.model_dump_json()})
    decided = after.decisions[len(before.decisions) :] if before is not None else ()
    audits = [decision_fields(after, decision) for decision in decided]
    if before is None or before.state is not after.state:
        audits.append(audit_fields(before, after, actor))
    for fields in audits:
        plan.xadd(keys.audit, fields, limits.audit_maxlen)
    return CommitPlan(plan, ttl_ms, audits)
