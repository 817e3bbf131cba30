"""The approval request: one frozen pydantic model that every layer reads and the store persists.

A ``Request`` is created when a change command arrives from Slack, filled in by resolution
(gateway, backend groups, plan, risk), decided by approvers and finally applied by the worker.
The Redis store saves ``request.model_dump_json()`` and loads ``Request.model_validate_json()``;
the round-trip is exact. Requests never change in place: ``evolve`` and the ``with_*`` helpers
return validated copies, and state moves go through ``approvals.machine.transition``.
Value types live in ``approvals.values`` and are re-exported here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from approvals.policy_note import PolicyNote
from approvals.values import (
    Actor,
    BackendGroup,
    BackendRule,
    CardRef,
    Decision,
    EndProgress,
    Frozen,
    PlannedRule,
    ReplyTo,
    RiskFlag,
    RuleAction,
    RuleOutcome,
    RuleResult,
    Surface,
    UtcDatetime,
    Verdict,
)
from vocabulary.commands import (
    REQUEST_ID_RE,
    Authorize,
    PortRange,
    RevokeRequest,
    RevokeRule,
    RevokeTarget,
    merge_port_ranges,
)

__all__ = [
    "Actor",
    "BackendGroup",
    "BackendRule",
    "CardRef",
    "ChangeCommandField",
    "Decision",
    "EndProgress",
    "PlannedRule",
    "PolicyNote",
    "ReplyTo",
    "Request",
    "RequestKind",
    "RequestState",
    "RiskFlag",
    "RuleAction",
    "RuleOutcome",
    "RuleResult",
    "Surface",
    "UtcDatetime",
    "Verdict",
    "fingerprint",
    "kind_of",
    "merge_port_ranges",
]


class RequestState(StrEnum):
    """Where a request is in its life; ``approvals.machine.TRANSITIONS`` says what may follow."""

    RECEIVED = "received"  # stored from Slack; nothing looked up yet
    RESOLVING = "resolving"  # looking up gateway, backend groups and existing rules
    PENDING = "pending"  # approval card posted; waiting for approvers until expires_at
    REJECTED = "rejected"  # refused before approval (bad target, pre-flight); state_reason says why
    APPROVED = "approved"  # quorum reached; waiting for the worker
    APPLYING = "applying"  # the worker is calling the cloud
    APPLIED = "applied"  # every planned rule is in place (or removed, for a revoke)
    PARTLY_APPLIED = "partly_applied"  # a grant holds the rules it made; the cloud refused the rest
    FAILED = "failed"  # the cloud refused the plan, nothing held; an approver may retry or cancel
    DENIED = "denied"  # an approver said no
    EXPIRED = "expired"  # nobody decided before expires_at
    CANCELLED = "cancelled"  # the requester withdrew it, or a failed one was given up
    REVOKING = "revoking"  # removing the rules of an applied grant (time limit or revoke)
    REVOKED = "revoked"  # the grant's rules are gone


class RequestKind(StrEnum):
    AUTHORIZE = "authorize"  # open ports
    REVOKE = "revoke"  # close ports, delete a rule, or end an earlier request's grant


ChangeCommandField = Annotated[
    Authorize | RevokeTarget | RevokeRule | RevokeRequest, Field(discriminator="kind")
]
"""A ``vocabulary.commands`` change command, decoded by its ``kind``."""


def kind_of(command: Authorize | RevokeTarget | RevokeRule | RevokeRequest) -> RequestKind:
    return RequestKind.AUTHORIZE if isinstance(command, Authorize) else RequestKind.REVOKE


def fingerprint(
    gateway_id: str, groups: Iterable[BackendGroup], ports: Iterable[PortRange], kind: RequestKind
) -> str:
    """A stable key for "the same change": same kind, gateway, groups and ports in any order.

    Ports are merged first, so ``80,81`` and ``80-81`` match. A second identical pending request
    finds the first through this key.
    """
    group_ids = ",".join(sorted({group.security_group_id for group in groups}))
    port_text = ",".join(port.mse for port in merge_port_ranges(ports))
    canonical = f"{kind.value}|{gateway_id}|{group_ids}|{port_text}"
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


class Request(Frozen):
    """One change asked for in Slack, from receipt to its end; see ``RequestState``."""

    id: str = Field(pattern=f"^{REQUEST_ID_RE.pattern}$")
    kind: RequestKind
    command: ChangeCommandField
    requester: Actor
    reply_to: ReplyTo
    intake_key: str = Field(min_length=1)  # dedupe key of the Slack message it came from
    created_at: UtcDatetime
    updated_at: UtcDatetime

    # Filled in by resolution.
    gateway_id: str | None = None
    gateway_name: str | None = None
    # The gateway's region. A request stored before regions existed has none and belongs to
    # the default region: a store that knows it fills it in on read.
    region: str | None = Field(default=None, validate_default=True)
    gateway_security_group: str | None = None
    groups: tuple[BackendGroup, ...] = ()
    resolution_path: str | None = None  # how the target led to the groups, shown on the card
    plan: tuple[PlannedRule, ...] = ()
    ports: tuple[PortRange, ...] = ()
    duration: timedelta | None = None  # None: permanent grant
    reason: str | None = None
    risk_flags: tuple[RiskFlag, ...] = ()
    required_approvals: int = Field(default=1, ge=1)
    fingerprint: str | None = None

    state: RequestState = RequestState.RECEIVED
    state_reason: str | None = None  # why it was rejected, failed, expired, cancelled...
    decisions: tuple[Decision, ...] = ()
    expires_at: UtcDatetime | None = None  # pending deadline
    grant_expires_at: UtcDatetime | None = None  # when a time-bound grant is revoked
    end: EndProgress | None = None  # set while the cloud refuses to remove the grant's rules
    results: tuple[RuleResult, ...] = ()
    card: CardRef | None = None
    incident_id: str | None = None
    # Filled from the policy file (``approvals.policy_decide``).
    requester_full_member: bool = False  # never auto-approve unless known to be one
    requester_groups: tuple[str, ...] = ()  # policy user groups the requester was in
    policy: PolicyNote | None = None
    approver_group: str | None = None  # the deciding rule's approvers, replacing the defaults
    extends: str | None = None  # the grant an extension request would lengthen
    extensions: int = Field(default=0, ge=0)  # extensions applied to this grant
    version: int = Field(default=0, ge=0)  # bumped by every store write; compare-and-set token
    emulated: bool = False  # applied against the cloud emulator, not Alibaba Cloud

    @field_validator("region", mode="before")
    @classmethod
    def _default_region(cls, value: object, info: ValidationInfo) -> object:
        if value is None and isinstance(info.context, dict):
            return info.context.get("default_region")
        return value

    @model_validator(mode="after")
    def _kind_matches_command(self) -> Request:
        expected = kind_of(self.command)
        if expected is not self.kind:
            raise ValueError(f"a {self.command.kind} command makes a {expected} request")
        return self

    @property
    def approvers(self) -> tuple[Actor, ...]:
        """Distinct people who approved, in the order they did."""
        seen: list[Actor] = []
        for decision in self.decisions:
            if decision.verdict is Verdict.APPROVE and decision.actor not in seen:
                seen.append(decision.actor)
        return tuple(seen)

    @property
    def end_due(self) -> datetime | None:
        """When the grant's end is next to be attempted: its end, or the retry after a refusal."""
        if self.grant_expires_at is None:
            return None
        return self.end.next_attempt_at if self.end is not None else self.grant_expires_at

    def has_approved(self, actor: Actor) -> bool:
        return actor in self.approvers

    def evolve(self, **changes: Any) -> Request:
        """A validated copy with ``changes``; unknown field names and bad values raise."""
        return Request.model_validate({**dict(self), **changes})

    def with_decision(self, decision: Decision) -> Request:
        return self.evolve(decisions=(*self.decisions, decision))

    def with_results(self, results: Iterable[RuleResult]) -> Request:
        return self.evolve(results=tuple(results))

    def with_card(self, card: CardRef) -> Request:
        return self.evolve(card=card)
