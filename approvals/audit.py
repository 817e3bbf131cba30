"""The audit trail: state changes, decisions, cloud writes and refusals, one stream entry each.

Four kinds of entry (``AuditEvent``), each also written as one log line:

* ``state``: a request moved from one state to another (the commit script appends it in the
  same atomic step as the change);
* ``decision``: one approver's approve or deny, with its time and reason, in the commit that
  records it, so a two-approver request shows both approvers;
* ``cloud_write``: an add or delete sgbot sent to MSE, with the cloud's request id, appended
  once the cloud answered;
* ``refused``: the policy refused someone something (to ask, decide, cancel, read…).

Entries are trimmed to about ``maxlen`` (``MAXLEN ~``). ``AuditLog.read`` serves ``sgbot
audit``: entries from a moment on, optionally for one gateway. Fields are plain strings (lists
comma-joined) so ``XRANGE`` output is readable by hand; entries written before ``event``
existed read as state changes. Nothing secret is recorded: no ``response_url``, no tokens.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from approvals.connect import RedisClient
from approvals.model import Actor, Decision, Request, RequestState

logger = logging.getLogger(__name__)
SYSTEM_ACTOR = "sgbot"
_READ_BATCH = 500


class AuditEvent(StrEnum):
    STATE = "state"  # a request changed state
    DECISION = "decision"  # an approver approved or denied
    CLOUD_WRITE = "cloud_write"  # sgbot added or deleted a rule in the cloud
    REFUSED = "refused"  # the policy refused a person something
    DRIFT = "drift"  # an approver settled a drift item (``approvals.drift_desk``)


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    entry_id: str
    event: AuditEvent
    at: datetime
    actor: str  # "<org>:<user>" of a person, or "sgbot" for the bot itself
    request_id: str  # "" for a refusal that named no request
    from_state: str  # "" when the request was just created, or for other events
    to_state: RequestState | None  # None for events other than a state change
    gateway_id: str
    region: str = ""  # the gateway's region; "" in entries written before regions
    groups: tuple[str, ...]
    ports: tuple[str, ...]
    cloud_request_ids: tuple[str, ...]
    reason: str
    detail: str  # the verdict, the write ("add rule 5", "delete rule 5 keeping sgr-…"), the act


def actor_label(actor: Actor | None) -> str:
    return SYSTEM_ACTOR if actor is None else f"{actor.org_id}:{actor.user_id}"


def _fields(
    event: AuditEvent, at: datetime, actor: str, request_id: str, **rest: str
) -> dict[str, str]:
    fields = {
        "event": event.value,
        "at": at.astimezone(UTC).isoformat(),
        "actor": actor,
        "request_id": request_id,
        "from_state": "",
        "to_state": "",
        "gateway_id": "",
        "region": "",
        "groups": "",
        "ports": "",
        "cloud_request_ids": "",
        "reason": "",
        "detail": "",
    }
    fields.update(rest)
    return fields


def audit_fields(before: Request | None, after: Request, actor: Actor | None) -> dict[str, str]:
    """The stream fields recording the move from ``before`` (None: creation) to ``after``."""
    cloud_ids = [result.cloud_request_id for result in after.results if result.cloud_request_id]
    return _fields(
        AuditEvent.STATE,
        after.updated_at,
        actor_label(actor),
        after.id,
        from_state=before.state.value if before is not None else "",
        to_state=after.state.value,
        gateway_id=after.gateway_id or "",
        region=after.region or "",
        groups=",".join(group.security_group_id for group in after.groups),
        ports=",".join(str(port) for port in after.ports),
        cloud_request_ids=",".join(cloud_ids),
        reason=after.state_reason or "",
        # The policy's ruling is recorded once, with the move it came with.
        detail=_policy_detail(before, after),
    )


def _policy_detail(before: Request | None, after: Request) -> str:
    if after.policy is None or (before is not None and before.policy == after.policy):
        return ""
    return f"policy: {after.policy.text_in('en')}"


def decision_fields(after: Request, decision: Decision) -> dict[str, str]:
    """One approver's decision on ``after`` (the request with it recorded)."""
    progress = f"{len(after.approvers)} of {after.required_approvals} approvals"
    return _fields(
        AuditEvent.DECISION,
        decision.at,
        actor_label(decision.actor),
        after.id,
        gateway_id=after.gateway_id or "",
        region=after.region or "",
        groups=",".join(group.security_group_id for group in after.groups),
        ports=",".join(str(port) for port in after.ports),
        reason=decision.reason or "",
        detail=f"{decision.verdict.value}; {progress}",
    )


