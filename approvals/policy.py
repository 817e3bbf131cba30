"""The approval policy: who may ask, who may approve, how many approvals a change needs.

Pure functions over facts the Slack layer gathers (``SlackUser`` from ``users.info``) and the
configured ``PolicyConfig``. A refusal raises ``PolicyRefused`` whose message tells the person
what happens instead. Rate limits are counted by the store; only their values live here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from approvals.machine import IllegalTransition, transition
from approvals.model import (
    Actor,
    Decision,
    Request,
    RequestState,
    RiskFlag,
    Verdict,
    merge_port_ranges,
)
from bot.catalogue import say
from vocabulary.commands import MAX_PORT, PortRange
from vocabulary.errors import PolicyRefused

DEFAULT_SENSITIVE_PORTS = frozenset({22, 3389, 3306, 5432, 6379, 9200, 27017})
_ESCALATING_FLAGS = frozenset({RiskFlag.BROAD, RiskFlag.SENSITIVE_PORT, RiskFlag.ALL_PORTS})


class PolicyConfig(BaseModel):
    """Policy values; the settings layer fills them from ``SGBOT_*`` variables."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    home_org_ids: frozenset[str] = Field(min_length=1)  # our workspace and enterprise ids
    approvers: frozenset[str] = frozenset()  # SGBOT_APPROVERS; group members come per call
    broad_ports: int = Field(default=100, ge=1)  # SGBOT_BROAD_PORTS: wider than this is broad
    sensitive_ports: frozenset[int] = DEFAULT_SENSITIVE_PORTS  # SGBOT_SENSITIVE_PORTS
    rate_limit: int = Field(default=10, ge=1)  # SGBOT_RATE_LIMIT requests per window and person
    rate_window: timedelta = timedelta(hours=1)  # SGBOT_RATE_WINDOW
    pending_ttl: timedelta = timedelta(hours=24)  # SGBOT_PENDING_TTL: pending -> expired
    remind_before: timedelta = timedelta(hours=2)  # SGBOT_REMIND_BEFORE the pending deadline
    grant_warn_before: timedelta = timedelta(hours=1)  # SGBOT_GRANT_WARN_BEFORE a grant ends
    end_overdue_after: timedelta = timedelta(minutes=15)  # SGBOT_END_OVERDUE_AFTER: then alert


