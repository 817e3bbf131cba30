"""What the store's workflow steps return or raise, and the words a settled request gets.

Kept apart from ``approvals.store`` so callers (worker, Slack handlers) can import the types
without the Redis machinery, and so the store module stays about Redis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from approvals.effects import Effects, Job, JobKind
from approvals.keys import DEFAULT_PREFIX, INTAKE_TTL, REQUEST_RETENTION
from approvals.model import Request, RequestState, Verdict
from approvals.outbox import NotificationKind, notification
from approvals.policy import DecisionOutcome
from bot.catalogue import say
from vocabulary.errors import PolicyRefused, SgbotError, UserError


class StaleRequest(SgbotError):
    """Someone wrote the request after it was read; reload and decide again."""

    def __init__(self, request_id: str, expected: int, found: str) -> None:
        self.request_id = request_id
        self.expected = expected
        super().__init__(f"{request_id} changed meanwhile (read v{expected}, now v{found or '-'})")


class UnknownRequest(UserError):
    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        super().__init__(say("refuse.unknown_request", request_id=request_id))


class RateLimited(PolicyRefused):
    """The requester reached the request limit for the window; nothing was stored."""


class NotReplicated(SgbotError):
    """The write reached the primary but no replica confirmed it within the timeout."""


@dataclass(frozen=True)
class StoreConfig:
    prefix: str = DEFAULT_PREFIX
    retention: timedelta = REQUEST_RETENTION  # how long a finished request stays readable
    intake_ttl: timedelta = INTAKE_TTL  # how long a Slack retry finds the first request
    history_length: int = 10_000  # requests kept per history index
    audit_maxlen: int = 100_000  # audit entries kept (about)
    cas_attempts: int = 20  # reload-and-retry rounds before giving up with StaleRequest
    wait_for_replicas: bool | None = None  # None: decide from INFO replication (cached)
    replica_timeout_ms: int = 1_000
    # The region a request stored before regions existed belongs to: the first one served.
    default_region: str | None = None


@dataclass(frozen=True)
class CreateResult:
    request_id: str
    created: bool  # False: the intake key was seen before; request_id is the first request


@dataclass(frozen=True)
class DecideResult:
    """The request after a click; ``outcome`` is None when nothing changed (not pending)."""

    request: Request
    outcome: DecisionOutcome | None
    message: str


def decided_message(outcome: DecisionOutcome) -> str:
    request = outcome.request
    if request.state is RequestState.APPROVED:
        return say("decided.approved", request_id=request.id)
    if request.state is RequestState.DENIED:
        return say("decided.denied", request_id=request.id)
    return say("decided.recorded", request_id=request.id, progress=outcome.progress)


def settled_message(request: Request) -> str:
    """Why a request can no longer be decided, for the person who clicked."""
    state = request.state
    if state in {RequestState.RECEIVED, RequestState.RESOLVING}:
        return say("settled.preparing", request_id=request.id)
    deniers = [d.actor for d in request.decisions if d.verdict is Verdict.DENY]
    if state is RequestState.DENIED and deniers:
        return say("settled.denied", request_id=request.id, who=f"<@{deniers[-1].user_id}>")
    if state is RequestState.EXPIRED:
        return say("settled.expired", request_id=request.id)
    if state is RequestState.CANCELLED:
        return say("settled.cancelled", request_id=request.id)
    if state is RequestState.REJECTED:
        return say("settled.rejected", request_id=request.id, reason=request.state_reason)
    names = ", ".join(f"<@{actor.user_id}>" for actor in request.approvers)
    state_name = say(f"state_name.{state.value}")
    if not names:
        return say("settled.approved_by_someone", request_id=request.id, state=state_name)
    return say("settled.approved", request_id=request.id, who=names, state=state_name)


def decision_effects(outcome: DecisionOutcome, version: int) -> Effects:
    """The card update for any decision, plus the apply job or the word to the requester."""
    request = outcome.request
    card = notification(NotificationKind.UPDATE_CARD, request.id, version)
    if request.state is RequestState.APPROVED:
        return Effects(
            jobs=(Job(kind=JobKind.APPLY, request_id=request.id),), notifications=(card,)
        )
    if request.state is RequestState.DENIED:
        told = notification(NotificationKind.TELL_REQUESTER, request.id, version)
        return Effects(notifications=(card, told))
    return Effects(notifications=(card,))
