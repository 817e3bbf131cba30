"""The audit trail: one stream entry and one log line per request state change.

The commit script appends ``audit_fields`` to ``{p}:audit`` in the same atomic step as the
change, trimmed to about ``maxlen`` entries (``MAXLEN ~``). ``AuditLog.read`` serves
``sgbot audit``: entries from a moment on, optionally for one gateway. Fields are plain strings
(lists comma-joined) so ``XRANGE`` output is readable by hand. Nothing secret is recorded: no
``response_url``, no tokens.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from approvals.connect import RedisClient
from approvals.model import Actor, Request, RequestState

logger = logging.getLogger(__name__)
SYSTEM_ACTOR = "sgbot"
_READ_BATCH = 500


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    entry_id: str
    at: datetime
    actor: str  # "<org>:<user>" of a person, or "sgbot" for the bot itself
    request_id: str
    from_state: str  # "" when the request was just created
    to_state: RequestState
    gateway_id: str
    groups: tuple[str, ...]
    ports: tuple[str, ...]
    cloud_request_ids: tuple[str, ...]
    reason: str


def actor_label(actor: Actor | None) -> str:
    return SYSTEM_ACTOR if actor is None else f"{actor.org_id}:{actor.user_id}"


def audit_fields(before: Request | None, after: Request, actor: Actor | None) -> dict[str, str]:
    """The stream fields recording the move from ``before`` (None: creation) to ``after``."""
    cloud_ids = [result.cloud_request_id for result in after.results if result.cloud_request_id]
    return {
        "at": after.updated_at.isoformat(),
        "actor": actor_label(actor),
        "request_id": after.id,
        "from_state": before.state.value if before is not None else "",
        "to_state": after.state.value,
        "gateway_id": after.gateway_id or "",
        "groups": ",".join(group.security_group_id for group in after.groups),
        "ports": ",".join(str(port) for port in after.ports),
        "cloud_request_ids": ",".join(cloud_ids),
        "reason": after.state_reason or "",
    }


def log_transition(fields: dict[str, str]) -> None:
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


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def _entry(entry_id: str, fields: dict[str, str]) -> AuditEntry:
    return AuditEntry(
        entry_id=entry_id,
        at=datetime.fromisoformat(fields["at"]),
        actor=fields["actor"],
        request_id=fields["request_id"],
        from_state=fields["from_state"],
        to_state=RequestState(fields["to_state"]),
        gateway_id=fields["gateway_id"],
        groups=_split(fields["groups"]),
        ports=_split(fields["ports"]),
        cloud_request_ids=_split(fields["cloud_request_ids"]),
        reason=fields["reason"],
    )


class AuditLog:
    """Reads the audit stream ``stream``."""

    def __init__(self, client: RedisClient, stream: str) -> None:
        self._client = client
        self.stream = stream

    async def read(
        self, since: datetime | None = None, gateway_id: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Oldest first, changes made at or after ``since``, at most ``limit`` entries.

        ``since`` compares with each change's own time (the request's ``updated_at``), not the
        server's append time, so it agrees with the times shown on requests.
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