def write_fields(
    request_id: str, gateway_id: str, group_id: str, ports: str, *,
    at: datetime, what: str, cloud_request_id: str | None,
) -> dict[str, str]:  # fmt: skip
    """A rule write sgbot sent on behalf of ``request_id``; ``what`` says which."""
    return _fields(
        AuditEvent.CLOUD_WRITE,
        at,
        SYSTEM_ACTOR,
        request_id,
        gateway_id=gateway_id,
        groups=group_id,
        ports=ports,
        cloud_request_ids=cloud_request_id or "",
        detail=what,
    )


def refusal_fields(
    actor: Actor, doing: str, reason: str, *, at: datetime, request_id: str = ""
) -> dict[str, str]:
    """The policy refused ``actor`` ``doing`` (e.g. "approve REQ-…", "read list rules")."""
    return _fields(
        AuditEvent.REFUSED, at, actor_label(actor), request_id, reason=reason, detail=doing
    )


def drift_fields(
    actor: Actor, item_id: str, gateway_id: str, group_id: str, ports: str, *,
    at: datetime, what: str, request_id: str = "",
) -> dict[str, str]:  # fmt: skip
    """An approver's button on drift item ``item_id``; ``request_id`` is what it asked for."""
    return _fields(
        AuditEvent.DRIFT, at, actor_label(actor), request_id,
        gateway_id=gateway_id, groups=group_id, ports=ports, detail=f"{item_id}: {what}",
    )  # fmt: skip


def log_entry(fields: dict[str, str]) -> None:
    if fields["event"] == AuditEvent.STATE:
        logger.info(
            "request %s %s -> %s by %s gateway=%s groups=%s ports=%s",
            fields["request_id"],
            fields["from_state"] or "new",
            fields["to_state"],
            fields["actor"],
            fields["gateway_id"] or "-",
            fields["groups"] or "-",
            fields["ports"] or "-",
            extra={"request_id": fields["request_id"], "gateway": fields["gateway_id"] or None},
        )
        return
    logger.info(
        "%s %s by %s request=%s gateway=%s cloud_request_id=%s reason=%s",
        fields["event"],
        fields["detail"],
        fields["actor"],
        fields["request_id"] or "-",
        fields["gateway_id"] or "-",
        fields["cloud_request_ids"] or "-",
        fields["reason"] or "-",
        extra={"request_id": fields["request_id"], "gateway": fields["gateway_id"] or None},
    )


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def _entry(entry_id: str, fields: dict[str, str]) -> AuditEntry:
    return AuditEntry(
        entry_id=entry_id,
        event=AuditEvent(fields.get("event") or AuditEvent.STATE),
        at=datetime.fromisoformat(fields["at"]),
        actor=fields["actor"],
        request_id=fields["request_id"],
        from_state=fields["from_state"],
        to_state=RequestState(fields["to_state"]) if fields["to_state"] else None,
        gateway_id=fields["gateway_id"],
        region=fields.get("region", ""),
        groups=_split(fields["groups"]),
        ports=_split(fields["ports"]),
        cloud_request_ids=_split(fields["cloud_request_ids"]),
        reason=fields["reason"],
        detail=fields.get("detail", ""),
    )


class AuditLog:
    """Reads the audit stream ``stream``; appends the entries no commit carries."""

    def __init__(self, client: RedisClient, stream: str, maxlen: int = 100_000) -> None:
        self._client = client
        self.stream = stream
        self._maxlen = maxlen

    async def append(self, fields: dict[str, str]) -> None:
        """Log one entry (a cloud write, a refusal) and append it; the log line comes first, so
        it stays even when Redis is away."""
        log_entry(fields)
        entry: dict[Any, Any] = fields
        await self._client.xadd(self.stream, entry, maxlen=self._maxlen, approximate=True)

    async def read(
        self, since: datetime | None = None, gateway_id: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Oldest first, entries made at or after ``since``, at most ``limit`` entries.

        ``since`` compares with each entry's own time (a change's ``updated_at``, a decision's
        time), not the server's append time, so it agrees with the times shown on requests.
        """
        start = "-"
        found: list[AuditEntry] = []
        while len(found) < limit:
            batch: list[tuple[str, dict[str, str]]] = await self._client.xrange(  # type: ignore[assignment]
                self.stream, min=start, count=_READ_BATCH
            )
            for entry_id, fields in batch:
                entry = _entry(entry_id, fields)
                if (gateway_id is None or entry.gateway_id == gateway_id) and (
                    since is None or entry.at >= since.astimezone(UTC)
                ):
                    found.append(entry)
            if len(batch) < _READ_BATCH:
                break
            start = f"({batch[-1][0]}"
        return found[:limit]