class SlackUser(BaseModel):
    """What ``users.info`` says about a person, as far as the policy cares."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1)
    team_id: str = Field(min_length=1)
    enterprise_id: str | None = None
    is_bot: bool = False
    is_app_user: bool = False
    deleted: bool = False
    is_restricted: bool = False  # multi-channel guest
    is_ultra_restricted: bool = False  # single-channel guest
    is_stranger: bool = False  # from another organisation, seen through Slack Connect

    @property
    def org_id(self) -> str:
        return self.enterprise_id or self.team_id


def actor_from_user(user: SlackUser) -> Actor:
    return Actor(org_id=user.org_id, team_id=user.team_id, user_id=user.user_id)


def _membership_problem(user: SlackUser, config: PolicyConfig) -> str | None:
    """Why ``user`` is not a full member of our organisation, or None if they are."""
    if user.deleted:
        return say("member.deactivated")
    if user.is_bot or user.is_app_user:
        return say("member.bot")
    if user.is_stranger or user.org_id not in config.home_org_ids:
        return say("member.stranger")
    if user.is_restricted or user.is_ultra_restricted:
        return say("member.guest")
    return None


def _already_approved(request: Request) -> PolicyRefused:
    return PolicyRefused(say("refuse.already_approved", request_id=request.id))


def _members_only(user: SlackUser, config: PolicyConfig, key: str, **fields: str) -> None:
    """Raise the refusal ``key`` (which takes ``{problem}``) unless ``user`` is a full member."""
    problem = _membership_problem(user, config)
    if problem is not None:
        raise PolicyRefused(say(key, problem=problem, **fields))


def check_requester(user: SlackUser, config: PolicyConfig) -> None:
    _members_only(user, config, "refuse.request_not_member")


def check_member(user: SlackUser, config: PolicyConfig, doing: str) -> None:
    """Refuse ``doing`` (e.g. "end REQ-7F3K2") to anyone but a full member of our organisation."""
    _members_only(user, config, "refuse.not_member", doing=doing)


def check_reader(user: SlackUser, config: PolicyConfig) -> None:
    """Reads follow asks: requests, history, rules, gateways and groups are for full members."""
    _members_only(user, config, "refuse.read_not_member")


def check_approver(
    request: Request, user: SlackUser, approver_ids_now: frozenset[str], config: PolicyConfig
) -> None:
    """Refuse a click on approve or deny from anyone but a distinct, eligible approver.

    ``approver_ids_now`` is the approver user group's current membership; the configured
    approvers count too.
    """
    problem = _membership_problem(user, config)
    if problem is not None:
        raise PolicyRefused(say("refuse.decide_not_member", request_id=request.id, problem=problem))
    if user.user_id not in config.approvers | approver_ids_now:
        raise PolicyRefused(say("refuse.decide_not_approver", request_id=request.id))
    actor = actor_from_user(user)
    if actor == request.requester:
        raise PolicyRefused(say("refuse.decide_own", request_id=request.id))
    if request.has_approved(actor):
        raise _already_approved(request)


def risk_flags(ports: Iterable[PortRange], config: PolicyConfig) -> tuple[RiskFlag, ...]:
    merged = merge_port_ranges(ports)
    flags: list[RiskFlag] = []
    all_ports = any(r.start == 1 and r.end == MAX_PORT for r in merged)
    if all_ports:
        flags.append(RiskFlag.ALL_PORTS)
    if all_ports or sum(r.width for r in merged) > config.broad_ports:
        flags.append(RiskFlag.BROAD)
    if any(r.start <= port <= r.end for r in merged for port in config.sensitive_ports):
        flags.append(RiskFlag.SENSITIVE_PORT)
    return tuple(flags)


def required_approvals(flags: Iterable[RiskFlag]) -> int:
    """One approver normally; two distinct ones for anything broad or sensitive."""
    return 2 if _ESCALATING_FLAGS.intersection(flags) else 1


@dataclass(frozen=True)
class DecisionOutcome:
    """The request after a decision and how far it is from quorum."""

    request: Request
    approvals: int
    required: int

    @property
    def decided(self) -> bool:
        """True when the decision ended the wait (approved or denied)."""
        return self.request.state != RequestState.PENDING

    @property
    def progress(self) -> str:
        return f"{self.approvals} of {self.required}"


def apply_decision(request: Request, decision: Decision) -> DecisionOutcome:
    """Record ``decision`` on a pending request, already checked by ``check_approver``.

    A deny ends the request; an approve that reaches ``required_approvals`` distinct approvers
    approves it; any other approve leaves it pending. A decision after the pending deadline,
    or a second approve by the same person, is refused; a request that is no longer pending
    raises ``IllegalTransition``.
    """
    if request.state != RequestState.PENDING:
        verdict_state = {Verdict.APPROVE: RequestState.APPROVED, Verdict.DENY: RequestState.DENIED}
        raise IllegalTransition(request.state, verdict_state[decision.verdict])
    if request.expires_at is not None and decision.at >= request.expires_at:
        raise PolicyRefused(say("refuse.decide_expired", request_id=request.id))
    if decision.verdict is Verdict.APPROVE and request.has_approved(decision.actor):
        raise _already_approved(request)
    recorded = request.with_decision(decision)
    approvals = len(recorded.approvers)
    if decision.verdict is Verdict.DENY:
        recorded = transition(recorded, RequestState.DENIED, at=decision.at, reason=decision.reason)
    elif approvals >= recorded.required_approvals:
        recorded = transition(recorded, RequestState.APPROVED, at=decision.at)
    else:
        recorded = recorded.evolve(updated_at=decision.at)
    return DecisionOutcome(
        request=recorded, approvals=approvals, required=recorded.required_approvals
    )
